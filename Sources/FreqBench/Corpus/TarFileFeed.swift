import Foundation

/// Hands a file's bytes to libarchive through its read callback, digesting each byte as it
/// passes, so that reading a WebDataset shard and computing its SHA-256 take one read.
final class TarFileFeed {
    let path: String
    private let descriptor: Int32
    private let buffer: UnsafeMutableRawPointer
    private let capacity = 1 << 20
    private var hasher = SHA256()
    private var checksum: XXH3Hasher?
    private(set) var bytesRead = 0
    private var atEOF = false
    /// The last read error, for the message libarchive reports.
    private(set) var readError: String?

    init(url: URL) throws {
        path = url.path
        descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else {
            throw FreqBenchError("cannot open WebDataset shard: \(String(cString: strerror(errno)))", file: url.path)
        }
        buffer = .allocate(byteCount: capacity, alignment: 64)
    }

    deinit {
        close(descriptor)
        buffer.deallocate()
    }

    /// libarchive's read callback: the next chunk (0 at the end, -1 on an error).
    func read(into pointer: UnsafeMutablePointer<UnsafeRawPointer?>) -> Int {
        pointer.pointee = UnsafeRawPointer(buffer)
        guard !atEOF else { return 0 }
        while true {
            let count = Foundation.read(descriptor, buffer, capacity)
            if count > 0 {
                hasher.update(bytes: UnsafeRawBufferPointer(start: buffer, count: count))
                checksum?.update(bytes: UnsafeRawBufferPointer(start: buffer, count: count))
                bytesRead += count
                return count
            }
            if count == 0 { atEOF = true; return 0 }
            if errno == EINTR { continue }
            readError = String(cString: strerror(errno))
            return -1
        }
    }

    /// Checksums the bytes with XXH3-128 too, from here on (call before reading).
    func startChecksum() { checksum = XXH3Hasher() }

    /// The XXH3-128 of the whole file (see `digestOfWholeFile`).
    func checksumOfWholeFile() throws -> [UInt8] {
        if checksum == nil { throw FreqBenchError("internal: no checksum was started", file: path) }
        _ = try digestOfWholeFile()
        return checksum?.digest() ?? []
    }

    /// The SHA-256 of the whole file: the bytes libarchive did not ask for (after the end
    /// of the archive, or of a damaged one) are read and digested first.
    func digestOfWholeFile() throws -> [UInt8] {
        var unused: UnsafeRawPointer?
        while !atEOF {
            if read(into: &unused) < 0 {
                throw FreqBenchError("cannot read WebDataset shard: \(readError ?? "unknown error")", file: path)
            }
        }
        return hasher.digest()
    }
}
