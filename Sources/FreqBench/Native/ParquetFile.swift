import CParquetBridge
import Foundation

/// A Parquet file read through Apache Arrow's own C++ reader (libFreqBenchParquet.so over
/// the pinned pyarrow wheel's libparquet; `ci/setup-arrow` builds it). Opening reads the
/// footer only; `readRowGroup` reads the asked columns of one row group, so memory is
/// bounded by a row group. One thread at a time.
final class ParquetFile {
    let url: URL
    private let handle: OpaquePointer

    /// Where the library is looked for: `FREQBENCH_PARQUET_LIBRARY`, then
    /// `.cache/arrow/libFreqBenchParquet.so` under the repository root, under the
    /// executable's folder and its parents, then beside the executable.
    static func libraryCandidates() -> [URL] {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["FREQBENCH_PARQUET_LIBRARY"], !path.isEmpty {
            return [URL(fileURLWithPath: path)]
        }
        candidates.append(DataPaths.repositoryRoot.appendingPathComponent(".cache/arrow/libFreqBenchParquet.so"))
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
            candidates.append(directory.appendingPathComponent("libFreqBenchParquet.so"))
            for _ in 0..<4 {
                candidates.append(directory.appendingPathComponent(".cache/arrow/libFreqBenchParquet.so"))
                directory = directory.deletingLastPathComponent()
            }
        }
        return candidates
    }

    /// Loads the library once; throws with how to get it when it is missing.
    static func loadLibrary() throws {
        let candidates = libraryCandidates()
        let path = candidates.first { FileManager.default.fileExists(atPath: $0.path) } ?? candidates[0]
        var error = [CChar](repeating: 0, count: 1024)
        guard cpq_load(path.path, &error, error.count) != 0 else {
            throw FreqBenchError("parquet support is not available: \(Self.message(error)) "
                + "(looked in \(candidates.map(\.path).joined(separator: ", ")))")
        }
    }

    /// The Arrow version the library was built against, e.g. "Arrow 26.0.1".
    static var arrowVersion: String? {
        guard (try? loadLibrary()) != nil, let version = cpq_version() else { return nil }
        return String(cString: version)
    }

    init(url: URL) throws {
        try Self.loadLibrary()
        self.url = url
        var error = [CChar](repeating: 0, count: 2048)
        guard let handle = cpq_open(url.path, &error, error.count) else {
            throw FreqBenchError("cannot read parquet file (expected a complete Parquet file): \(Self.message(error))", file: url.path)
        }
        self.handle = handle
    }

    deinit { cpq_close(handle) }

    /// The NUL-terminated message in `buffer`.
    static func message(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    var rowCount: Int { Int(cpq_num_rows(handle)) }
    var rowGroupCount: Int { Int(cpq_num_row_groups(handle)) }
    func rowCount(ofRowGroup group: Int) -> Int { Int(cpq_row_group_num_rows(handle, Int32(group))) }
    func compressedBytes(ofRowGroup group: Int) -> Int { Int(cpq_row_group_compressed_bytes(handle, Int32(group))) }

    /// The top-level columns: name, Arrow type, whether it is UTF-8 text.
    lazy var columns: [(name: String, type: String, isText: Bool)] = (0..<Int(cpq_num_columns(handle))).map { index in
        let column = Int32(index)
        return (cpq_column_name(handle, column).map { String(cString: $0) } ?? "",
                cpq_column_type(handle, column).map { String(cString: $0) } ?? "?",
                cpq_column_is_text(handle, column) == 1)
    }

    /// The index of the column named `name`.
    func columnIndex(_ name: String) -> Int? { columns.firstIndex { $0.name == name } }

    /// The nulls of `column` in row group `group` when the footer's statistics show that none
    /// of its present values is empty; nil when they do not say.
    func nullsIfNoEmptyValues(rowGroup group: Int, column: Int) -> Int? {
        let nulls = cpq_column_nulls_if_no_empty(handle, Int32(group), Int32(column))
        return nulls >= 0 ? Int(nulls) : nil
    }

    /// Columns `columns` of row group `group`, as strings (non-text columns through Arrow's cast).
    func readRowGroup(_ group: Int, columns indexes: [Int]) throws -> ParquetBatch {
        var error = [CChar](repeating: 0, count: 2048)
        let requested = indexes.map { Int32($0) }
        guard let batch = requested.withUnsafeBufferPointer({
            cpq_read_row_group(handle, Int32(group), $0.baseAddress, Int32($0.count), &error, error.count)
        }) else {
            throw FreqBenchError("cannot read parquet data: \(Self.message(error))", file: url.path, location: "row group \(group)")
        }
        return try ParquetBatch(handle: batch, columnCount: indexes.count, file: url, group: group)
    }
}

/// Some columns of one row group, owned until released.
final class ParquetBatch {
    private let handle: OpaquePointer
    let rowCount: Int
    /// Per column: offsets (rowCount + 1), bytes, validity.
    private var columns: [(offsets: UnsafePointer<Int64>, data: UnsafePointer<UInt8>, valid: UnsafePointer<UInt8>)] = []

    init(handle: OpaquePointer, columnCount: Int, file: URL, group: Int) throws {
        self.handle = handle
        rowCount = Int(cpq_batch_num_rows(handle))
        for k in 0..<columnCount {
            var offsets: UnsafePointer<Int64>?, data: UnsafePointer<UInt8>?, valid: UnsafePointer<UInt8>?
            guard cpq_batch_column(handle, Int32(k), &offsets, &data, &valid) == 0, let offsets, let data, let valid, rowCount >= 0 else {
                cpq_batch_free(handle)
                throw FreqBenchError("internal: column \(k) of a parquet batch is missing", file: file.path, location: "row group \(group)")
            }
            columns.append((offsets, data, valid))
        }
    }

    deinit { cpq_batch_free(handle) }

    /// The bytes of row `row` of column `column`, or `nil` when it is null.
    @inline(__always)
    func value(row: Int, column: Int) -> UnsafeBufferPointer<UInt8>? {
        let entry = columns[column]
        guard entry.valid[row] != 0 else { return nil }
        let start = Int(entry.offsets[row]), end = Int(entry.offsets[row + 1])
        return UnsafeBufferPointer(start: entry.data + start, count: end - start)
    }
}
