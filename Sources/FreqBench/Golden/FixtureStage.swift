import Foundation

/// One stage of the Fixtures pipeline: a named computation over the project's small inputs in
/// `Fixtures/` that produces JSON outputs, each compared with its golden in
/// `Golden/fixtures/<stage>/<output>.json`.
///
/// Stages plug in by adding a value to `FixtureRegistry.stages`; a stage lives in the folder of
/// the engine it exercises (e.g. an `extension FixtureStage { static let textCounts = ... }`
/// in `Search/`). `run` must be deterministic: same fixtures, same bytes.
public struct FixtureStage: Sendable {
    /// What a stage can read and where it may write scratch files.
    public struct Context: Sendable {
        /// The `Fixtures/` folder.
        public var fixtures: URL
        /// A fresh, empty directory for intermediate files (removed after the run).
        public var scratch: URL

        public init(fixtures: URL, scratch: URL) {
            self.fixtures = fixtures
            self.scratch = scratch
        }
    }

    /// One output of a stage.
    public struct Output: Sendable, Equatable {
        /// File-name stem of the golden: `[A-Za-z0-9._-]+`, e.g. `figure-zero-shot`.
        public var name: String
        public var value: JSONValue
        /// How closely it must match (recorded in the golden file when it is written).
        public var tolerance: GoldenTolerance

        public init(name: String, value: JSONValue, tolerance: GoldenTolerance = .exact) {
            self.name = name
            self.value = value
            self.tolerance = tolerance
        }
    }

    /// The stage's name, also its folder under `Golden/fixtures/` and its check suite
    /// `fixtures.<name>`: `[a-z0-9-]+`.
    public var name: String
    /// One sentence for `golden diff` and the docs: what the stage computes from what.
    public var summary: String
    /// The engine computation that `verify` checks against the goldens.
    public var run: @Sendable (Context) throws -> [Output]
    /// An independent reference (e.g. a numpy script, see `FixtureReferenceScript`) that
    /// `golden update` writes the goldens from; nil: the goldens are the engine's reviewed
    /// outputs. Same output names and tolerances as `run`.
    public var reference: (@Sendable (Context) throws -> [Output])?
    /// nil: the goldens are the store's (`Golden/fixtures/<name>/`, written by `golden update`).
    /// Set: a folder of plain JSON files `<output>.json`, each the output's value itself, made
    /// by an independent generator outside `golden update` (e.g. `Fixtures/image/reference.py`
    /// writing `Golden/image/`). Such a stage is compare-only: verify and `golden diff` compare
    /// its outputs with those files (with the output's tolerance; members of a golden object
    /// the output does not produce, such as generator notes, are ignored); `golden update`
    /// never writes them.
    public var compareOnlyGoldens: URL?

    public init(name: String, summary: String, compareOnlyGoldens: URL? = nil,
                reference: (@Sendable (Context) throws -> [Output])? = nil,
                run: @escaping @Sendable (Context) throws -> [Output]) {
        self.name = name
        self.summary = summary
        self.compareOnlyGoldens = compareOnlyGoldens
        self.reference = reference
        self.run = run
    }
}
