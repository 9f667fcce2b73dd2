import Foundation

/// Everything a verify report shows: where the run came from, which upstream it was checked
/// against, every check, and the paper's plots re-drawn.
///
/// `ReportWriter` turns it into HTML, summary JSON and JUnit XML; `ReportSummary` reads the
/// JSON back, so `freqbench report` can re-render a report without re-running the checks.
public struct Report: Sendable, Equatable {
    /// The overall outcome: failed when any check failed. Expected deviations and skipped
    /// checks are reported with their reasons but do not fail a run.
    public enum Verdict: String, Sendable, Equatable {
        case passed
        case failed
    }

    /// The upstream lock the run was checked against: its file digest and what it pins.
    public struct UpstreamPin: Sendable, Equatable {
        /// SHA-256 of the lock file's bytes (`Golden/upstream.lock.json`).
        public var lockSHA256: String
        public var repository: String
        public var commit: String

        public init(lockSHA256: String, repository: String, commit: String) {
            self.lockSHA256 = lockSHA256
            self.repository = repository
            self.commit = commit
        }

        /// The pin of the lock file at `url` (default `Golden/upstream.lock.json` in the
        /// repository), or nil when there is no lock file there.
        public static func read(from url: URL = UpstreamLock.defaultURL) throws -> UpstreamPin? {
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            let lock = try UpstreamLock.read(from: url)
            return UpstreamPin(lockSHA256: try SHA256.hex(ofFile: url), repository: lock.repository, commit: lock.commit)
        }
    }

    public var provenance: Provenance
    public var upstream: UpstreamPin?
    public var checks: [Check]
    public var plots: [ReportPlot]

    /// A report of `checks` and `plots`; provenance and the upstream pin default to the
    /// running tool's and the repository's `Golden/upstream.lock.json`.
    public init(checks: [Check], plots: [ReportPlot] = [], provenance: Provenance = .current(),
                upstream: UpstreamPin? = try? UpstreamPin.read()) {
        self.provenance = provenance
        self.upstream = upstream
        self.checks = checks
        self.plots = plots
    }

    public var verdict: Verdict {
        checks.contains { $0.status == .failed } ? .failed : .passed
    }

    /// How many checks ended in each status, in `Check.Status.allCases` order (zeros kept).
    public var counts: [(status: Check.Status, count: Int)] {
        Report.counts(of: checks)
    }

    static func counts(of checks: [Check]) -> [(status: Check.Status, count: Int)] {
        Check.Status.allCases.map { status in (status, checks.filter { $0.status == status }.count) }
    }

    /// The checks grouped by suite for reading: suites that have failures first (then in order
    /// of first appearance), and within a suite failures, expected deviations, skipped, passed,
    /// each in their original order.
    public var checksBySuite: [(suite: String, checks: [Check])] {
        var order: [String] = []
        var groups: [String: [Check]] = [:]
        for check in checks {
            if groups[check.suite] == nil { order.append(check.suite) }
            groups[check.suite, default: []].append(check)
        }
        let sorted = order.map { suite -> (suite: String, checks: [Check]) in
            let members = groups[suite] ?? []
            let ranked = members.enumerated().sorted { left, right in
                let leftRank = Report.readingRank(left.element.status), rightRank = Report.readingRank(right.element.status)
                return leftRank != rightRank ? leftRank < rightRank : left.offset < right.offset
            }.map(\.element)
            return (suite, ranked)
        }
        let failing = sorted.filter { $0.checks.contains { $0.status == .failed } }
        let others = sorted.filter { !$0.checks.contains { $0.status == .failed } }
        return failing + others
    }

    private static func readingRank(_ status: Check.Status) -> Int {
        switch status {
        case .failed: return 0
        case .expectedDeviation: return 1
        case .skipped: return 2
        case .passed: return 3
        }
    }
}
