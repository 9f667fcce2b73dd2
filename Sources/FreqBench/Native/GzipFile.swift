import CArchive
import Foundation

/// Reads a whole gzip-compressed file (e.g. `bpe_simple_vocab_16e6.txt.gz`) through libarchive.
public enum GzipFile {
    /// The decompressed bytes of `url`; errors name the file.
    public static func read(_ url: URL) throws -> Data {
        guard FileManager.default.fileExists(atPath: url.path) else { throw FreqBenchError("no such file", file: url.path) }
        guard let archive = archive_read_new() else { throw FreqBenchError("libarchive: cannot allocate a reader", file: url.path) }
        defer { archive_read_free(archive) }
        archive_read_support_filter_gzip(archive)
        archive_read_support_format_raw(archive)
        func failure(_ what: String) -> FreqBenchError {
            let detail = archive_error_string(archive).map { String(cString: $0) } ?? "unknown error"
            return FreqBenchError("\(what): \(detail)", file: url.path)
        }
        guard archive_read_open_filename(archive, url.path, 1 << 16) == ARCHIVE_OK else { throw failure("cannot open as gzip") }
        var entry: OpaquePointer?
        guard archive_read_next_header(archive, &entry) == ARCHIVE_OK else { throw failure("not a gzip stream") }
        guard archive_filter_code(archive, 0) == ARCHIVE_FILTER_GZIP else {
            throw FreqBenchError("not gzip-compressed", file: url.path)
        }
        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
            if count < 0 { throw failure("corrupt gzip data") }
            if count == 0 { break }
            output.append(contentsOf: buffer[0..<count])
        }
        return output
    }
}
