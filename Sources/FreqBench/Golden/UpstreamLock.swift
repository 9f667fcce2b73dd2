import Collections
import Foundation

/// `Golden/upstream.lock.json`: the pinned upstream repository, commit and the SHA-256 of
/// every upstream file the paper suite uses. The project commits none of those files;
/// `UpstreamFetcher` obtains them at the pinned commit and checks them against this lock.
///
/// `files` are verbatim upstream blobs, at their path in the upstream repository.
/// `derived` are files of the shared data set that are not upstream blobs (the figure JSON
/// converted from `notebooks/plots/*.pkl`, the prompt templates): their digests pin the
/// local copy a run used, but they cannot be fetched from the repository.
public struct UpstreamLock: Sendable, Equatable {
    /// One pinned file.
    public struct Entry: Sendable, Equatable {
        /// Path relative to the upstream root (the repository root for `files`).
        public var path: String
        public var bytes: Int
        /// Lowercase hex SHA-256 of the file's bytes.
        public var sha256: String
        /// For derived files: the upstream file it was made from, if there is one.
        public var derivedFrom: String?

        public init(path: String, bytes: Int, sha256: String, derivedFrom: String? = nil) {
            self.path = path
            self.bytes = bytes
            self.sha256 = sha256
            self.derivedFrom = derivedFrom
        }
    }

    /// The format tag written as `"format"`.
    public static let format = "freqbench-upstream-lock/1"
    /// The repository's lock: `Golden/upstream.lock.json` under the repository root.
    public static var defaultURL: URL {
        DataPaths.repositoryRoot.appendingPathComponent("Golden/upstream.lock.json")
    }

    public var repository: String
    /// The pinned commit (40 hex digits).
    public var commit: String
    /// Verbatim upstream blobs, sorted by path.
    public var files: [Entry]
    /// Local conversions that are not upstream blobs, sorted by path.
    public var derived: [Entry]

    public init(repository: String, commit: String, files: [Entry], derived: [Entry] = []) {
        self.repository = repository
        self.commit = commit
        self.files = files.sorted { $0.path < $1.path }
        self.derived = derived.sorted { $0.path < $1.path }
    }

    /// Reads a lock file, naming the file and the member when it is malformed.
    public static func read(from url: URL) throws -> UpstreamLock {
        let json = try JSONParser.parse(contentsOf: url)
        func fail(_ message: String, _ location: String? = nil) -> FreqBenchError {
            FreqBenchError(message, file: url.path, location: location)
        }
        guard json["format"]?.stringValue == format else {
            throw fail("not an upstream lock: expected \"format\": \"\(format)\"")
        }
        guard let repository = json["repository"]?.stringValue, !repository.isEmpty else {
            throw fail("expected a \"repository\" string")
        }
        guard let commit = json["commit"]?.stringValue, commit.count == 40, commit.allSatisfy(\.isHexDigit) else {
            throw fail("expected \"commit\" to be 40 hex digits")
        }
        func entries(_ section: String) throws -> [Entry] {
            guard let members = json[section]?.objectValue else { throw fail("expected an object \"\(section)\"") }
            return try members.map { path, value in
                guard let bytes = value["bytes"]?.intValue, bytes >= 0,
                      let sha256 = value["sha256"]?.stringValue, sha256.count == 64, sha256.allSatisfy(\.isHexDigit) else {
                    throw fail("expected {\"bytes\": integer, \"sha256\": 64 hex digits}", "\(section) member \"\(path)\"")
                }
                return Entry(path: path, bytes: bytes, sha256: sha256.lowercased(), derivedFrom: value["derived_from"]?.stringValue)
            }
        }
        return UpstreamLock(repository: repository, commit: commit.lowercased(), files: try entries("files"), derived: try entries("derived"))
    }

    /// The lock as JSON: one member per file, sorted by path (stable diffs).
    public var json: JSONValue {
        func section(_ entries: [Entry]) -> JSONValue {
            var members = OrderedDictionary<String, JSONValue>()
            for entry in entries {
                var fields: OrderedDictionary<String, JSONValue> = ["bytes": .int(entry.bytes), "sha256": .string(entry.sha256)]
                if let source = entry.derivedFrom { fields["derived_from"] = .string(source) }
                members[entry.path] = .object(fields)
            }
            return .object(members)
        }
        return .object([
            "format": .string(UpstreamLock.format),
            "repository": .string(repository),
            "commit": .string(commit),
            "files": section(files),
            "derived": section(derived),
        ])
    }

    /// Writes the lock atomically (indent 1: one file per line, small diffs).
    public func write(to url: URL) throws {
        try JSONWriter(indent: 1).write(json, to: url)
    }
}
