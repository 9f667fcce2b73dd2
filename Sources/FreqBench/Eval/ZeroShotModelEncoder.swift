import Foundation

/// Zero-shot features computed by a TorchScript CLIP-like model: class prompts tokenized by
/// `ClipTokenizer` and run through `encode_text`, preprocessed images through `encode_image`.
/// The result is the same `ZeroShotFeatures` the features path reads, so scoring is shared.
public struct ZeroShotModelEncoder: Sendable {
    public let module: TorchScriptModule
    public let tokenizer: ClipTokenizer
    /// Rows per `encode_image` / `encode_text` call.
    public var batchSize: Int

    public init(module: TorchScriptModule, tokenizer: ClipTokenizer, batchSize: Int = 256) {
        self.module = module
        self.tokenizer = tokenizer
        self.batchSize = max(1, batchSize)
    }

    /// Raw text features of each class's prompts: `C × P × D` values and that shape.
    /// Every class must have the same number of prompts.
    public func textFeatures(prompts: [[String]]) throws -> (values: [Float], shape: [Int]) {
        guard let promptCount = prompts.first?.count, promptCount > 0, prompts.allSatisfy({ $0.count == promptCount }) else {
            throw FreqBenchError("every class needs the same, non-zero number of prompts", file: module.url.path)
        }
        let flat = prompts.flatMap { $0 }
        var values = [Float]()
        var dimension = 0
        var start = 0
        while start < flat.count {
            let batch = flat[start..<min(start + batchSize, flat.count)]
            let tokens = batch.flatMap { tokenizer.tokenize($0).map(Int64.init) }
            let encoded = try module.encodeText(tokens, rows: batch.count, contextLength: ClipTokenizer.contextLength)
            guard encoded.shape.count == 2, encoded.shape[0] == batch.count else {
                throw FreqBenchError("encode_text returned shape \(encoded.shape) for \(batch.count) prompts", file: module.url.path)
            }
            dimension = encoded.shape[1]
            values += encoded.values
            start += batch.count
        }
        return (values, [prompts.count, promptCount, dimension])
    }

    /// Image features of preprocessed images (`N × …`, batch first): `N × D`.
    public func imageFeatures(images: [Float], shape: [Int]) throws -> InMemoryFeatureRows {
        guard shape.count >= 2, let count = shape.first else {
            throw FreqBenchError("expected a batch of images (N × C × H × W), found shape \(shape)", file: module.url.path)
        }
        let perImage = shape.dropFirst().reduce(1, *)
        var values = [Float]()
        var dimension = 0
        var start = 0
        while start < count {
            let rows = min(batchSize, count - start)
            let batch = Array(images[start * perImage..<(start + rows) * perImage])
            let encoded = try module.encodeImage(batch, shape: [rows] + shape.dropFirst())
            guard encoded.shape.count == 2, encoded.shape[0] == rows else {
                throw FreqBenchError("encode_image returned shape \(encoded.shape) for \(rows) images", file: module.url.path)
            }
            dimension = encoded.shape[1]
            values += encoded.values
            start += rows
        }
        return try InMemoryFeatureRows(values: values, rowCount: count, dimension: dimension, file: module.url.path, location: "encode_image")
    }

    /// Encodes an evaluation set: images (`.pt`, N×C×H×W), labels (`.pt`, N) and the catalog's prompts.
    public func features(images: URL, labels: URL, catalog: PromptCatalog, mode: PromptMode) throws -> ZeroShotFeatures {
        let imageTensor = try Torch.readTensor(images)
        let labelTensor = try Torch.readTensor(labels)
        guard labelTensor.shape.count == 1 else {
            throw FreqBenchError("expected a 1-D label tensor, found shape \(labelTensor.shape)", file: labels.path)
        }
        let labelValues = try labelTensor.values.enumerated().map { index, value -> Int in
            guard value.isFinite, value == value.rounded() else {
                throw FreqBenchError("label \(value) is not an integer class index", file: labels.path, location: "element \(index)")
            }
            return Int(value)
        }
        let rows = try imageFeatures(images: imageTensor.values, shape: imageTensor.shape)
        let text = try textFeatures(prompts: catalog.prompts(mode))
        return try ZeroShotFeatures(images: rows, labels: labelValues, labelsOrigin: (labels.path, nil),
                                    classnames: catalog.classnames, textFeatures: text.values, textShape: text.shape,
                                    textOrigin: module.url.path)
    }
}
