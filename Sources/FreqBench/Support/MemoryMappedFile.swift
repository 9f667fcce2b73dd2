import Foundation

/// A read-only memory mapping of a whole file. Pages are read by the kernel on first touch,
/// so opening costs the same whatever the file size.
public final class MemoryMappedFile: @unchecked Sendable {
    /// The mapped bytes; valid for the lifetime of this object.
    public let bytes: UnsafeRawBufferPointer
    public let url: URL

    public init(url: URL) throws {
        self.url = url
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else {
            throw FreqBenchError("cannot open: \(String(cString: strerror(errno)))", file: url.path)
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw FreqBenchError("cannot stat: \(String(cString: strerror(errno)))", file: url.path)
        }
        let size = Int(info.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw FreqBenchError("cannot memory-map: \(String(cString: strerror(errno)))", file: url.path)
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
