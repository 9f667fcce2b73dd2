import Foundation

/// Where a result came from: tool version, the project's git commit, library versions.
///
/// Written into every result and report (as lm-eval-harness does), so a number can be
/// traced to the code that produced it.
public struct Provenance: Sendable, Equatable {
    public var toolVersion: String
    /// The project's HEAD commit, or nil outside a git checkout.
    public var gitCommit: String?
    /// Whether the checkout had uncommitted changes.
    public var gitDirty: Bool
    public var libraries: [String: String]

    /// Reads the provenance of the running tool from the repository root.
    public static func current(root: URL = DataPaths.repositoryRoot) -> Provenance {
        var commit: String?
        var dirty = false
        if let repository = try? GitRepository.discover(from: root) {
            commit = try? repository.headCommit()
            dirty = (try? repository.isDirty()) ?? false
        }
        return Provenance(
            toolVersion: ToolVersion.current, gitCommit: commit, gitDirty: dirty,
            libraries: ["libtorch": Torch.version, "openblas": BLAS.configuration])
    }

    /// The provenance as a JSON object.
    public var json: JSONValue {
        .object([
            "tool": .string("freqbench"),
            "tool_version": .string(toolVersion),
            "git_commit": gitCommit.map { .string($0) } ?? .null,
            "git_dirty": .bool(gitDirty),
            "libraries": .object(.init(uniqueKeysWithValues: libraries.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })),
        ])
    }
}
