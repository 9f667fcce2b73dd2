import Foundation

/// Image and caption embeddings of a retrieval test set (COCO, Flickr30k: 5 captions per image).
///
/// HDF5 layout (docs/FORMATS.md, "Retrieval features"): `image_features` I×D and
/// `text_features` (captionsPerImage·I)×D, where caption t belongs to image t / captionsPerImage.
public struct RetrievalFeatures: Sendable {
    public let images: any FeatureRows
    public let captions: any FeatureRows
    public let captionsPerImage: Int

    /// Checks that the captions fill `captionsPerImage` per image and the dimensions agree.
    public init(images: any FeatureRows, captions: any FeatureRows, captionsPerImage: Int = 5) throws {
        guard captionsPerImage > 0 else { throw FreqBenchError("captions per image must be positive") }
        guard images.dimension == captions.dimension else {
            throw FreqBenchError("feature dimension mismatch: text features have \(captions.dimension), image features have \(images.dimension)",
                                 file: captions.origin.file, location: captions.origin.location)
        }
        guard captions.rowCount == captionsPerImage * images.rowCount else {
            throw FreqBenchError("expected \(captionsPerImage) × \(images.rowCount) images = \(captionsPerImage * images.rowCount) caption rows, found \(captions.rowCount)",
                                 file: captions.origin.file, location: captions.origin.location)
        }
        self.images = images
        self.captions = captions
        self.captionsPerImage = captionsPerImage
    }

    /// Reads the HDF5 layout (rows are streamed by the scorer).
    public static func readHDF5(_ url: URL, captionsPerImage: Int = 5) throws -> RetrievalFeatures {
        let file = try HDF5File.open(url)
        return try RetrievalFeatures(
            images: try HDF5FeatureRows(try file.dataset("image_features")),
            captions: try HDF5FeatureRows(try file.dataset("text_features")),
            captionsPerImage: captionsPerImage)
    }

    /// Reads two torch `.pt` tensors (I×D image features, (5·I)×D caption features).
    public static func readTensors(imageFeatures: URL, textFeatures: URL, captionsPerImage: Int = 5) throws -> RetrievalFeatures {
        func rows(_ url: URL) throws -> InMemoryFeatureRows {
            let tensor = try Torch.readTensor(url)
            guard tensor.shape.count == 2 else { throw FreqBenchError("expected a 2-D feature tensor, found shape \(tensor.shape)", file: url.path) }
            return try InMemoryFeatureRows(values: tensor.values, rowCount: tensor.shape[0], dimension: tensor.shape[1], file: url.path)
        }
        return try RetrievalFeatures(images: try rows(imageFeatures), captions: try rows(textFeatures), captionsPerImage: captionsPerImage)
    }
}
