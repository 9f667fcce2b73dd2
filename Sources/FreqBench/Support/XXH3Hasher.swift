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
        let hasher = XXH3Hasher()
        try FileChunks.forEach(url) { hasher.update(bytes: $0) }
        return hasher.digest()
    }
}
