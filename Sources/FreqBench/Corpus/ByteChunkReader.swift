import Foundation

/// Reads a file, or one byte range of it, in large chunks into one growable buffer, for
/// byte-level parsers; digests the bytes as the parser consumes them.
///
/// The unconsumed bytes are `buffer[start..<end]`. A parser that finds an incomplete
/// record at the end of the buffer calls `refill()`, which keeps the unconsumed bytes,
/// moves them to the front and appends the next chunk; the buffer grows only when one
/// record is larger than it, up to `maximumRecordBytes`. Memory is therefore constant in
/// the file size.
///
/// With a `range`, reading starts at its first byte and the range's end is taken as the end
/// of the file: a range shard reads its own bytes and no others (`bytesRead` says how many).
/// Every consumed byte is fed, in file order, to SHA-256 (the file's digest, unless `sha256`
/// is off: a plan's shard job checks its bytes with XXH3 only) and, once
/// `startSegmentDigests()` is called, to XXH3-128 in segments (a plan's pieces).
final class ByteChunkReader {
    let path: String
    private let descriptor: Int32
    private(set) var buffer: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// First unconsumed byte; parsers advance it.
    var start = 0
    /// End of the bytes read so far.
    private(set) var end = 0
    /// Whether the whole file (or range) has been read into the buffer.
    private(set) var atEOF = false
    /// The largest record a parser may need in one piece.
    let maximumRecordBytes: Int
    /// The file offset of `buffer[0]`.
    private(set) var bufferOffset: Int
    /// The file offset where reading stops (`Int.max`: the end of the file).
    private let limit: Int
    /// Bytes read from the file so far.
    private(set) var bytesRead = 0
    /// SHA-256 of the consumed bytes (everything before `start`), in file order.
    private var hasher: SHA256?
    /// Set for a compressed file: the bytes come decompressed from it.
    private let decompressing: DecompressingFile?
    /// The size of the file (compressed files: for `bytesRead` once read).
    private let fileSize: Int
    /// Buffer index up to which the consumed bytes have been digested.
    private var digested = 0
    /// XXH3-128 of the consumed bytes since the last `takeSegmentDigest()` (plans cut files
    /// into pieces and record each piece's checksum), when enabled.
    private var segmentHasher: XXH3Hasher?

    init(url: URL, range: Range<Int>? = nil, sha256: Bool = true, chunkBytes: Int = 1 << 22,
         maximumRecordBytes: Int = 64 << 20) throws {
        path = url.path
        hasher = sha256 ? SHA256() : nil
        descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else {
            throw FreqBenchError("cannot open corpus file: \(String(cString: strerror(errno)))", file: url.path)
        }
        var info = stat()
        fileSize = fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
        if DecompressingFile.compression(of: url) != nil {
            guard range == nil || range == 0..<fileSize else {
                close(descriptor)
                throw FreqBenchError("a compressed file is read whole; a plan never splits one", file: url.path)
            }
            do { decompressing = try DecompressingFile(url: url) } catch { close(descriptor); throw error }
        } else {
            decompressing = nil
        }
        bufferOffset = range?.lowerBound ?? 0
        limit = range?.upperBound ?? Int.max
        if bufferOffset > 0, lseek(descriptor, off_t(bufferOffset), SEEK_SET) < 0 {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw FreqBenchError("cannot seek to byte \(bufferOffset): \(reason)", file: url.path)
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

    /// The file offset of the first unconsumed byte.
    var position: Int { bufferOffset + start }

    /// Keeps the unconsumed bytes and reads the next chunk after them. At the end of the
    /// file (or range) it sets `atEOF`. Throws when the unconsumed bytes already fill
    /// `maximumRecordBytes` (check `canGrow` first to handle that as bad input).
    func refill() throws {
        guard !atEOF else { return }
        if start > 0 {
            digestConsumed()
            if end > start { memmove(buffer, buffer + start, end - start) }
            end -= start
            bufferOffset += start
            start = 0
            digested = 0
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
        if let decompressing {
            // Decompressed bytes: offsets count decompressed bytes, `bytesRead` the file's.
            let count = try decompressing.read(into: buffer + end, count: capacity - end)
            if count == 0 { atEOF = true; bytesRead = fileSize } else { end += count; bytesRead = decompressing.compressedBytesRead }
            return
        }
        let wanted = min(capacity - end, limit - (bufferOffset + end))
        if wanted <= 0 { atEOF = true; return }
        while true {
            let count = read(descriptor, buffer + end, wanted)
            if count > 0 { end += count; bytesRead += count; return }
            if count == 0 { atEOF = true; return }
            if errno == EINTR { continue }
            throw FreqBenchError("cannot read corpus file: \(String(cString: strerror(errno)))", file: path)
        }
    }

    /// Drops every unconsumed byte up to the next line break (`\n`, or a `\r`), reading on
    /// as needed, and consumes the line break too. For resuming after a record too long to
    /// keep: the rest of its line is not taken for a record of its own. Returns the number of
    /// line breaks consumed (0 at the end of the file, else 1).
    func skipPastLineBreak() throws -> Int {
        while true {
            var index = start
            while index < end, buffer[index] != UInt8(ascii: "\n"), buffer[index] != UInt8(ascii: "\r") { index += 1 }
            if index < end {
                if buffer[index] == UInt8(ascii: "\r") {
                    if index + 1 == end, !atEOF {
                        start = index
                        try refill()
                        continue
                    }
                    if index + 1 < end, buffer[index + 1] == UInt8(ascii: "\n") { index += 1 }
                }
                start = index + 1
                return 1
            }
            start = end
            if atEOF { return 0 }
            try refill()
        }
    }

    /// Feeds the consumed bytes not digested yet to the digest.
    private func digestConsumed() {
        if start > digested {
            let bytes = UnsafeRawBufferPointer(start: buffer + digested, count: start - digested)
            hasher?.update(bytes: bytes)
            segmentHasher?.update(bytes: bytes)
            digested = start
        }
    }

    /// Checksums the consumed bytes in segments too, from here on (call before consuming any).
    func startSegmentDigests() { segmentHasher = XXH3Hasher() }

    /// XXH3-128 of the bytes consumed since the last call (or since `startSegmentDigests()`).
    func takeSegmentDigest() -> [UInt8] {
        digestConsumed()
        let hasher = segmentHasher ?? XXH3Hasher()
        defer { hasher.reset() }
        return hasher.digest()
    }

    /// SHA-256 of every byte consumed so far (the whole file or range once it is consumed);
    /// empty when SHA-256 is off.
    func consumedDigest() -> [UInt8] {
        digestConsumed()
        return hasher?.digest() ?? []
    }

    /// Skips a UTF-8 byte order mark at the start of the file (pandas does too).
    func skipByteOrderMark() throws {
        guard bufferOffset == 0 else { return }
        while end - start < 3 && !atEOF { try refill() }
        if end - start >= 3, buffer[start] == 0xEF, buffer[start + 1] == 0xBB, buffer[start + 2] == 0xBF {
            start += 3
        }
    }
}
