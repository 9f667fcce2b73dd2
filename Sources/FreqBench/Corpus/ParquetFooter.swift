import Foundation

/// The footer of a Parquet file (its metadata: schema, row groups with their offsets, sizes
/// and column statistics), which identifies the file in corpus digests and plans in place
/// of a digest of every byte: a plan of parquet files reads their footers, not their data.
///
/// Layout (Parquet's): `PAR1` … data … footer, footer length (UInt32 LE), `PAR1`. A file with
/// an encrypted footer (`PARE`) is refused.
enum ParquetFooter {
    /// SHA-256 over the file's size and its footer bytes.
    static func digest(of url: URL) throws -> [UInt8] {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw FreqBenchError("cannot open: \(error.localizedDescription)", file: url.path)
        }
        defer { try? handle.close() }
        let size = Int(try handle.seekToEnd())
        guard size >= 12 else { throw FreqBenchError("not a parquet file: \(size) bytes (expected at least 12)", file: url.path) }
        try handle.seek(toOffset: UInt64(size - 8))
        let tail = [UInt8](try handle.read(upToCount: 8) ?? Data())
        guard tail.count == 8 else { throw FreqBenchError("cannot read the parquet footer length", file: url.path) }
        let magic = String(decoding: tail[4..<8], as: UTF8.self)
        guard magic == "PAR1" else {
            throw FreqBenchError(magic == "PARE" ? "parquet file with an encrypted footer (not supported)"
                                                 : "not a parquet file: it does not end with PAR1", file: url.path)
        }
        let length = Int(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
        guard length > 0, length <= size - 12 else {
            throw FreqBenchError("parquet footer of \(length) bytes in a file of \(size) bytes", file: url.path)
        }
        try handle.seek(toOffset: UInt64(size - 8 - length))
        let footer = try handle.read(upToCount: length) ?? Data()
        guard footer.count == length else { throw FreqBenchError("cannot read the parquet footer", file: url.path) }
        var hasher = SHA256()
        var prefix = Array("parquet footer \(size) \(length)\n".utf8)
        prefix.withUnsafeMutableBytes { hasher.update(bytes: UnsafeRawBufferPointer($0)) }
        footer.withUnsafeBytes { hasher.update(bytes: $0) }
        return hasher.digest()
    }
}
