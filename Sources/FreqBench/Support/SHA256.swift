import CCrypto
import Foundation

/// SHA-256 (FIPS 180-4), computed by OpenSSL's libcrypto (with the CPU's SHA instructions
/// where it has them): the digest of upstream lock entries, corpus files, plans and index
/// bodies.
///
/// A value type: copying a hasher copies its state, so `digest()` can be read mid-stream.
/// Feed data with `update` and read `digest()` or `hexDigest()`; `SHA256.hex(of:)` and
/// `SHA256.hex(ofFile:)` cover the usual cases.
public struct SHA256: Sendable {
    private var context = SHA256_CTX()

    public init() { SHA256_Init(&context) }

    /// Adds `data` to the digested message.
    public mutating func update(_ data: Data) {
        data.withUnsafeBytes { update(bytes: $0) }
    }

    /// Adds the bytes of `bytes` to the digested message.
    public mutating func update(bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        SHA256_Update(&context, base, bytes.count)
    }

    /// The 32-byte digest of everything added so far (the hasher can go on).
    public func digest() -> [UInt8] {
        var copy = context
        var output = [UInt8](repeating: 0, count: 32)
        output.withUnsafeMutableBufferPointer { _ = SHA256_Final($0.baseAddress, &copy) }
        return output
    }

    /// The digest of everything added so far, as 64 lowercase hex digits.
    public func hexDigest() -> String { Self.hex(bytes: digest()) }

    /// The SHA-256 of `data`.
    public static func hex(of data: Data) -> String {
        var hasher = SHA256()
        hasher.update(data)
        return hasher.hexDigest()
    }

    /// The SHA-256 of the file at `url`, read in 4 MiB pieces.
    public static func hex(ofFile url: URL) throws -> String {
        SHA256.hex(bytes: try digest(ofFile: url))
    }

    /// The SHA-256 of the file at `url` (32 bytes), read in 4 MiB pieces.
    public static func digest(ofFile url: URL) throws -> [UInt8] {
        var hasher = SHA256()
        try FileChunks.forEach(url) { hasher.update(bytes: $0) }
        return hasher.digest()
    }
}
