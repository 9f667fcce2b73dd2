import CXXHash
import Foundation

/// XXH3-128 (xxHash) of a byte stream: a fast non-cryptographic 128-bit checksum, for
/// noticing that bytes changed (a plan's pieces), at memory speed. Use `SHA256` where the
/// digest identifies content (corpus and index digests).
final class XXH3Hasher {
    private let state: OpaquePointer

    init() {
        guard let state = XXH3_createState() else { fatalError("XXH3_createState: out of memory") }
        self.state = state
        XXH3_128bits_reset(state)
    }

    deinit { XXH3_freeState(state) }

    func update(bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        XXH3_128bits_update(state, base, bytes.count)
    }

    /// The 16-byte digest so far (XXH128's canonical, big-endian form); the hasher can go on.
    func digest() -> [UInt8] {
        var canonical = XXH128_canonical_t()
        XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(state))
        return withUnsafeBytes(of: canonical.digest) { Array($0) }
    }

    /// Starts over.
    func reset() { XXH3_128bits_reset(state) }

    /// The XXH3-128 of the file at `url`, read in 4 MiB pieces.
    static func digest(ofFile url: URL) throws -> [UInt8] {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else { throw FreqBenchError("cannot read: \(String(cString: strerror(errno)))", file: url.path) }
        defer { close(descriptor) }
        let hasher = XXH3Hasher()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 22, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw FreqBenchError("cannot read: \(String(cString: strerror(errno)))", file: url.path)
            }
            hasher.update(bytes: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        return hasher.digest()
    }
}
