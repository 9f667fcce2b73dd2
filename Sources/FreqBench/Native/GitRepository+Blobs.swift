import CGit2
import Foundation

extension GitRepository {
    /// Clones `source` (a URL or a local repository path) into `directory` with libgit2.
    /// A bare clone (the default) fetches objects and refs only; blobs are then read with
    /// `readFiles(_:atCommit:_:)` without checking out a working tree.
    public static func clone(from source: String, to directory: URL, bare: Bool = true) throws -> GitRepository {
        GitLibrary.prepare()
        var options = git_clone_options()
        git_clone_options_init(&options, UInt32(GIT_CLONE_OPTIONS_VERSION))
        options.bare = bare ? 1 : 0
        var repository: OpaquePointer?
        let status = git_clone(&repository, source, directory.path, &options)
        guard status == 0, let repository else {
            throw FreqBenchError("cannot clone: \(GitLibrary.lastError())", file: source)
        }
        let workdir = git_repository_workdir(repository).map { String(cString: $0) }
            ?? String(cString: git_repository_path(repository))
        return GitRepository(handle: repository, path: workdir)
    }

    /// Whether the repository has the commit `id` (40 hex digits).
    public func containsCommit(_ id: String) -> Bool {
        var oid = git_oid()
        guard git_oid_fromstr(&oid, id) == 0 else { return false }
        var commit: OpaquePointer?
        guard git_commit_lookup(&commit, handle, &oid) == 0, let commit else { return false }
        git_commit_free(commit)
        return true
    }

    /// Reads each of `paths` (slash-separated, relative to the repository root) as stored in
    /// the tree of commit `id` and passes its bytes to `body`, in order. Throws, naming the
    /// commit or the path, when the commit is absent or a path is not a file in its tree.
    public func readFiles(_ paths: [String], atCommit id: String, _ body: (String, Data) throws -> Void) throws {
        var oid = git_oid()
        guard id.count == 40, git_oid_fromstr(&oid, id) == 0 else {
            throw FreqBenchError("not a commit id (expected 40 hex digits): \(id)", file: path)
        }
        var commit: OpaquePointer?
        guard git_commit_lookup(&commit, handle, &oid) == 0, let commit else {
            throw FreqBenchError("commit \(id) not found: \(GitLibrary.lastError())", file: path)
        }
        defer { git_commit_free(commit) }
        var tree: OpaquePointer?
        guard git_commit_tree(&tree, commit) == 0, let tree else {
            throw FreqBenchError("cannot read the tree of commit \(id): \(GitLibrary.lastError())", file: path)
        }
        defer { git_tree_free(tree) }
        for file in paths {
            var entry: OpaquePointer?
            guard git_tree_entry_bypath(&entry, tree, file) == 0, let entry else {
                throw FreqBenchError("no such file in commit \(id)", file: path, location: file)
            }
            defer { git_tree_entry_free(entry) }
            guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else {
                throw FreqBenchError("not a file in commit \(id)", file: path, location: file)
            }
            var blob: OpaquePointer?
            guard git_blob_lookup(&blob, handle, git_tree_entry_id(entry)) == 0, let blob else {
                throw FreqBenchError("blob missing from the object database: \(GitLibrary.lastError())", file: path, location: file)
            }
            defer { git_blob_free(blob) }
            let size = Int(git_blob_rawsize(blob))
            let data = size == 0 ? Data() : Data(bytes: git_blob_rawcontent(blob), count: size)
            try body(file, data)
        }
    }
}
