import CMalloc
import Foundation
import Synchronization

/// Writes outputs so that readers never see a half-written one, and never destroys what an
/// output path points at (docs/FORMATS.md, first section).
///
/// - Content goes to a temporary `.<name>.tmp-<pid>-<random>` beside the destination and is
///   renamed into place only when complete, so a killed process leaves the old output or the new.
/// - Symbolic links in the output's last component are followed first: the file (or index
///   directory) they point at is replaced, the link stays.
/// - A file output that is a device, FIFO or socket is written straight into (`O_WRONLY |
///   O_TRUNC`, no rename): `--out /dev/null` leaves the device in place. `/dev/stdout`,
///   `/dev/fd/N` and `/proc/self/fd/N` are written through descriptor N itself, as a shell
///   does, so its offset and mode (append) are kept. A file output that is a directory is refused.
/// - A directory output (an index) replaces an existing directory only when it holds nothing
///   but the files such outputs hold (`ownedEntries`); a path that exists and is not a directory
///   is refused. The replacement is one `renameat2(RENAME_EXCHANGE)`: readers see the old
///   directory or the new one, never none, and a kill at any point leaves one of them at the
///   path; the old one, then under the temporary name, is removed after.
/// - Leftover temporaries of killed runs (whose process no longer exists) are removed on the
///   next write to the same output.
///
/// Every failure is a `FreqBenchError` naming the path and the reason (`strerror` text).
public enum AtomicFile {
    /// The steps of a replacement, where `faultInjection` is called.
    public enum Stage: String, Sendable, CaseIterable {
        /// The new content is complete under its temporary name; the output is untouched.
        case written
        /// A directory output replaced one: the new one is in place, the old one is under the
        /// temporary name, not yet removed.
        case exchanged
        /// The output is replaced and the old content removed.
        case replaced
    }

    /// Called at every `Stage` of every replacement with the output's path (tests abort there:
    /// throw, or `_exit` in a child process). `nil` in normal runs.
    public static func setFaultInjection(_ hook: (@Sendable (Stage, URL) throws -> Void)?) {
        faultInjection.withLock { $0 = hook }
    }

    private static let faultInjection = Mutex<(@Sendable (Stage, URL) throws -> Void)?>(nil)

    private static func inject(_ stage: Stage, _ url: URL) throws {
        if let hook = faultInjection.withLock({ $0 }) { try hook(stage, url) }
    }

    // MARK: Files

    /// Writes `data` to `url` atomically, creating parent directories as needed.
    public static func write(_ data: Data, to url: URL) throws {
        switch try fileDestination(url) {
        case .inPlace:
            try writeInPlace(url) { descriptor in try writeAll(data, to: descriptor, path: url.path) }
        case .descriptor(let descriptor):
            fflush(nil)   // what the process printed so far comes first
            try writeAll(data, to: descriptor, path: url.path)
        case .replace(let target):
            let temporary = try startWriting(target, output: url)
            do {
                let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
                guard descriptor >= 0 else { throw failure("cannot create \(temporary.path)", output: url) }
                defer { close(descriptor) }
                try writeAll(data, to: descriptor, path: url.path)
                try commitFile(target, from: temporary, output: url)
            } catch {
                unlink(temporary.path)
                throw error
            }
        }
    }

    /// Writes a UTF-8 string to `url` atomically.
    public static func write(_ string: String, to url: URL) throws {
        try write(Data(string.utf8), to: url)
    }

    /// Where a writer that streams its output should write before calling `replace(_:with:)`:
    /// a unique temporary path beside the output (its symbolic links followed, so that the
    /// rename stays inside one file system), or, for an output written in place (a device,
    /// FIFO, `/dev/stdout`), in the system's temporary directory. Creates the parent
    /// directories and removes leftovers of killed runs for the same output.
    public static func temporaryURL(for url: URL) -> URL {
        switch try? fileOrDirectoryDestination(url) {
        case .replace(let target)?:
            return (try? startWriting(target, output: url)) ?? uniqueTemporary(beside: target)
        case .inPlace?, .descriptor?:
            return URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(uniqueTemporary(beside: url).lastPathComponent)
        case nil:
            return uniqueTemporary(beside: url)
        }
    }

