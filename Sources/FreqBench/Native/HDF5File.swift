@preconcurrency import CHDF5
import Foundation

/// An HDF5 file, opened for reading or created for writing (h5py-compatible layouts).
///
/// Dense numbers (features, labels, tag probabilities) live in HDF5. This wrapper keeps the
/// C API out of the engine: errors name the file and dataset, handles close themselves.
public final class HDF5File: @unchecked Sendable {
    /// The path of the file, for messages.
    public let path: String
    let handle: hid_t

    private init(path: String, handle: hid_t) {
        self.path = path
        self.handle = handle
    }

    deinit { H5Fclose(handle) }

    /// Opens an existing file read-only.
    public static func open(_ url: URL) throws -> HDF5File {
        HDF5Library.prepare()
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FreqBenchError("no such file", file: url.path)
        }
        let handle = H5Fopen(url.path, chdf5_acc_rdonly(), chdf5_p_default())
        guard handle >= 0 else { throw FreqBenchError("not an HDF5 file (or unreadable)", file: url.path) }
        return HDF5File(path: url.path, handle: handle)
    }

    /// Creates (or truncates) a file for writing. Callers that replace an existing file
    /// should create it under a temporary name and rename it (see `AtomicFile`).
    public static func create(_ url: URL) throws -> HDF5File {
        HDF5Library.prepare()
        let handle = H5Fcreate(url.path, chdf5_acc_trunc(), chdf5_p_default(), chdf5_p_default())
        guard handle >= 0 else { throw FreqBenchError("cannot create HDF5 file", file: url.path) }
        return HDF5File(path: url.path, handle: handle)
    }

    /// Whether a dataset (or group) with this path exists.
    public func contains(_ name: String) -> Bool {
        H5Lexists(handle, name, chdf5_p_default()) > 0
    }

    /// Opens a dataset; throws an error naming the file and dataset when it is missing.
    public func dataset(_ name: String) throws -> HDF5Dataset {
        guard contains(name) else {
            throw FreqBenchError("missing dataset '\(name)'", file: path)
        }
        let id = H5Dopen2(handle, name, chdf5_p_default())
        guard id >= 0 else { throw FreqBenchError("cannot open dataset '\(name)'", file: path) }
        return try HDF5Dataset(file: self, name: name, handle: id)
    }

    /// Flushes written data to disk.
    public func flush() { H5Fflush(handle, H5F_SCOPE_GLOBAL) }

    // MARK: Writing

    /// Writes a float32 dataset of the given shape (row-major), optionally chunked along the first axis.
    public func write(_ name: String, float32 values: [Float], shape: [Int], chunkRows: Int? = nil) throws {
        try check(values.count, shape, name)
        try values.withUnsafeBytes { try writeRaw(name, fileType: chdf5_ieee_f32le(), memoryType: chdf5_native_float(), bytes: $0, shape: shape, chunkRows: chunkRows) }
    }

    /// Writes a float16 dataset (IEEE binary16, as numpy float16) from Float16 values.
    public func write(_ name: String, float16 values: [Float16], shape: [Int], chunkRows: Int? = nil) throws {
        try check(values.count, shape, name)
        let type = chdf5_make_f16le()
        defer { H5Tclose(type) }
        try values.withUnsafeBytes { try writeRaw(name, fileType: type, memoryType: type, bytes: $0, shape: shape, chunkRows: chunkRows) }
    }

    /// Writes a float64 dataset.
    public func write(_ name: String, float64 values: [Double], shape: [Int], chunkRows: Int? = nil) throws {
        try check(values.count, shape, name)
        try values.withUnsafeBytes { try writeRaw(name, fileType: chdf5_ieee_f64le(), memoryType: chdf5_native_double(), bytes: $0, shape: shape, chunkRows: chunkRows) }
    }

    /// Writes an int64 dataset.
    public func write(_ name: String, int64 values: [Int64], shape: [Int], chunkRows: Int? = nil) throws {
        try check(values.count, shape, name)
        try values.withUnsafeBytes { try writeRaw(name, fileType: chdf5_std_i64le(), memoryType: chdf5_native_int64(), bytes: $0, shape: shape, chunkRows: chunkRows) }
    }

    /// Writes a 1-D dataset of variable-length UTF-8 strings (h5py's `string_dtype()`).
    public func write(_ name: String, strings: [String]) throws {
        let type = H5Tcopy(chdf5_c_s1())
        defer { H5Tclose(type) }
        H5Tset_size(type, chdf5_variable())
        H5Tset_cset(type, chdf5_cset_utf8())
        var dims = [hsize_t(strings.count)]
        let space = H5Screate_simple(1, &dims, nil)
        defer { H5Sclose(space) }
        let dataset = H5Dcreate2(handle, name, type, space, chdf5_p_default(), chdf5_p_default(), chdf5_p_default())
        guard dataset >= 0 else { throw FreqBenchError("cannot create dataset '\(name)'", file: path) }
        defer { H5Dclose(dataset) }
        let cStrings = strings.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        var pointers: [UnsafePointer<CChar>?] = cStrings.map { UnsafePointer($0) }
        let status = pointers.withUnsafeMutableBytes {
            H5Dwrite(dataset, type, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), $0.baseAddress)
        }
        guard status >= 0 else { throw FreqBenchError("cannot write dataset '\(name)'", file: path) }
    }

    /// Creates a float16 or float32 dataset of `shape`, chunked by `chunkRows` rows and left
    /// unfilled, to be written block by block with `HDF5Dataset.writeRawFloatRows` (for files
    /// too large to hold in memory at once).
    public func createFloatDataset(_ name: String, float16: Bool, shape: [Int], chunkRows: Int) throws -> HDF5Dataset {
        guard !shape.isEmpty, shape[0] > 0 else { throw FreqBenchError("dataset '\(name)': empty shape \(shape)", file: path) }
        var dims = shape.map { hsize_t($0) }
        let space = H5Screate_simple(Int32(dims.count), &dims, nil)
        defer { H5Sclose(space) }
        let properties = H5Pcreate(chdf5_p_dataset_create())
        defer { H5Pclose(properties) }
        var chunk = dims
        chunk[0] = hsize_t(max(1, min(chunkRows, shape[0])))
        H5Pset_chunk(properties, Int32(chunk.count), &chunk)
        let type = float16 ? chdf5_make_f16le() : H5Tcopy(chdf5_ieee_f32le())
        defer { H5Tclose(type) }
        let dataset = H5Dcreate2(handle, name, type, space, chdf5_p_default(), properties, chdf5_p_default())
        guard dataset >= 0 else { throw FreqBenchError("cannot create dataset '\(name)'", file: path) }
        return try HDF5Dataset(file: self, name: name, handle: dataset)
    }

    private func check(_ count: Int, _ shape: [Int], _ name: String) throws {
        guard shape.reduce(1, *) == count, !shape.isEmpty else {
            throw FreqBenchError("dataset '\(name)': \(count) values do not fill shape \(shape)", file: path)
        }
    }

    private func writeRaw(_ name: String, fileType: hid_t, memoryType: hid_t, bytes: UnsafeRawBufferPointer,
                          shape: [Int], chunkRows: Int?) throws {
        var dims = shape.map { hsize_t($0) }
        let space = H5Screate_simple(Int32(dims.count), &dims, nil)
        defer { H5Sclose(space) }
        let properties = H5Pcreate(chdf5_p_dataset_create())
        defer { H5Pclose(properties) }
        if let chunkRows, shape[0] > 0 {
            var chunk = dims
            chunk[0] = hsize_t(max(1, min(chunkRows, shape[0])))
            H5Pset_chunk(properties, Int32(chunk.count), &chunk)
        }
        let dataset = H5Dcreate2(handle, name, fileType, space, chdf5_p_default(), properties, chdf5_p_default())
        guard dataset >= 0 else { throw FreqBenchError("cannot create dataset '\(name)'", file: path) }
        defer { H5Dclose(dataset) }
        if bytes.count > 0 {
            let status = H5Dwrite(dataset, memoryType, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), bytes.baseAddress)
            guard status >= 0 else { throw FreqBenchError("cannot write dataset '\(name)'", file: path) }
        }
    }
}

/// One-time HDF5 library set-up: automatic error printing off (FreqBench reports errors itself).
enum HDF5Library {
    private static let once: Void = {
        H5open()
        chdf5_silence_errors()
    }()
    static func prepare() { _ = once }
}
