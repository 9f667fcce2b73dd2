import Foundation

/// The `fixtures.<stage>` checks of `freqbench verify`: each pipeline output against its
/// golden, one `Check` per output.
///
/// A missing golden is a failure on CI (`CI` set: CI never writes goldens) and skipped
/// elsewhere, with the command that creates it; a golden no output produces any more and a
/// stage that throws are failures.
public enum FixtureVerification {
    /// Checks `runs` against `store`. `environment` decides CI (default: the process's).
    public static func checks(runs: [FixturePipeline.Run], store: GoldenStore = GoldenStore(),
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [Check] {
        let onCI = !(environment["CI"] ?? "").isEmpty
        var checks: [Check] = []
        for run in runs {
            let suite = "fixtures.\(run.stage)"
            if let failure = run.failure {
                checks.append(Check(suite: suite, name: "stage \(run.stage)", status: .failed, expected: "outputs", got: "error",
                                    detail: failure))
                continue
            }
            for output in run.outputs {
                if let folder = run.compareOnlyGoldens {
                    let path = CompareOnlyGolden.displayPath(folder: folder, output: output.name)
                    guard let golden = try CompareOnlyGolden.golden(folder: folder, output: output) else {
                        checks.append(Check(suite: suite, name: output.name, status: .failed, expected: path, got: "no golden",
                                            detail: "no golden \(path): this stage is compare-only; regenerate its goldens with the stage's reference generator"))
                        continue
                    }
                    checks.append(check(suite: suite, output: output, golden: golden, path: path))
                    continue
                }
                let path = "Golden/fixtures/\(run.stage)/\(output.name).json"
                guard let golden = try store.golden(stage: run.stage, output: output.name) else {
                    checks.append(Check(
                        suite: suite, name: output.name, status: onCI ? .failed : .skipped, expected: path, got: "no golden",
                        detail: onCI ? "no golden \(path): CI never writes goldens; run `freqbench golden update` locally, review the diff and commit it"
                            : "no golden yet: run `freqbench golden update`, review the diff and commit \(path)"))
                    continue
                }
                checks.append(check(suite: suite, output: output, golden: golden, path: path))
            }
            if run.compareOnlyGoldens != nil { continue }
            let produced = Set(run.outputs.map(\.name))
            for name in try store.outputNames(stage: run.stage) where !produced.contains(name) {
                checks.append(Check(suite: suite, name: name, status: .failed, expected: "an output \"\(name)\"", got: "none",
                                    detail: "Golden/fixtures/\(run.stage)/\(name).json has no output any more; `freqbench golden update` removes it"))
            }
        }
        return checks
    }

    private static func check(suite: String, output: FixtureStage.Output, golden: GoldenStore.Golden, path: String) -> Check {
        let comparison = GoldenComparison(expected: golden.value, got: output.value, tolerance: golden.tolerance)
        let tolerance = "relative \(JSONNumber.format(golden.tolerance.relative)), absolute \(JSONNumber.format(golden.tolerance.absolute)), integers exact"
        return Check(
            suite: suite, name: output.name, status: comparison.matches ? .passed : .failed,
            expected: "\(path) (\(tolerance))",
            got: comparison.matches ? "matches" : "\(comparison.differences.count) difference(s)",
            deviation: comparison.maximumRelativeDeviation,
            detail: comparison.differences.prefix(5).map(\.description).joined(separator: "; ")
                + (comparison.differences.count > 5 ? "; …" : ""))
    }
}
