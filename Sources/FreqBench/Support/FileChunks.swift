import Foundation

/// Reads a whole file in 4 MiB pieces, for digests of files too large to hold.
enum FileChunks {
    /// Calls `body` with each piece of the file at `url`, in order.
    static func forEach(_ url: URL, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else {
            throw FreqBenchError("cannot read: \(String(cString: strerror(errno)))", file: url.path)
        }
        defer { close(descriptor) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 22, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count == 0 { return }
            if count < 0 {
                if errno == EINTR { continue }
                throw FreqBenchError("cannot read: \(String(cString: strerror(errno)))", file: url.path)
            }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }
}
