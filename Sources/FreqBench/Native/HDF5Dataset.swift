@preconcurrency import CHDF5
import Foundation

/// The element type of an HDF5 dataset, as FreqBench needs to know it.
public enum HDF5ElementType: Sendable, Equatable, CustomStringConvertible {
    case float16, float32, float64
    case integer(bytes: Int, signed: Bool)
    case string
    case other(String)

    public var description: String {
        switch self {
        case .float16: return "float16"
        case .float32: return "float32"
        case .float64: return "float64"
        case .integer(let bytes, let signed): return "\(signed ? "int" : "uint")\(bytes * 8)"
        case .string: return "string"
        case .other(let text): return text
        }
    }
}

/// A dataset inside an open `HDF5File`: its shape, element type and readers for row ranges.
public final class HDF5Dataset: @unchecked Sendable {
    public let file: HDF5File
    public let name: String
    /// The dimensions, outermost first.
    public let shape: [Int]
    public let elementType: HDF5ElementType
    /// Rows per chunk along the first axis when the dataset is chunked, else nil.
    public let chunkRows: Int?
    let handle: hid_t

    init(file: HDF5File, name: String, handle: hid_t) throws {
        self.file = file
        self.name = name
        self.handle = handle
        let space = H5Dget_space(handle)
        defer { H5Sclose(space) }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        var dims = [hsize_t](repeating: 0, count: max(rank, 1))
        if rank > 0 { H5Sget_simple_extent_dims(space, &dims, nil) }
        shape = rank > 0 ? dims.map { Int($0) } : []
        let type = H5Dget_type(handle)
        defer { H5Tclose(type) }
        elementType = HDF5Dataset.classify(type)
        let plist = H5Dget_create_plist(handle)
        defer { H5Pclose(plist) }
        if H5Pget_layout(plist) == H5D_CHUNKED, rank > 0 {
            var chunk = [hsize_t](repeating: 0, count: rank)
            H5Pget_chunk(plist, Int32(rank), &chunk)
            chunkRows = Int(chunk[0])
        } else {
            chunkRows = nil
        }
    }

    deinit { H5Dclose(handle) }

    private static func classify(_ type: hid_t) -> HDF5ElementType {
        let size = H5Tget_size(type)
        switch H5Tget_class(type) {
        case H5T_FLOAT:
            switch size {
            case 2: return .float16
            case 4: return .float32
            case 8: return .float64
            default: return .other("float\(size * 8)")
            }
        case H5T_INTEGER:
            return .integer(bytes: size, signed: H5Tget_sign(type) == H5T_SGN_2)
        case H5T_STRING:
            return .string
        default:
            return .other("HDF5 class \(H5Tget_class(type).rawValue)")
        }
    }

    /// Number of elements in one row (product of all but the first dimension).
    public var rowWidth: Int { shape.dropFirst().reduce(1, *) }

    func error(_ message: String) -> FreqBenchError {
        FreqBenchError(message, file: file.path, location: "dataset \(name)")
    }

    /// Reads rows `rows` (along the first axis) converted to float32.
    public func readFloat32(rows: Range<Int>? = nil) throws -> [Float] {
        guard case .float16 = elementType else {
            if case .float32 = elementType { return try read(rows: rows, memoryType: chdf5_native_float(), as: Float.self) }
            if case .float64 = elementType { return try read(rows: rows, memoryType: chdf5_native_float(), as: Float.self) }
            if case .integer = elementType { return try read(rows: rows, memoryType: chdf5_native_float(), as: Float.self) }
            throw error("expected a float dataset, found \(elementType)")
        }
        return try readFloat16(rows: rows).map { Float($0) }
    }

    /// Reads rows as float16 values, bit for bit (only for float16 datasets).
    public func readFloat16(rows: Range<Int>? = nil) throws -> [Float16] {
        guard case .float16 = elementType else { throw error("expected a float16 dataset, found \(elementType)") }
        let type = chdf5_make_f16le()
        defer { H5Tclose(type) }
        return try read(rows: rows, memoryType: type, as: Float16.self)
    }

    /// Reads rows of a float16 or float32 dataset into `buffer` as their stored bits, without
    /// conversion or allocation (2 or 4 bytes per element), for scans that compare bit patterns.
    /// `buffer` must hold at least `rows.count * rowWidth` elements of the stored width.
    public func readRawFloatRows(_ rows: Range<Int>, into buffer: UnsafeMutableRawBufferPointer) throws {
        let (memoryType, elementBytes) = try rawFloatMemoryType()
        defer { H5Tclose(memoryType) }
        let total = shape.first ?? 0
        guard shape.count >= 1, rows.lowerBound >= 0, rows.upperBound <= total else {
            throw error("rows \(rows) out of bounds (dataset has \(total))")
        }
        guard buffer.count >= rows.count * rowWidth * elementBytes else {
            throw error("buffer of \(buffer.count) bytes is too small for rows \(rows)")
        }
        if rows.isEmpty || rowWidth == 0 { return }
        let status = withRowSelection(rows) { memorySpace, fileSpace in
            H5Dread(handle, memoryType, memorySpace, fileSpace, chdf5_p_default(), buffer.baseAddress)
        }
        guard status >= 0 else { throw error("cannot read rows \(rows)") }
    }

