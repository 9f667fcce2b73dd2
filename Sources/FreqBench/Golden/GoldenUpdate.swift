import Foundation

/// `freqbench golden update`: runs the Fixtures pipeline (each stage's independent reference
/// where it has one) and rewrites the goldens that changed, all or nothing (see `GoldenStore.replaceAll`), returning the diff it applied.
///
/// Refuses on CI (`CI` set: CI never rewrites goldens), when any stage fails, and when
/// called from the test runner on the repository's own `Golden/` (tests use temporary stores).
/// Compare-only stages (`FixtureStage.compareOnlyGoldens`) are compared and shown, never written.
public enum GoldenUpdate {
    public static func run(pipeline: FixturePipeline = FixturePipeline(), store: GoldenStore = GoldenStore(),
                           environment: [String: String] = ProcessInfo.processInfo.environment,
                           progress: (GoldenStore.UpdatePhase) throws -> Void = { _ in }) throws -> GoldenDiff {
        if !(environment["CI"] ?? "").isEmpty {
            throw FreqBenchError("refusing to update goldens on CI (CI is set): goldens are updated locally, reviewed and committed", file: store.directory.path)
        }
        if runningUnderTests(environment: environment),
           store.directory.standardizedFileURL.path == GoldenStore.defaultDirectory.standardizedFileURL.path {
            throw FreqBenchError("refusing to update the repository's goldens from the test runner", file: store.directory.path)
        }
        let diff = try GoldenDiff(runs: pipeline.run(.reference), store: store)
        if let failed = diff.failedStages.first {
            throw FreqBenchError("stage \(failed.stage) failed, nothing was written: \(failed.error)", file: store.directory.path)
        }
        guard diff.hasWritableChanges else { return diff }
        try store.replaceAll(with: diff.updatedFiles, progress: progress)
        return diff
    }

    /// Whether this process is a test runner (`swift test` runs `<Package>PackageTests.xctest`).
    static func runningUnderTests(environment: [String: String]) -> Bool {
        ProcessInfo.processInfo.processName.hasSuffix(".xctest") || ProcessInfo.processInfo.processName.hasSuffix("PackageTests")
            || environment["XCTestConfigurationFilePath"] != nil || environment["XCTestBundlePath"] != nil
    }
}
