import CTorchBridge
import Foundation

/// libtorch, through the project's C bridge: tensor files and a few tensor operations.
public enum Torch {
    /// The libtorch version the bridge was built against.
    public static var version: String { String(cString: ctb_version()) }

    /// libtorch intra-op threads.
    public static var threads: Int {
        get { Int(ctb_get_num_threads()) }
        set { ctb_set_num_threads(Int32(newValue)) }
    }

    /// Runs a bridge call, turning its error buffer into a `FreqBenchError` about `file`.
    static func call(file: String?, _ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws {
        var buffer = [CChar](repeating: 0, count: 2048)
        let status = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
        if status != 0 {
            let message = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw FreqBenchError("libtorch: \(message)", file: file)
        }
    }

    /// a[m×k] · b[k×n] computed by libtorch (used to check the bridge; BLAS does the real work).
    public static func matmul(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int) throws -> [Float] {
        guard a.count == m * k, b.count == k * n else { throw FreqBenchError("matmul: shapes do not match") }
        var out = [Float](repeating: 0, count: m * n)
        try call(file: nil) { err, length in
            ctb_matmul_f32(a, b, Int64(m), Int64(k), Int64(n), &out, err, length)
        }
        return out
    }

    /// Reads a tensor saved with `torch.save(tensor)` as float32, with its shape.
    public static func readTensor(_ url: URL) throws -> (values: [Float], shape: [Int]) {
        guard FileManager.default.fileExists(atPath: url.path) else { throw FreqBenchError("no such file", file: url.path) }
        var shape = [Int64](repeating: 0, count: 8)
        var ndim: Int64 = 0
        try call(file: url.path) { err, length in ctb_pt_tensor_shape(url.path, &shape, &ndim, err, length) }
        let dims = shape.prefix(Int(ndim)).map { Int($0) }
        let count = dims.reduce(1, *)
        var values = [Float](repeating: 0, count: count)
        var numel: Int64 = 0
        try call(file: url.path) { err, length in
            ctb_pt_tensor_read_f32(url.path, &values, Int64(count), &numel, err, length)
        }
        return (values, dims)
    }

    /// Writes a float32 tensor to a `.pt` file that Python's `torch.load` reads.
    public static func writeTensor(_ values: [Float], shape: [Int], to url: URL) throws {
        guard shape.reduce(1, *) == values.count else { throw FreqBenchError("tensor shape does not match values", file: url.path) }
        let dims = shape.map { Int64($0) }
        try call(file: url.path) { err, length in
            ctb_pt_tensor_write_f32(url.path, values, dims, Int64(dims.count), err, length)
        }
    }
}
