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

    /// Raw text features of each class's prompts, class by class: `values` holds
    /// `promptCounts[i]` rows of `dimension` values for class i. Classes may have different
    /// numbers of prompts (clip-rocket's synonym lists), but each needs at least one.
    public func textFeatures(prompts: [[String]]) throws -> (values: [Float], promptCounts: [Int], dimension: Int) {
        if let empty = prompts.firstIndex(where: \.isEmpty) {
            throw FreqBenchError("class \(empty) has no prompts", file: module.url.path)
        }
        guard !prompts.isEmpty else { throw FreqBenchError("no classes to encode prompts for", file: module.url.path) }
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
        return (values, prompts.map(\.count), dimension)
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
    /// With synonym lists of different lengths, classes get different prompt counts; the
    /// classifier then averages each class over its own (template × synonym) embeddings.
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
        let uniform = text.promptCounts.allSatisfy { $0 == text.promptCounts[0] }
        return try ZeroShotFeatures(images: rows, labels: labelValues, labelsOrigin: (labels.path, nil),
                                    classnames: catalog.classnames, textFeatures: text.values,
                                    textShape: uniform ? [text.promptCounts.count, text.promptCounts[0], text.dimension]
                                                       : [text.promptCounts.reduce(0, +), text.dimension],
                                    textOrigin: module.url.path, promptCounts: uniform ? nil : text.promptCounts,
                                    classnamesOrigin: (catalog.classnameSource.file, catalog.classnameSource.location))
    }
}
