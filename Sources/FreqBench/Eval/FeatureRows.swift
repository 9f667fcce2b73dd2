import Foundation

/// A matrix of feature vectors read in row ranges, so that scoring can stream over N rows
/// without holding them all (image features of an ImageNet-sized test set).
public protocol FeatureRows: Sendable {
    /// Number of rows (samples).
    var rowCount: Int { get }
    /// Width of one row (the embedding dimension).
    var dimension: Int { get }
    /// Where the rows come from, for error messages: file and dataset.
    var origin: (file: String, location: String?) { get }
    /// Rows `range` as row-major float32, `range.count × dimension` values.
    func rows(_ range: Range<Int>) throws -> [Float]
    /// Calls `body` with rows `range` as contiguous row-major values (`range.count × dimension`):
    /// in place when the rows are already in memory, else read into `scratch` (which holds at
    /// least that many values) first. A scorer reuses one scratch buffer for every batch.
    func withRows<Result>(_ range: Range<Int>, scratch: UnsafeMutableBufferPointer<Float>,
                          _ body: (UnsafeBufferPointer<Float>) throws -> Result) throws -> Result
}

extension FeatureRows {
    public func withRows<Result>(_ range: Range<Int>, scratch: UnsafeMutableBufferPointer<Float>,
                                 _ body: (UnsafeBufferPointer<Float>) throws -> Result) throws -> Result {
        let values = try rows(range)
        precondition(values.count <= scratch.count, "withRows: the scratch buffer does not hold the rows")
        let filled = UnsafeMutableBufferPointer(rebasing: scratch[0..<values.count])
        _ = filled.update(fromContentsOf: values)
        return try body(UnsafeBufferPointer(filled))
    }
}

/// Feature rows held in memory (from a `.pt` tensor, or built by tests and benchmarks).
public struct InMemoryFeatureRows: FeatureRows {
    public let values: [Float]
    public let rowCount: Int
    public let dimension: Int
    public let origin: (file: String, location: String?)

    /// Wraps `values` (row-major, `rowCount × dimension`).
    public init(values: [Float], rowCount: Int, dimension: Int, file: String = "<memory>", location: String? = nil) throws {
        guard values.count == rowCount * dimension else {
            throw FreqBenchError("\(values.count) values do not fill \(rowCount) rows of width \(dimension)", file: file, location: location)
        }
        self.values = values
        self.rowCount = rowCount
        self.dimension = dimension
        self.origin = (file, location)
    }

    public func rows(_ range: Range<Int>) throws -> [Float] {
        Array(values[range.lowerBound * dimension..<range.upperBound * dimension])
    }

    public func withRows<Result>(_ range: Range<Int>, scratch: UnsafeMutableBufferPointer<Float>,
                                 _ body: (UnsafeBufferPointer<Float>) throws -> Result) throws -> Result {
        try values.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[range.lowerBound * dimension..<range.upperBound * dimension]))
        }
    }
}

/// Feature rows of a 2-D HDF5 dataset, read one row batch at a time.
public struct HDF5FeatureRows: FeatureRows {
    public let dataset: HDF5Dataset
    public var rowCount: Int { dataset.shape[0] }
    public var dimension: Int { dataset.shape[1] }
    public var origin: (file: String, location: String?) { (dataset.file.path, "dataset \(dataset.name)") }

    /// Wraps a dataset that must be 2-D and numeric.
    public init(_ dataset: HDF5Dataset) throws {
        guard dataset.shape.count == 2 else {
            throw FreqBenchError("expected a 2-D feature matrix (rows × dimension), found shape \(dataset.shape)",
                                 file: dataset.file.path, location: "dataset \(dataset.name)")
        }
        switch dataset.elementType {
        case .float16, .float32, .float64: break
        default:
            throw FreqBenchError("expected float features, found \(dataset.elementType)",
                                 file: dataset.file.path, location: "dataset \(dataset.name)")
        }
        self.dataset = dataset
    }

    public func rows(_ range: Range<Int>) throws -> [Float] { try dataset.readFloat32(rows: range) }
}

extension FeatureRows {
    /// Throws naming the file, dataset and row when a value is NaN or infinite.
    func requireFinite(_ values: [Float], firstRow: Int) throws {
        guard let bad = values.firstIndex(where: { !$0.isFinite }) else { return }
        let location = (origin.location.map { $0 + ", " } ?? "") + "row \(firstRow + bad / max(dimension, 1))"
        throw FreqBenchError("feature value \(values[bad]) is not finite", file: origin.file, location: location)
    }
}
