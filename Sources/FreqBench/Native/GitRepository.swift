import CGit2
import Foundation

/// A git repository opened with libgit2: the project's own (for provenance) or a golden source.
public final class GitRepository: @unchecked Sendable {
    let handle: OpaquePointer
    /// The working directory (or the git dir of a bare repository).
    public let path: String

    init(handle: OpaquePointer, path: String) {
        self.handle = handle
        self.path = path
    }

    deinit { git_repository_free(handle) }

    /// Opens the repository that contains `url`, searching parent directories.
    public static func discover(from url: URL) throws -> GitRepository {
        GitLibrary.prepare()
        var repository: OpaquePointer?
        let status = git_repository_open_ext(&repository, url.path, 0, nil)
        guard status == 0, let repository else {
            throw FreqBenchError("not inside a git repository: \(GitLibrary.lastError())", file: url.path)
        }
        let workdir = git_repository_workdir(repository).map { String(cString: $0) }
            ?? String(cString: git_repository_path(repository))
        return GitRepository(handle: repository, path: workdir)
    }

    /// Opens the repository at exactly `url` (no parent search).
    public static func open(_ url: URL) throws -> GitRepository {
        GitLibrary.prepare()
        var repository: OpaquePointer?
        let status = git_repository_open(&repository, url.path)
        guard status == 0, let repository else {
            throw FreqBenchError("cannot open git repository: \(GitLibrary.lastError())", file: url.path)
        }
        let workdir = git_repository_workdir(repository).map { String(cString: $0) }
            ?? String(cString: git_repository_path(repository))
        return GitRepository(handle: repository, path: workdir)
    }

    /// The commit id of HEAD, or nil when HEAD is unborn (no commits yet).
    public func headCommit() throws -> String? {
        if git_repository_head_unborn(handle) == 1 { return nil }
        var oid = git_oid()
        guard git_reference_name_to_id(&oid, handle, "HEAD") == 0 else {
            throw FreqBenchError("cannot resolve HEAD: \(GitLibrary.lastError())", file: path)
        }
        return String(cString: git_oid_tostr_s(&oid))
    }

    /// Whether the working tree has changes (tracked or untracked, ignored files excepted).
    public func isDirty() throws -> Bool {
        var options = git_status_options()
        git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION))
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
        var list: OpaquePointer?
        guard git_status_list_new(&list, handle, &options) == 0, let list else {
            throw FreqBenchError("cannot read git status: \(GitLibrary.lastError())", file: path)
        }
        defer { git_status_list_free(list) }
        return git_status_list_entrycount(list) > 0
    }
}

/// Process-wide libgit2 set-up. One init is kept alive for the whole process, so global
/// options (owner validation off: CI clones are often owned by another uid) persist.
enum GitLibrary {
    private static let once: Void = {
        git_libgit2_init()
        _ = cgit2_set_owner_validation(0)
    }()
    static func prepare() { _ = once }

    static func lastError() -> String {
        guard let error = git_error_last() else { return "unknown libgit2 error" }
        return String(cString: error.pointee.message)
    }
}