    /// Writes rows of a float16 or float32 dataset from `buffer`, which holds their stored bits
    /// (`rows.count * rowWidth` elements of 2 or 4 bytes), e.g. into one made by `createFloatDataset`.
    public func writeRawFloatRows(_ rows: Range<Int>, from buffer: UnsafeRawBufferPointer) throws {
        let (memoryType, elementBytes) = try rawFloatMemoryType()
        defer { H5Tclose(memoryType) }
        let total = shape.first ?? 0
        guard rows.lowerBound >= 0, rows.upperBound <= total, buffer.count >= rows.count * rowWidth * elementBytes else {
            throw error("cannot write rows \(rows) from \(buffer.count) bytes (dataset has \(total) rows)")
        }
        if rows.isEmpty { return }
        let status = withRowSelection(rows) { memorySpace, fileSpace in
            H5Dwrite(handle, memoryType, memorySpace, fileSpace, chdf5_p_default(), buffer.baseAddress)
        }
        guard status >= 0 else { throw error("cannot write rows \(rows)") }
    }

    /// Reads rows as float64.
    public func readFloat64(rows: Range<Int>? = nil) throws -> [Double] {
        switch elementType {
        case .float32, .float64, .integer: return try read(rows: rows, memoryType: chdf5_native_double(), as: Double.self)
        case .float16: return try readFloat16(rows: rows).map { Double($0) }
        default: throw error("expected a numeric dataset, found \(elementType)")
        }
    }

    /// Reads rows as int64 (integer datasets only).
    public func readInt64(rows: Range<Int>? = nil) throws -> [Int64] {
        guard case .integer = elementType else { throw error("expected an integer dataset, found \(elementType)") }
        return try read(rows: rows, memoryType: chdf5_native_int64(), as: Int64.self)
    }

    /// Reads a 1-D string dataset (variable- or fixed-length; UTF-8 or ASCII).
    public func readStrings() throws -> [String] {
        guard case .string = elementType else { throw error("expected a string dataset, found \(elementType)") }
        guard shape.count == 1 else { throw error("expected a 1-D string dataset, found shape \(shape)") }
        let count = shape[0]
        let fileType = H5Dget_type(handle)
        defer { H5Tclose(fileType) }
        if H5Tis_variable_str(fileType) > 0 {
            let memoryType = H5Tcopy(chdf5_c_s1())
            defer { H5Tclose(memoryType) }
            H5Tset_size(memoryType, chdf5_variable())
            H5Tset_cset(memoryType, H5Tget_cset(fileType))
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            let status = pointers.withUnsafeMutableBytes {
                H5Dread(handle, memoryType, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), $0.baseAddress)
            }
            guard status >= 0 else { throw error("cannot read strings") }
            defer {
                let space = H5Dget_space(handle)
                pointers.withUnsafeMutableBytes { _ = H5Dvlen_reclaim(memoryType, space, chdf5_p_default(), $0.baseAddress) }
                H5Sclose(space)
            }
            return try pointers.enumerated().map { index, pointer in
                guard let pointer else { return "" }
                guard let text = String(validatingCString: pointer) else { throw error("string \(index) is not valid UTF-8") }
                return text
            }
        }
        let width = H5Tget_size(fileType)
        let memoryType = H5Tcopy(fileType)
        defer { H5Tclose(memoryType) }
        var buffer = [UInt8](repeating: 0, count: max(1, width * count))
        let status = buffer.withUnsafeMutableBytes {
            H5Dread(handle, memoryType, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), $0.baseAddress)
        }
        guard status >= 0 else { throw error("cannot read strings") }
        return try (0..<count).map { index in
            var bytes = Array(buffer[index * width..<(index + 1) * width])
            while let last = bytes.last, last == 0 { bytes.removeLast() }
            guard let text = String(validating: bytes, as: UTF8.self) else { throw error("string \(index) is not valid UTF-8") }
            return text
        }
    }

    private func read<T>(rows: Range<Int>?, memoryType: hid_t, as: T.Type) throws -> [T] {
        let total = shape.first ?? 1
        let range = rows ?? 0..<total
        guard range.lowerBound >= 0, range.upperBound <= total else {
            throw error("rows \(range) out of bounds (dataset has \(total))")
        }
        let count = shape.isEmpty ? 1 : range.count * rowWidth
        var output = [T](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        if count == 0 { return output }
        let status = output.withUnsafeMutableBytes { bytes in
            shape.isEmpty
                ? H5Dread(handle, memoryType, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), bytes.baseAddress)
                : withRowSelection(range) { memorySpace, fileSpace in
                    H5Dread(handle, memoryType, memorySpace, fileSpace, chdf5_p_default(), bytes.baseAddress)
                }
        }
        guard status >= 0 else { throw error("cannot read rows \(range)") }
        return output
    }

    /// The in-memory type that reads or writes a float16 or float32 dataset's stored bits
    /// unchanged (the caller closes it), and its width in bytes.
    private func rawFloatMemoryType() throws -> (type: hid_t, bytes: Int) {
        switch elementType {
        case .float16: return (chdf5_make_f16le(), 2)
        case .float32: return (H5Tcopy(chdf5_native_float()), 4)
        default: throw error("expected a float16 or float32 dataset, found \(elementType)")
        }
    }

    /// Runs `transfer` with the memory and file dataspaces that select `rows` (whole rows of
    /// a dataset of rank >= 1) and returns its status.
    private func withRowSelection(_ rows: Range<Int>, _ transfer: (_ memorySpace: hid_t, _ fileSpace: hid_t) -> herr_t) -> herr_t {
        let fileSpace = H5Dget_space(handle)
        defer { H5Sclose(fileSpace) }
        var start = [hsize_t](repeating: 0, count: shape.count)
        var counts = shape.map { hsize_t($0) }
        start[0] = hsize_t(rows.lowerBound)
        counts[0] = hsize_t(rows.count)
        H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &counts, nil)
        let memorySpace = H5Screate_simple(Int32(counts.count), &counts, nil)
        defer { H5Sclose(memorySpace) }
        return transfer(memorySpace, fileSpace)
    }
}
