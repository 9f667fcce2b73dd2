import Collections
import Foundation

/// Reads the goldens of a compare-only stage (`FixtureStage.compareOnlyGoldens`): plain JSON
/// files `<output>.json` made by an independent generator, compared with the output's own
/// tolerance. A golden object's members that the output does not produce (generator notes,
/// intermediate arrays another test checks) are left out of the comparison; every member
/// the output produces must be there, in the golden's order.
enum CompareOnlyGolden {
    /// The golden file of `output` in `folder`.
    static func url(folder: URL, output: String) -> URL {
        folder.appendingPathComponent(output + ".json")
    }

    /// The path shown in checks and diffs: relative to the repository root when inside it.
    static func displayPath(folder: URL, output: String) -> String {
        let path = url(folder: folder, output: output).standardizedFileURL.path
        let root = DataPaths.repositoryRoot.standardizedFileURL.path + "/"
        return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
    }

    /// The golden for `output`, or nil when its file is absent.
    static func golden(folder: URL, output: FixtureStage.Output) throws -> GoldenStore.Golden? {
        let url = url(folder: folder, output: output.name)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        var value = try JSONParser.parse(contentsOf: url)
        if let produced = output.value.objectValue, let members = value.objectValue {
            value = .object(members.filter { produced[$0.key] != nil })
        }
        return GoldenStore.Golden(value: value, tolerance: output.tolerance)
    }
}
