import Foundation

/// What `golden update` would change: every output of the Fixtures pipeline compared with its
/// golden, plus goldens that no output produces any more. `text` is the readable diff that
/// `golden diff` and `golden update` print.
public struct GoldenDiff: Sendable {
    /// How one golden would change.
    public enum Change: Sendable {
        /// Matches within the golden's tolerance, and the tolerance is unchanged.
        case unchanged
        /// Differs beyond tolerance (or the tolerance itself changed: `toleranceChange`).
        case changed(GoldenComparison, toleranceChange: (from: GoldenTolerance, to: GoldenTolerance)?)
        /// A new output without a golden.
        case added
        /// A golden whose output is no longer produced.
        case removed
        /// The stage failed; its goldens cannot be compared or updated.
        case stageFailed(String)
    }

    /// One output (or one failed stage, with an empty `output`).
    public struct Entry: Sendable {
        public var stage: String
        public var output: String
        public var change: Change
        /// The golden file the update writes for this output (nil for removed / failed).
        var newContents: String?
        /// The current golden file's bytes, kept when unchanged so updates do not churn.
        var oldContents: String?
        /// For a compare-only stage's output: the golden's path (`golden update` never writes it).
        public var compareOnlyPath: String? = nil

        public var isChange: Bool {
            if case .unchanged = change { return false }
            return true
        }
    }

    public var entries: [Entry]

    /// Compares pipeline `runs` with the goldens in `store`.
    public init(runs: [FixturePipeline.Run], store: GoldenStore) throws {
        var entries: [Entry] = []
        let registered = Set(runs.map(\.stage))
        for run in runs {
            if let failure = run.failure {
                entries.append(Entry(stage: run.stage, output: "", change: .stageFailed(failure)))
                continue
            }
            if let folder = run.compareOnlyGoldens {
                for output in run.outputs {
                    let path = CompareOnlyGolden.displayPath(folder: folder, output: output.name)
                    let change: Change
                    if let golden = try CompareOnlyGolden.golden(folder: folder, output: output) {
                        let comparison = GoldenComparison(expected: golden.value, got: output.value, tolerance: golden.tolerance)
                        change = comparison.matches ? .unchanged : .changed(comparison, toleranceChange: nil)
                    } else {
                        change = .added
                    }
                    entries.append(Entry(stage: run.stage, output: output.name, change: change, compareOnlyPath: path))
                }
                continue
            }
            let produced = Set(run.outputs.map(\.name))
            for output in run.outputs {
                let contents = GoldenStore.fileContents(stage: run.stage, output: output)
                let url = store.url(stage: run.stage, output: output.name)
                guard let golden = try store.golden(stage: run.stage, output: output.name) else {
                    entries.append(Entry(stage: run.stage, output: output.name, change: .added, newContents: contents))
                    continue
                }
                let old = try String(contentsOf: url, encoding: .utf8)
                let comparison = GoldenComparison(expected: golden.value, got: output.value, tolerance: golden.tolerance)
                let toleranceChange = golden.tolerance == output.tolerance ? nil : (golden.tolerance, output.tolerance)
                if comparison.matches, toleranceChange == nil {
                    entries.append(Entry(stage: run.stage, output: output.name, change: .unchanged, newContents: old, oldContents: old))
                } else {
                    entries.append(Entry(stage: run.stage, output: output.name,
                                         change: .changed(comparison, toleranceChange: toleranceChange), newContents: contents, oldContents: old))
                }
            }
            for name in try store.outputNames(stage: run.stage) where !produced.contains(name) {
                entries.append(Entry(stage: run.stage, output: name, change: .removed))
            }
        }
        for stage in try store.stageNames() where !registered.contains(stage) {
            for name in try store.outputNames(stage: stage) {
                entries.append(Entry(stage: stage, output: name, change: .removed))
            }
        }
        self.entries = entries
    }

    public var hasChanges: Bool { entries.contains(where: \.isChange) }

    /// Whether `golden update` has anything to write (compare-only goldens are never written).
    public var hasWritableChanges: Bool { entries.contains { $0.isChange && $0.compareOnlyPath == nil } }

    public var failedStages: [(stage: String, error: String)] {
        entries.compactMap { entry in
            if case .stageFailed(let error) = entry.change { return (entry.stage, error) }
            return nil
        }
    }

    /// The complete new golden set (relative path -> bytes): unchanged goldens keep their bytes.
    var updatedFiles: [(path: String, contents: String)] {
        entries.compactMap { entry in
            guard let contents = entry.newContents else { return nil }
            return (entry.stage + "/" + entry.output + ".json", contents)
        }
    }

    /// The readable diff: one line per changed golden, then each difference indented.
    public var text: String {
        var lines: [String] = []
        for entry in entries {
            let name = entry.compareOnlyPath ?? "\(entry.stage)/\(entry.output).json"
            switch entry.change {
            case .unchanged:
                continue
            case .added:
                lines.append(entry.compareOnlyPath == nil ? "+ \(name): new golden" : "! \(name): no golden")
            case .removed:
                lines.append("- \(name): no longer produced; the golden would be removed")
            case .stageFailed(let error):
                lines.append("! stage \(entry.stage) failed: \(error)")
            case .changed(let comparison, let toleranceChange):
                lines.append("~ \(name): \(comparison.differences.count) difference(s) beyond tolerance")
                if let toleranceChange {
                    lines.append("    tolerance: relative \(JSONNumber.format(toleranceChange.from.relative)), absolute \(JSONNumber.format(toleranceChange.from.absolute)) -> relative \(JSONNumber.format(toleranceChange.to.relative)), absolute \(JSONNumber.format(toleranceChange.to.absolute))")
                }
                for difference in comparison.differences.prefix(20) { lines.append("    \(difference)") }
                if comparison.differences.count > 20 { lines.append("    … \(comparison.differences.count - 20) more") }
            }
            if entry.compareOnlyPath != nil, entry.isChange {
                lines.append("    compare-only golden: regenerate it with the stage's reference generator and review; `golden update` does not write it")
            }
        }
        let unchanged = entries.filter { !$0.isChange }.count
        lines.append(lines.isEmpty ? "no changes (\(unchanged) golden(s) match)" : "\(entries.filter(\.isChange).count) change(s), \(unchanged) golden(s) unchanged")
        return lines.joined(separator: "\n")
    }
}
