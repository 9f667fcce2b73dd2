import Foundation

/// An append-only temporary file with a write buffer: a section of an output that is only
/// complete at the end (an index dictionary, say) is spilled here instead of held in memory,
/// then copied out with `copy(to:)`. Removed when closed or released.
final class SpillFile {
    let url: URL
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private let bufferBytes = 1 << 20
    /// Bytes appended so far.
    private(set) var count = 0
    private var removed = false

    init(url: URL) throws {
        self.url = url
        descriptor = open(url.path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw FreqBenchError("cannot create temporary file: \(String(cString: strerror(errno)))", file: url.path)
        }
        buffer.reserveCapacity(bufferBytes)
    }

    deinit {
        close(descriptor)
        remove()
    }

    /// Removes the file (its bytes stay readable through `copy` until the object goes).
    func remove() {
        guard !removed else { return }
        unlink(url.path)
        removed = true
    }

    /// Appends `bytes`.
    func append<C: Collection>(contentsOf bytes: C) throws where C.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        count += bytes.count
        if buffer.count >= bufferBytes { try flush() }
    }

    /// Appends the bytes of `value` in little-endian order.
    func appendLittleEndian<T: FixedWidthInteger>(_ value: T) throws {
        try withUnsafeBytes(of: value.littleEndian) { try append(contentsOf: $0) }
    }

    private func flush() throws {
        try buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw FreqBenchError("cannot write temporary file: \(String(cString: strerror(errno)))", file: url.path)
                }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes out the buffer and syncs, keeping the file (an output written through a
    /// spill file, renamed into place afterwards).
    func finish() throws {
        try flush()
        guard fsync(descriptor) == 0 else {
            throw FreqBenchError("cannot write: \(String(cString: strerror(errno)))", file: url.path)
        }
        removed = true   // the caller owns the file now
    }

    /// Hands every byte appended so far, in order and in pieces of at most 4 MiB, to `body`.
    func copy(to body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try flush()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 22, alignment: 64)
        defer { chunk.deallocate() }
        var offset = 0
        while offset < count {
            let read = pread(descriptor, chunk.baseAddress, min(chunk.count, count - offset), off_t(offset))
            if read < 0 {
                if errno == EINTR { continue }
                throw FreqBenchError("cannot read temporary file: \(String(cString: strerror(errno)))", file: url.path)
            }
            guard read > 0 else { throw FreqBenchError("temporary file ended early", file: url.path) }
            try body(UnsafeRawBufferPointer(rebasing: chunk[0..<read]))
            offset += read
        }
    }
}
