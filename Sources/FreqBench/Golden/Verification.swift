import Foundation

/// `freqbench verify`: runs the suites its inputs allow and gives one line per check, a
/// summary line and the verdict (failed when any check failed).
///
/// Without `results`: the Fixtures pipeline against `Golden/fixtures` and the paper suite
/// (skipped, with one line saying why, when the upstream folder is absent). With `results`:
/// the results suite only.
public enum Verification {
    /// What to verify.
    public struct Options: Sendable {
        /// The paper's released data (default `DataPaths.upstream`).
        public var upstream: URL
        /// A folder of the user's own re-run outputs; when set, the results suite runs instead of the paper suite.
        public var results: URL?
        public var tolerances: ResultTolerances
        /// Whether to run the Fixtures pipeline against its goldens (paper mode only).
        public var fixtures: Bool

        public init(upstream: URL = DataPaths.upstream, results: URL? = nil, tolerances: ResultTolerances, fixtures: Bool = true) {
            self.upstream = upstream
            self.results = results
            self.tolerances = tolerances
            self.fixtures = fixtures
        }
    }

    /// Every check and re-drawn plot of a run.
    public struct Report: Sendable {
        public var checks: [Check]
        public var plots: [ReportPlot]

        public init(checks: [Check], plots: [ReportPlot]) {
            self.checks = checks
            self.plots = plots
        }

        /// The checks and plots of one suite's outcome.
        public init(outcome: PaperSuite.Outcome) {
            self.init(checks: outcome.checks, plots: outcome.plots)
        }

        /// True when any check failed.
        public var failed: Bool { checks.contains { $0.status == .failed } }
    }

    /// Runs the paper suite (or, with `results`, the results suite).
    public static func run(_ options: Options) -> Report {
        if let results = options.results {
            guard FileManager.default.fileExists(atPath: options.upstream.appendingPathComponent("search_counts").path) else {
                return Report(checks: [Check(suite: "results", name: "upstream", status: .failed,
                                             detail: "the paper's released data is needed to compare with and was not found at \(options.upstream.path) (give --upstream DIR or set FREQBENCH_UPSTREAM)")],
                              plots: [])
            }
            let outcome = ResultsSuite.run(results: results, upstream: options.upstream, tolerances: options.tolerances)
            return Report(checks: outcome.checks, plots: outcome.plots)
        }
        var checks: [Check] = []
        if options.fixtures {
            checks += PaperSuite.guarded(suite: "fixtures") { try FixtureVerification.checks(runs: FixturePipeline().run()) }
        }
        let outcome = PaperSuite.run(upstream: options.upstream)
        // The peers' data sits beside the upstream folder unless FREQBENCH_PEERS says otherwise.
        let peers = ProcessInfo.processInfo.environment["FREQBENCH_PEERS"].map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? options.upstream.deletingLastPathComponent().appendingPathComponent("peers")
        // Without the paper's counts there is nothing to compare (the paper suite says why).
        let hasCounts = FileManager.default.fileExists(atPath: options.upstream.appendingPathComponent("search_counts").path)
        let peerOutcome = hasCounts ? PeersSuite.run(upstream: options.upstream, peers: peers) : PaperSuite.Outcome(checks: [], plots: [])
        return Report(checks: checks + outcome.checks + peerOutcome.checks, plots: outcome.plots + peerOutcome.plots)
    }

    /// The tag of a status in the output lines.
    public static func tag(_ status: Check.Status) -> String {
        switch status {
        case .passed: return "PASS"
        case .failed: return "FAIL"
        case .expectedDeviation: return "XDEV"
        case .skipped: return "SKIP"
        }
    }

    /// One output line: `PASS suite/name  got: …  expected: …  (detail)`.
    public static func line(_ check: Check) -> String {
        var text = "\(tag(check.status)) \(check.suite)/\(check.name)"
        if !check.got.isEmpty { text += "  got: \(check.got)" }
        if !check.expected.isEmpty { text += "  expected: \(check.expected)" }
        if !check.detail.isEmpty { text += "  (\(check.detail))" }
        return text
    }

    /// The summary line: totals per status and the verdict.
    public static func summary(_ checks: [Check]) -> String {
        let count = { (status: Check.Status) in checks.filter { $0.status == status }.count }
        let failed = count(.failed)
        return "verify: \(checks.count) checks: \(count(.passed)) passed, \(failed) failed, \(count(.expectedDeviation)) expected deviations, \(count(.skipped)) skipped — \(failed == 0 ? "PASSED" : "FAILED")"
    }
}
