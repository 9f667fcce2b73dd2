import CTorchBridge
import Foundation

/// A TorchScript module (a `torch.jit.save`d CLIP-like model) run on the CPU through libtorch.
///
/// CLIP-like means: `encode_image(images: float[B, ...]) -> float[B, D]` on preprocessed image
/// tensors and `encode_text(tokens: int64[B, 77]) -> float[B, D]` on CLIP token ids.
public final class TorchScriptModule: @unchecked Sendable {
    public let url: URL
    private let handle: OpaquePointer
    private let lock = NSLock()

    /// Loads a module; a missing or corrupt file gives an error naming it.
    public init(_ url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { throw FreqBenchError("no such file", file: url.path) }
        var buffer = [CChar](repeating: 0, count: 2048)
        let loaded = buffer.withUnsafeMutableBufferPointer { ctb_module_load(url.path, $0.baseAddress, $0.count) }
        guard let loaded else {
            let message = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw FreqBenchError("not a loadable TorchScript module: \(Self.firstLine(message))", file: url.path)
        }
        self.url = url
        self.handle = loaded
    }

    deinit { ctb_module_free(handle) }

    /// Whether the module has the method (e.g. `encode_image`).
    public func hasMethod(_ name: String) -> Bool { ctb_module_has_method(handle, name) == 1 }

    /// `encode_image` on float32 images of shape `shape` (batch first).
    public func encodeImage(_ images: [Float], shape: [Int]) throws -> (values: [Float], shape: [Int]) {
        try run("encode_image", input: images, isInt64: false, shape: shape)
    }

    /// `encode_text` on token ids (`rows × contextLength`).
    public func encodeText(_ tokens: [Int64], rows: Int, contextLength: Int) throws -> (values: [Float], shape: [Int]) {
        try run("encode_text", input: tokens, isInt64: true, shape: [rows, contextLength])
    }

    private func run<T>(_ method: String, input: [T], isInt64: Bool, shape: [Int]) throws -> (values: [Float], shape: [Int]) {
        guard shape.reduce(1, *) == input.count else {
            throw FreqBenchError("\(method): \(input.count) input values do not fill shape \(shape)", file: url.path)
        }
        guard hasMethod(method) else { throw FreqBenchError("the module has no method \(method)", file: url.path) }
        lock.lock(); defer { lock.unlock() }
        var output: UnsafeMutablePointer<Float>?
        var outputShape = [Int64](repeating: 0, count: 8)
        var outputDimensions: Int64 = 0
        let dims = shape.map { Int64($0) }
        var buffer = [CChar](repeating: 0, count: 2048)
        let status = input.withUnsafeBytes { raw in
            buffer.withUnsafeMutableBufferPointer { err in
                ctb_module_run(handle, method, raw.baseAddress, isInt64 ? 1 : 0, dims, Int64(dims.count),
                               &output, &outputShape, &outputDimensions, err.baseAddress, err.count)
            }
        }
        defer { ctb_buffer_free(output) }
        guard status == 0, let output else {
            let message = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw FreqBenchError("\(method) failed: \(Self.firstLine(message))", file: url.path)
        }
        let resultShape = outputShape.prefix(Int(outputDimensions)).map { Int($0) }
        let values = Array(UnsafeBufferPointer(start: output, count: resultShape.reduce(1, *)))
        return (values, resultShape)
    }

    private static func firstLine(_ message: String) -> String {
        message.split(separator: "\n").first.map(String.init) ?? message
    }
}
