import Foundation

/// The precision tag probabilities are stored in; thresholds compare in it (see `TagThreshold`).
public enum TagPrecision: String, Sendable, Equatable {
    case float16, float32

    /// Bytes per stored probability.
    public var byteWidth: Int { self == .float16 ? 2 : 4 }
}

/// A tag-probability file: one row per pretraining sample, one column per tag.
///
/// HDF5 layout (docs/FORMATS.md, "Tag probabilities"): `probs` N×T float16 or float32
/// (chunked along rows for fast streaming), `sample_ids` N integers (the corpus sample id of
/// each row), `tags` T UTF-8 strings (unique; the tag list is the concept names). Rows are
/// read in blocks, never all at once, so memory is bounded by the block size, not by N.
public final class TagProbabilities: @unchecked Sendable {
    public static let probabilitiesDataset = "probs"
    public static let sampleIDsDataset = "sample_ids"
    public static let tagsDataset = "tags"

    /// The file, for messages.
    public let url: URL
    /// Storage precision of `probs`.
    public let precision: TagPrecision
    /// N, the number of rows (samples).
    public let sampleCount: Int
    /// The tag names, in column order.
    public let tags: [String]
    /// Rows per HDF5 chunk of `probs` (nil when it is not chunked).
    public let chunkRows: Int?

    let file: HDF5File
    let probabilities: HDF5Dataset
    let sampleIDs: HDF5Dataset

    private init(url: URL, file: HDF5File, probabilities: HDF5Dataset, sampleIDs: HDF5Dataset,
                 precision: TagPrecision, tags: [String]) {
        self.url = url
        self.file = file
        self.probabilities = probabilities
        self.sampleIDs = sampleIDs
        self.precision = precision
        self.tags = tags
        self.sampleCount = probabilities.shape[0]
        self.chunkRows = probabilities.chunkRows
    }

    /// Opens and validates a tag-probability file: the three datasets exist, have the
    /// expected types and agreeing shapes, and the tags are unique.
    public static func open(_ url: URL) throws -> TagProbabilities {
        let file = try HDF5File.open(url)
        let probabilities = try file.dataset(probabilitiesDataset)
        let sampleIDs = try file.dataset(sampleIDsDataset)
        let tagsSet = try file.dataset(tagsDataset)
        func fail(_ dataset: String, _ message: String) -> FreqBenchError {
            FreqBenchError(message, file: url.path, location: "dataset \(dataset)")
        }
        let precision: TagPrecision
        switch probabilities.elementType {
        case .float16: precision = .float16
        case .float32: precision = .float32
        default: throw fail(probabilitiesDataset, "expected float16 or float32 probabilities, found \(probabilities.elementType)")
        }
        guard probabilities.shape.count == 2 else {
            throw fail(probabilitiesDataset, "expected a 2-D array (samples × tags), found shape \(probabilities.shape)")
        }
        guard case .integer = sampleIDs.elementType, sampleIDs.shape.count == 1 else {
            throw fail(sampleIDsDataset, "expected a 1-D integer array, found \(sampleIDs.elementType) of shape \(sampleIDs.shape)")
        }
        guard sampleIDs.shape[0] == probabilities.shape[0] else {
            throw fail(sampleIDsDataset, "has \(sampleIDs.shape[0]) sample ids but probs has \(probabilities.shape[0]) rows")
        }
        guard case .string = tagsSet.elementType, tagsSet.shape.count == 1 else {
            throw fail(tagsDataset, "expected a 1-D array of UTF-8 strings, found \(tagsSet.elementType) of shape \(tagsSet.shape)")
        }
        guard tagsSet.shape[0] == probabilities.shape[1] else {
            throw fail(tagsDataset, "has \(tagsSet.shape[0]) tags but probs has \(probabilities.shape[1]) columns")
        }
        let tags = try tagsSet.readStrings()
        var firstColumn: [String: Int] = [:]
        for (column, tag) in tags.enumerated() {
            if let first = firstColumn[tag] {
                throw fail(tagsDataset, "tags are not unique: '\(tag)' is tag \(first) and tag \(column)")
            }
            firstColumn[tag] = column
        }
        return TagProbabilities(url: url, file: file, probabilities: probabilities, sampleIDs: sampleIDs,
                                precision: precision, tags: tags)
    }

    /// Rows per read: whole HDF5 chunks, about `targetBytes` at a time (at least one row).
    public func blockRows(targetBytes: Int = 16 << 20) -> Int {
        let rowBytes = max(1, tags.count * precision.byteWidth)
        let wanted = max(1, targetBytes / rowBytes)
        guard let chunkRows, chunkRows > 0 else { return wanted }
        return max(chunkRows, wanted / chunkRows * chunkRows)
    }

    /// The sample ids of `rows`, checked to be in 0...UInt32.max (the index stores 32-bit ids).
    public func readSampleIDs(_ rows: Range<Int>) throws -> [UInt32] {
        let values = try sampleIDs.readInt64(rows: rows)
        var ids = [UInt32](repeating: 0, count: values.count)
        for (offset, value) in values.enumerated() {
            guard value >= 0, value <= Int64(UInt32.max) else {
                throw FreqBenchError("sample id \(value) at row \(rows.lowerBound + offset) is outside 0...\(UInt32.max)",
                                     file: url.path, location: "dataset \(Self.sampleIDsDataset)")
            }
            ids[offset] = UInt32(value)
        }
        return ids
    }

    /// Reads the stored bits of `rows` of `probs` into `buffer` (row-major, `tags.count` per row).
    public func readProbabilityBits(_ rows: Range<Int>, into buffer: UnsafeMutableRawBufferPointer) throws {
        try probabilities.readRawFloatRows(rows, into: buffer)
    }
}
