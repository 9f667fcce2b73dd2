import Foundation

/// A file's size and modification time (`stat`), for plans and checks that a file did not
/// change; errors name the file.
struct FileStatus: Sendable, Equatable {
    var size: Int
    /// Nanoseconds since the epoch.
    var modificationTime: Int

    init(of url: URL) throws {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            throw FreqBenchError("cannot stat: \(String(cString: strerror(errno)))", file: url.path)
        }
        size = Int(info.st_size)
        modificationTime = Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)
    }
}
