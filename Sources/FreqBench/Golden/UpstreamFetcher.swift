import Foundation

/// Obtains the upstream files an `UpstreamLock` pins (`freqbench golden fetch`): clones the
/// source with libgit2, reads every locked file from the tree of the pinned commit, checks
/// its size and SHA-256, and only when all match moves the files into place.
///
/// Nothing is written into the destination unless every file checks out; a destination that
/// exists must be empty or an earlier fetch (it holds `.freqbench-fetch.json`), so a wrong
/// `--to` never overwrites unrelated files. The lock's `derived` files are not upstream blobs
/// and are not fetched.
public struct UpstreamFetcher: Sendable {
    /// What a fetch wrote.
    public struct Result: Sendable, Equatable {
        public var directory: URL
        public var files: Int
        public var bytes: Int
    }

    /// The marker file a fetch leaves in its destination.
    public static let markerName = ".freqbench-fetch.json"

    /// `.cache/upstream` under the repository root (git-ignored).
    public static var defaultDirectory: URL {
        DataPaths.repositoryRoot.appendingPathComponent(".cache/upstream", isDirectory: true)
    }

    public var lock: UpstreamLock

    public init(lock: UpstreamLock) {
        self.lock = lock
    }

    /// Fetches from `source` (URL or local repository path) into `directory`.
    public func fetch(from source: String, to directory: URL) throws -> Result {
        let manager = FileManager.default
        try checkDestination(directory)
        let parent = directory.deletingLastPathComponent()
        try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        let token = UUID().uuidString.prefix(8)
        let cloneURL = parent.appendingPathComponent(".\(directory.lastPathComponent).clone-\(token)", isDirectory: true)
        let staging = parent.appendingPathComponent(".\(directory.lastPathComponent).staging-\(token)", isDirectory: true)
        defer {
            try? manager.removeItem(at: cloneURL)
            try? manager.removeItem(at: staging)
        }
        let repository = try GitRepository.clone(from: source, to: cloneURL)
        guard repository.containsCommit(lock.commit) else {
            throw FreqBenchError("the pinned commit \(lock.commit) is not in this repository (no branch or tag of it reaches that commit); fetch from a clone of \(lock.repository) that has it, or re-lock", file: source)
        }
        let expected = Dictionary(uniqueKeysWithValues: lock.files.map { ($0.path, $0) })
        var mismatches: [String] = []
        var bytes = 0
        try repository.readFiles(lock.files.map(\.path), atCommit: lock.commit) { path, data in
            guard let entry = expected[path] else { return }
            let digest = SHA256.hex(of: data)
            guard digest == entry.sha256, data.count == entry.bytes else {
                mismatches.append("\(path): sha256 \(digest) (\(data.count) bytes), the lock expects \(entry.sha256) (\(entry.bytes) bytes)")
                return
            }
            let target = staging.appendingPathComponent(path)
            try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: target)
            bytes += data.count
        }
        guard mismatches.isEmpty else {
            let shown = mismatches.prefix(10).joined(separator: "\n  ")
            throw FreqBenchError("\(mismatches.count) file(s) at commit \(lock.commit) differ from the lock (wrong digest), nothing was written:\n  \(shown)", file: source)
        }
        let marker: JSONValue = .object([
            "repository": .string(lock.repository),
            "commit": .string(lock.commit),
            "source": .string(source),
            "files": .int(lock.files.count),
        ])
        try JSONWriter(indent: 1).write(marker, to: staging.appendingPathComponent(UpstreamFetcher.markerName))
        try AtomicFile.replace(directory, with: staging)
        return Result(directory: directory, files: lock.files.count, bytes: bytes)
    }

    private func checkDestination(_ directory: URL) throws {
        let manager = FileManager.default
        guard manager.fileExists(atPath: directory.path) else { return }
        let contents = (try? manager.contentsOfDirectory(atPath: directory.path)) ?? []
        guard contents.isEmpty || contents.contains(UpstreamFetcher.markerName) else {
            throw FreqBenchError("destination exists and is neither empty nor an earlier fetch (no \(UpstreamFetcher.markerName)); choose another --to", file: directory.path)
        }
    }
}
