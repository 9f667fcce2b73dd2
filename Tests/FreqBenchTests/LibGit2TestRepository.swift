import CGit2
import Foundation
@testable import FreqBench

/// Creates git repositories with libgit2 itself (init, write files, stage, commit), so the
/// `golden fetch` tests do not depend on the git command-line tool.
enum LibGit2TestRepository {
    /// Initializes a repository in `directory`, writes `files` (path -> content) into its
    /// working tree and commits them on HEAD; returns the new commit id.
    @discardableResult
    static func commit(_ files: [String: Data], in directory: URL, message: String = "fixture") throws -> String {
        GitLibrary.prepare()
        for (path, content) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url)
        }
        var repository: OpaquePointer?
        try check(git_repository_init(&repository, directory.path, 0), "init")
        defer { git_repository_free(repository) }
        var index: OpaquePointer?
        try check(git_repository_index(&index, repository), "index")
        defer { git_index_free(index) }
        try check(git_index_add_all(index, nil, 0, nil, nil), "add")
        try check(git_index_write(index), "write index")
        var treeID = git_oid()
        try check(git_index_write_tree(&treeID, index), "write tree")
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, repository, &treeID), "tree")
        defer { git_tree_free(tree) }
        var signature: UnsafeMutablePointer<git_signature>?
        try check(git_signature_new(&signature, "FreqBench Tests", "tests@freqbench.invalid", 1_700_000_000, 0), "signature")
        defer { git_signature_free(signature) }
        var parent: OpaquePointer?
        var parentID = git_oid()
        var parents: [OpaquePointer?] = []
        if git_reference_name_to_id(&parentID, repository, "HEAD") == 0, git_commit_lookup(&parent, repository, &parentID) == 0 {
            parents = [parent]
        }
        defer { if let parent { git_commit_free(parent) } }
        var commitID = git_oid()
        try parents.withUnsafeMutableBufferPointer { buffer in
            try check(git_commit_create(&commitID, repository, "HEAD", signature, signature, nil, message, tree,
                                        buffer.count, buffer.baseAddress), "commit")
        }
        return String(cString: git_oid_tostr_s(&commitID))
    }

    private static func check(_ status: Int32, _ step: String) throws {
        guard status == 0 else { throw FreqBenchError("libgit2 \(step) failed: \(GitLibrary.lastError())") }
    }
}
