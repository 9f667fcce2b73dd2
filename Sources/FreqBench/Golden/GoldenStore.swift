import Collections
import Foundation

/// The Fixtures goldens on disk: `Golden/fixtures/<stage>/<output>.json`, each holding the
/// expected value and the tolerance it is compared with.
///
/// Updates are all-or-nothing: the new set is written completely into a staging folder
/// beside the store, then swapped in by two renames (old set aside, new set in). A process
/// killed before the swap leaves the old set untouched; one killed between the two renames
/// leaves the old set complete under `.fixtures.previous-*`, and `recover()` (run before
/// every read and update) moves it back. Readers never see a mix of old and new goldens.
public struct GoldenStore: Sendable {
    /// One golden file's content.
    public struct Golden: Sendable, Equatable {
        public var value: JSONValue
        public var tolerance: GoldenTolerance

        public init(value: JSONValue, tolerance: GoldenTolerance) {
            self.value = value
            self.tolerance = tolerance
        }
    }

    /// Points in an update where `replaceAll` reports progress (tests interrupt there).
    public enum UpdatePhase: Sendable, Equatable {
        /// A golden file was written into the staging folder.
        case stagedFile(String)
        /// The staging folder is complete; nothing has been swapped yet.
        case staged
        /// The old set was moved aside; the new set is not in place yet.
        case movedAside
    }

    /// The format tag written as `"format"`.
    public static let format = "freqbench-golden/1"

    /// `Golden/fixtures` under the repository root.
    public static var defaultDirectory: URL {
        DataPaths.repositoryRoot.appendingPathComponent("Golden/fixtures", isDirectory: true)
    }

    public var directory: URL

    public init(directory: URL = GoldenStore.defaultDirectory) {
        self.directory = directory
    }

    /// The golden file of `output` of `stage`.
    public func url(stage: String, output: String) -> URL {
        directory.appendingPathComponent(stage, isDirectory: true).appendingPathComponent(output + ".json")
    }

    /// The golden of `output` of `stage`, or nil when there is none.
    public func golden(stage: String, output: String) throws -> Golden? {
        try recover()
        let url = url(stage: stage, output: output)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try GoldenStore.read(from: url)
    }

    /// The output names that have goldens for `stage`, sorted.
    public func outputNames(stage: String) throws -> [String] {
        try recover()
        let folder = directory.appendingPathComponent(stage, isDirectory: true)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The stage folders present in the store, sorted.
    public func stageNames() throws -> [String] {
        try recover()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".") && FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path, isDirectory: &isDirectory) && isDirectory.boolValue
        }.sorted()
    }

    /// Reads one golden file, naming the file and member when it is malformed.
    public static func read(from url: URL) throws -> Golden {
        let json = try JSONParser.parse(contentsOf: url)
        guard json["format"]?.stringValue == format else {
            throw FreqBenchError("not a golden file: expected \"format\": \"\(format)\"", file: url.path)
        }
        guard let value = json["value"] else { throw FreqBenchError("expected a member \"value\"", file: url.path) }
        guard let toleranceJSON = json["tolerance"], let tolerance = GoldenTolerance(json: toleranceJSON) else {
            throw FreqBenchError("expected \"tolerance\": {\"relative\": number ≥ 0, \"absolute\": number ≥ 0}", file: url.path)
        }
        return Golden(value: value, tolerance: tolerance)
    }

    /// The bytes of a golden file for `output` of `stage`.
    public static func fileContents(stage: String, output: FixtureStage.Output) -> String {
        let json: JSONValue = .object([
            "format": .string(format),
            "stage": .string(stage),
            "output": .string(output.name),
            "tolerance": output.tolerance.json,
            "value": output.value,
        ])
        return JSONWriter(indent: 1).string(json) + "\n"
    }

    /// Replaces the whole store with `files` (relative path -> bytes), all or nothing.
    /// `progress` is called at each `UpdatePhase`; an error it throws aborts the update
    /// exactly as a crash there would (staging is left behind for the next `recover()`).
    public func replaceAll(with files: [(path: String, contents: String)],
                           progress: (UpdatePhase) throws -> Void = { _ in }) throws {
        let manager = FileManager.default
        try recover()
        let parent = directory.deletingLastPathComponent()
        try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        let token = UUID().uuidString.prefix(8)
        let staging = parent.appendingPathComponent(".\(directory.lastPathComponent).staging-\(token)", isDirectory: true)
        try manager.createDirectory(at: staging, withIntermediateDirectories: true)
        for file in files {
            let target = staging.appendingPathComponent(file.path)
            try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            do { try Data(file.contents.utf8).write(to: target) } catch {
                throw FreqBenchError("cannot write: \(error.localizedDescription)", file: target.path)
            }
            try progress(.stagedFile(file.path))
        }
        try progress(.staged)
        if manager.fileExists(atPath: directory.path) {
            let previous = parent.appendingPathComponent(".\(directory.lastPathComponent).previous-\(token)", isDirectory: true)
            try move(directory, to: previous)
            try progress(.movedAside)
            try move(staging, to: directory)
            try? manager.removeItem(at: previous)
        } else {
            try move(staging, to: directory)
        }
    }

    /// Finishes or undoes an interrupted update: when the store folder is missing but a
    /// complete old set was moved aside, moves it back; removes abandoned staging folders
    /// and old sets once the store is in place.
    public func recover() throws {
        let manager = FileManager.default
        let parent = directory.deletingLastPathComponent()
        let base = "." + directory.lastPathComponent
        guard let names = try? manager.contentsOfDirectory(atPath: parent.path) else { return }
        let previous = names.filter { $0.hasPrefix(base + ".previous-") }.sorted()
        let staging = names.filter { $0.hasPrefix(base + ".staging-") }
        if !manager.fileExists(atPath: directory.path), let old = previous.first {
            try move(parent.appendingPathComponent(old), to: directory)
        }
        guard manager.fileExists(atPath: directory.path) else { return }
        for name in previous + staging {
            try? manager.removeItem(at: parent.appendingPathComponent(name))
        }
    }

    private func move(_ source: URL, to destination: URL) throws {
        guard rename(source.path, destination.path) == 0 else {
            throw FreqBenchError("cannot rename \(source.path) into place: \(String(cString: strerror(errno)))", file: destination.path)
        }
    }
}
