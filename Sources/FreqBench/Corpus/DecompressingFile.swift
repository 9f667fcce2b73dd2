import CArchive
import Foundation

/// A gzip, zstd, bzip2 or xz compressed file, decompressed as it is read (libarchive's
/// filters, the raw format), so that compressed TSV/CSV/JSONL corpora are read as they are.
/// A truncated or damaged file is an error naming it.
final class DecompressingFile {
    let path: String
    private var archive: OpaquePointer?

    /// The compression of the file at `url`, from its first bytes (nil: not compressed).
    static func compression(of url: URL) -> String? {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return nil }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 6)) ?? Data())
        func starts(_ magic: [UInt8]) -> Bool { head.count >= magic.count && Array(head.prefix(magic.count)) == magic }
        if starts([0x1F, 0x8B]) { return "gzip" }
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return "zstd" }
        if starts([0x42, 0x5A, 0x68]) { return "bzip2" }
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return "xz" }
        return nil
    }

    init(url: URL) throws {
        path = url.path
        guard let archive = archive_read_new() else { throw FreqBenchError("cannot create a libarchive reader", file: url.path) }
        self.archive = archive
        archive_read_support_filter_all(archive)
        archive_read_support_format_raw(archive)
        var entry: OpaquePointer?
        guard archive_read_open_filename(archive, url.path, 1 << 20) == ARCHIVE_OK,
              archive_read_next_header(archive, &entry) == ARCHIVE_OK else {
            throw FreqBenchError("cannot read compressed file: \(message())", file: url.path)
        }
    }

    deinit {
        if let archive { archive_read_free(archive) }
    }

    private func message() -> String {
        archive.flatMap { archive_error_string($0) }.map { String(cString: $0) } ?? "unknown error"
    }

    /// Reads up to `count` decompressed bytes into `destination`; 0 at the end.
    func read(into destination: UnsafeMutableRawPointer, count: Int) throws -> Int {
        guard let archive else { return 0 }
        while true {
            let read = archive_read_data(archive, destination, count)
            if read >= 0 { return read }
            if read == Int(ARCHIVE_RETRY) { continue }
            throw FreqBenchError("truncated or damaged compressed file (expected a complete stream): \(message())", file: path)
        }
    }

    /// Compressed bytes read from the file so far.
    var compressedBytesRead: Int { archive.map { Int(archive_filter_bytes($0, -1)) } ?? 0 }
}
