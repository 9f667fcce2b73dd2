import Foundation

/// Reads a file in large chunks into one growable buffer, for byte-level parsers.
///
/// The unconsumed bytes are `buffer[start..<end]`. A parser that finds an incomplete
/// record at the end of the buffer calls `refill()`, which keeps the unconsumed bytes,
/// moves them to the front and appends the next chunk; the buffer grows only when one
/// record is larger than it, up to `maximumRecordBytes`. Memory is therefore constant in
/// the file size.
final class ByteChunkReader {
    let path: String
    private let descriptor: Int32
    private(set) var buffer: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// First unconsumed byte; parsers advance it.
    var start = 0
    /// End of the bytes read so far.
    private(set) var end = 0
    /// Whether the whole file has been read into the buffer (`end` is the end of the file).
    private(set) var atEOF = false
    /// The largest record a parser may need in one piece.
    let maximumRecordBytes: Int

    init(url: URL, chunkBytes: Int = 1 << 22, maximumRecordBytes: Int = 64 << 20) throws {
        path = url.path
        descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else {
            throw FreqBenchError("cannot open corpus file: \(String(cString: strerror(errno)))", file: url.path)
        }
        capacity = chunkBytes
        buffer = .allocate(capacity: chunkBytes)
        self.maximumRecordBytes = maximumRecordBytes
    }

    deinit {
        close(descriptor)
        buffer.deallocate()
    }

    /// Whether the unconsumed bytes may grow by another `refill()`.
    var canGrow: Bool { !atEOF && end - start < maximumRecordBytes }

    /// Keeps the unconsumed bytes and reads the next chunk after them. At the end of the
    /// file it sets `atEOF`. Throws when the unconsumed bytes already fill
    /// `maximumRecordBytes` (check `canGrow` first to handle that as bad input).
    func refill() throws {
        guard !atEOF else { return }
        if start > 0 {
            if end > start { memmove(buffer, buffer + start, end - start) }
            end -= start
            start = 0
        }
        if end == capacity {
            guard capacity < maximumRecordBytes else {
                throw FreqBenchError("a record is longer than \(maximumRecordBytes) bytes", file: path)
            }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: min(capacity * 2, maximumRecordBytes))
            grown.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = grown
            capacity = min(capacity * 2, maximumRecordBytes)
        }
        while true {
            let count = read(descriptor, buffer + end, capacity - end)
            if count > 0 { end += count; return }
            if count == 0 { atEOF = true; return }
            if errno == EINTR { continue }
            throw FreqBenchError("cannot read corpus file: \(String(cString: strerror(errno)))", file: path)
        }
    }

    /// Skips a UTF-8 byte order mark at the start of the file (pandas does too).
    func skipByteOrderMark() throws {
        while end - start < 3 && !atEOF { try refill() }
        if end - start >= 3, buffer[start] == 0xEF, buffer[start + 1] == 0xBB, buffer[start + 2] == 0xBF {
            start += 3
        }
    }
}