    /// Moves the complete `temporary` (from `temporaryURL(for:)`) into place at `url`. A
    /// directory replaces a directory only when this is the caller's to replace: use
    /// `replaceDirectory(_:with:ownedEntries:)` for that check; this one assumes it was made.
    public static func replace(_ url: URL, with temporary: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: temporary.path, isDirectory: &isDirectory), isDirectory.boolValue {
            try replaceDirectory(url, with: temporary, ownedEntries: nil)
            return
        }
        switch try fileDestination(url) {
        case .inPlace:
            defer { unlink(temporary.path) }
            try writeInPlace(url) { try copy(temporary, to: $0, output: url) }
        case .descriptor(let descriptor):
            defer { unlink(temporary.path) }
            fflush(nil)   // what the process printed so far comes first
            try copy(temporary, to: descriptor, output: url)
        case .replace(let target):
            try commitFile(target, from: temporary, output: url)
        }
    }

    private static func commitFile(_ target: URL, from temporary: URL, output: URL) throws {
        try inject(.written, output)
        guard rename(temporary.path, target.path) == 0 else {
            throw failure("cannot rename \(temporary.path) into place", output: output)
        }
        try inject(.replaced, output)
    }

    /// What writing a file output means.
    private enum Destination {
        /// Temporary file or directory + rename onto this path (symbolic links followed).
        case replace(URL)
        /// Open the output and write into it (device, FIFO, socket).
        case inPlace
        /// Write to this open descriptor of the process (/dev/stdout, /dev/fd/N, /proc/self/fd/N).
        case descriptor(Int32)
    }

    private static func fileDestination(_ url: URL) throws -> Destination {
        let destination = try fileOrDirectoryDestination(url)
        if case .replace(let target) = destination, kind(of: target) == .directory {
            throw FreqBenchError("is a directory (expected a file to write)", file: url.path)
        }
        return destination
    }

    /// Follows the symbolic links of the output's last component.
    private static func fileOrDirectoryDestination(_ url: URL) throws -> Destination {
        var path = url.standardizedFileURL.path
        for _ in 0..<40 {
            if let descriptor = ownDescriptor(path) { return .descriptor(descriptor) }
            switch kind(of: URL(fileURLWithPath: path)) {
            case .missing, .regular, .directory:
                return .replace(URL(fileURLWithPath: path))
            case .special:
                return .inPlace
            case .unreadable(let code):
                throw FreqBenchError("cannot inspect the output path: \(String(cString: strerror(code)))", file: url.path)
            case .link:
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else {
                    throw FreqBenchError("cannot read the symbolic link \(path)", file: url.path)
                }
                // Other links into /proc (another process's descriptors): their targets ("pipe:[…]",
                // or a file that process opened) must be written through the link, not replaced.
                if path.hasPrefix("/proc/") || (target.hasPrefix("/proc/") && ownDescriptor(target) == nil) { return .inPlace }
                path = target.hasPrefix("/") ? target
                    : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(target).standardizedFileURL.path
            }
        }
        throw FreqBenchError("too many levels of symbolic links", file: url.path)
    }

    /// N, when `path` names this process's descriptor N (`/dev/fd/N`, `/proc/self/fd/N`,
    /// `/proc/<own pid>/fd/N`) and it is open.
    private static func ownDescriptor(_ path: String) -> Int32? {
        for prefix in ["/dev/fd/", "/proc/self/fd/", "/proc/\(getpid())/fd/", "/proc/thread-self/fd/"] where path.hasPrefix(prefix) {
            guard let descriptor = Int32(path.dropFirst(prefix.count)), fcntl(descriptor, F_GETFD) >= 0 else { return nil }
            return descriptor
        }
        return nil
    }

    private enum Kind: Equatable {
        case missing, regular, directory, link, special
        case unreadable(Int32)
    }

    private static func kind(of url: URL) -> Kind {
        var status = stat()
        guard lstat(url.path, &status) == 0 else { return errno == ENOENT ? .missing : .unreadable(errno) }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .link
        default: return .special
        }
    }

    private static func writeInPlace(_ url: URL, _ body: (Int32) throws -> Void) throws {
        let descriptor = open(url.path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot open for writing", output: url) }
        defer { close(descriptor) }
        try body(descriptor)
    }

    /// Copies the file `temporary` to `descriptor`.
    private static func copy(_ temporary: URL, to descriptor: Int32, output url: URL) throws {
        let source = open(temporary.path, O_RDONLY | O_CLOEXEC)
        guard source >= 0 else { throw failure("cannot read \(temporary.path)", output: url) }
        defer { close(source) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            guard count >= 0 else { throw failure("cannot read \(temporary.path)", output: url) }
            if count == 0 { return }
            try writeAll(Data(buffer[..<count]), to: descriptor, path: url.path)
        }
    }

    private static func writeAll(_ data: Data, to descriptor: Int32, path: String) throws {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            guard let base = bytes.baseAddress else { return }
            var written = 0
            while written < bytes.count {
                let count = Foundation.write(descriptor, base + written, bytes.count - written)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { throw failure("cannot write", output: URL(fileURLWithPath: path)) }
                written += count
            }
        }
    }

    // MARK: Directories

    /// Checks, before a long build, that `url` may receive a directory output: absent, or an
    /// (empty, or) directory holding only `ownedEntries`, through symbolic links. Errors name
    /// the path and what is there.
    public static func checkDirectoryOutput(_ url: URL, ownedEntries: Set<String>) throws {
        _ = try directoryTarget(url, ownedEntries: ownedEntries)
    }

    /// Moves the complete directory `temporary` (from `temporaryURL(for:)`) into place at `url`
    /// (its symbolic links followed), atomically for readers: a new path is one rename; an
    /// existing directory, when it holds nothing but `ownedEntries` (or whatever it holds, for
    /// `nil`: the caller checked it), is exchanged with the new one by
    /// `renameat2(RENAME_EXCHANGE)`, and then removed from the temporary name.
    public static func replaceDirectory(_ url: URL, with temporary: URL, ownedEntries: Set<String>?) throws {
        try inject(.written, url)
        for _ in 0..<8 {
            let (target, exists) = try directoryTarget(url, ownedEntries: ownedEntries)
            if !exists {
                if rename(temporary.path, target.path) == 0 { return try inject(.replaced, url) }
                if errno == EEXIST || errno == ENOTEMPTY { continue }   // created meanwhile: exchange
                throw failure("cannot rename \(temporary.path) into place", output: url)
            }
            if cmalloc_renameat2(AT_FDCWD, temporary.path, AT_FDCWD, target.path, UInt32(CMALLOC_RENAME_EXCHANGE)) == 0 {
                try inject(.exchanged, url)
                removeTree(temporary)    // the old directory, now under the temporary name
                return try inject(.replaced, url)
            }
            switch errno {
            case ENOENT: continue                                       // removed meanwhile: rename
            case EINVAL, ENOSYS, EOPNOTSUPP, ENOTSUP:
                try replaceDirectoryInTwoRenames(target, with: temporary, output: url)
                return try inject(.replaced, url)
            default:
                throw failure("cannot exchange \(temporary.path) with \(target.path)", output: url)
            }
        }
        throw FreqBenchError("the output keeps changing under concurrent writers; try again", file: url.path)
    }

    /// Where a file system cannot exchange: the old directory aside, the new one in, the old
    /// one removed (a kill between the two renames leaves the old one under a temporary name).
    private static func replaceDirectoryInTwoRenames(_ target: URL, with temporary: URL, output: URL) throws {
        let old = uniqueTemporary(beside: target)
        guard rename(target.path, old.path) == 0 else { throw failure("cannot move \(target.path) aside", output: output) }
        guard rename(temporary.path, target.path) == 0 else {
            let reason = failure("cannot rename \(temporary.path) into place", output: output)
            _ = rename(old.path, target.path)
            throw reason
        }
        removeTree(old)
    }

    /// The directory an output names (symbolic links followed) and whether it exists; refuses
    /// a path that is not a directory, and a directory that holds other entries than
    /// `ownedEntries`.
    private static func directoryTarget(_ url: URL, ownedEntries: Set<String>?) throws -> (URL, exists: Bool) {
        guard case .replace(let target) = try fileOrDirectoryDestination(url) else {
            throw FreqBenchError("exists and is not a directory (a device, FIFO, socket or open descriptor); an index is written as a directory",
                                 file: url.path)
        }
        switch kind(of: target) {
        case .missing:
            return (target, false)
        case .directory:
            guard let ownedEntries else { return (target, true) }
            let entries: [String]
            do { entries = try FileManager.default.contentsOfDirectory(atPath: target.path) } catch {
                throw FreqBenchError("cannot list the existing output directory: \(reason(error))", file: url.path)
            }
            let foreign = entries.filter { !ownedEntries.contains($0) }.sorted()
            guard foreign.isEmpty else {
                let shown = foreign.prefix(3).map { "'\($0)'" }.joined(separator: ", ") + (foreign.count > 3 ? ", …" : "")
                throw FreqBenchError("exists and is not an index directory (it holds \(shown)); refusing to replace it: choose another output or remove it",
                                     file: url.path)
            }
            return (target, true)
        default:
            throw FreqBenchError("exists and is not a directory; refusing to replace it with an index directory", file: url.path)
        }
    }

    // MARK: Temporaries

    /// Creates the output's parent directories and removes leftovers of killed runs; returns
    /// a fresh temporary path beside `target`.
    private static func startWriting(_ target: URL, output: URL) throws -> URL {
        let parent = target.deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw FreqBenchError("cannot create the output's directory \(parent.path): \(reason(error))", file: output.path)
        }
        removeLeftovers(of: target)
        return uniqueTemporary(beside: target)
    }

    /// `.<name>.tmp-<pid>-<8 hex digits>` beside `url`.
    static func uniqueTemporary(beside url: URL) -> URL {
        let random = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let name = ".\(url.lastPathComponent).tmp-\(getpid())-\(String(repeating: "0", count: 8 - random.count))\(random)"
        return url.deletingLastPathComponent().appendingPathComponent(name)
    }

    /// Removes the temporaries of `target` (`.<name>.tmp-…` and `.<name>.runs.tmp-…`, files
    /// or directories) left by processes that no longer run. Best effort: failures are ignored.
    static func removeLeftovers(of target: URL) {
        let directory = target.deletingLastPathComponent()
        let prefix = ".\(target.lastPathComponent)."
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for entry in entries where entry.hasPrefix(prefix) {
            var rest = entry.dropFirst(prefix.count)
            if rest.hasPrefix("runs.") { rest = rest.dropFirst(5) }
            guard rest.hasPrefix("tmp-") else { continue }
            let parts = rest.dropFirst(4).split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let pid = Int32(parts[0]), pid > 0, parts[1].count == 8,
                  parts[1].allSatisfy(\.isHexDigit), !isRunning(pid) else { continue }
            removeTree(directory.appendingPathComponent(entry))
        }
    }

    /// Whether process `pid` exists (`/proc/<pid>`).
    static func isRunning(_ pid: Int32) -> Bool {
        pid == getpid() || access("/proc/\(pid)", F_OK) == 0
    }

    private static func removeTree(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
    }

    // MARK: Errors

    /// A `FreqBenchError` for a failed system call (reason from `errno`).
    private static func failure(_ what: String, output: URL) -> FreqBenchError {
        FreqBenchError("\(what): \(String(cString: strerror(errno)))", file: output.path)
    }

    /// The reason of a Foundation or FreqBench error, as `strerror` text where there is one.
    public static func reason(_ error: any Error) -> String {
        if let error = error as? FreqBenchError { return error.description }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }

    /// `error` as a `FreqBenchError` naming `url` (kept as is when it already is one).
    public static func wrap(_ error: any Error, _ what: String, file url: URL) -> FreqBenchError {
        if let error = error as? FreqBenchError { return error }
        return FreqBenchError("\(what): \(reason(error))", file: url.path)
    }
}
