/// The digest that identifies the corpus an index was built from: SHA-256 over the ordered
/// records, each fed as `UInt64LE(id) ‖ UInt64LE(byte length) ‖ caption UTF-8`.
///
/// It is computed over captions rather than file bytes so that the same captions in
/// another container (TSV, JSONL, WebDataset tar, compressed or not) give the same
/// digest, while any change of a caption, of the order, or of which records were
/// skipped (ids are included) changes it. Every shard computes it over all records.
public final class CorpusDigest {
    private var hasher = SHA256()
    public private(set) var recordCount = 0

    public init() {}

    public func add(id: Int, caption: String) {
        var caption = caption
        caption.withUTF8 { bytes in
            var prefix = (UInt64(id).littleEndian, UInt64(bytes.count).littleEndian)
            withUnsafeBytes(of: &prefix) { hasher.update(bytes: $0) }
            hasher.update(bytes: UnsafeRawBufferPointer(bytes))
        }
        recordCount += 1
    }

    /// The 32-byte digest. Call once, after the last record.
    public func finalize() -> [UInt8] { SHA256.bytes(ofHex: hasher.hexDigest()) }
}
