import Collections
import Foundation

/// The misalignment degree of a pretraining set: how often a sample's caption and image
/// mention concepts, but never the same one (upstream's `misalignment_degree_quantification.py`).
///
/// A sample's text concepts are the concepts whose whole, unsplit name is one of its caption
/// terms (a lookup of the name in the text index); its image concepts are the concepts it is
/// tagged with at the threshold (exact tag names). Among samples with at least one of each,
/// those whose two sets are disjoint are misaligned. Computed with three bitsets over sample
/// ids: text (any text concept), image (any image concept) and aligned (some concept on both
/// sides); misaligned = |text ∩ image| − |aligned|.
public struct Misalignment: Sendable, Equatable {
    /// Upstream's fixed "conservative" dataset sizes, by pretraining set name.
    public static let datasetSizes: [String: Int] = [
        "cc3m": 3_318_333, "cc12m": 12_423_374, "yfcc15m": 14_825_236,
        "laion400m": 414_080_000, "laion_aesthetics": 161_100_000,
    ]

    /// Misaligned samples.
    public var count: Int
    /// Samples with at least one text concept.
    public var textSamples: Int
    /// Samples with at least one image concept.
    public var imageSamples: Int
    /// The fixed dataset size the second degree divides by.
    public var datasetSize: Int

    /// count / max(textSamples, imageSamples).
    public var degreeOverExtracted: Double { Double(count) / Double(max(textSamples, imageSamples)) }
    /// count / datasetSize.
    public var degreeOverDatasetSize: Double { Double(count) / Double(datasetSize) }

    /// Exactly the keys and layout of upstream `misalignment_metrics/*.json` (values are
    /// fractions, although the keys say "percent").
    public var json: JSONValue {
        .object([
            "misalignment_counts": .int(count),
            "misalignment_degree (percent); extracted dataset size": .double(degreeOverExtracted),
            "misalignment_degree (percent); fixed conservative dataset size": .double(degreeOverDatasetSize),
        ])
    }

    /// Writes `json` as upstream did (`json.dump(..., indent=4)`, no final newline).
    public func write(to url: URL) throws {
        try AtomicFile.write(JSONWriter(indent: 4).string(json), to: url)
    }

    /// Computes the misalignment over `concepts` (repeats are harmless).
    public static func compute(text: TextIndex, image: ImageIndex, threshold: TagThreshold,
                               concepts: [String], datasetSize: Int) throws -> Misalignment {
        guard datasetSize > 0 else { throw FreqBenchError("dataset size must be positive, got \(datasetSize)") }
        let position = try image.thresholdPosition(threshold)
        var textSet = SampleBitset(), imageSet = SampleBitset(), aligned = SampleBitset()
        for concept in OrderedSet(concepts) {
            let textIDs = try text.postings(for: concept)?.decoded() ?? []
            let imageIDs = try image.column(of: concept).map { try image.postings(threshold: position, tag: $0) } ?? []
            textSet.insert(textIDs)
            imageSet.insert(imageIDs)
            aligned.insert(Self.intersection(textIDs, imageIDs))
        }
        let textSamples = textSet.count, imageSamples = imageSet.count
        guard max(textSamples, imageSamples) > 0 else {
            throw FreqBenchError("no sample has a text or an image concept: the misalignment degree is undefined (0/0)")
        }
        let both = textSet.intersectionCount(imageSet)
        return Misalignment(count: both - aligned.count, textSamples: textSamples, imageSamples: imageSamples,
                            datasetSize: datasetSize)
    }

    static func intersection(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var result: [UInt32] = []
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if a[i] < b[j] { i += 1 } else if a[i] > b[j] { j += 1 } else { result.append(a[i]); i += 1; j += 1 }
        }
        return result
    }
}

/// A growable set of sample ids, one bit each.
struct SampleBitset {
    private(set) var words: [UInt64] = []

    mutating func insert(_ ids: [UInt32]) {
        guard let largest = ids.max() else { return }
        let needed = Int(largest) / 64 + 1
        if words.count < needed { words += [UInt64](repeating: 0, count: needed - words.count) }
        for id in ids { words[Int(id) >> 6] |= 1 << UInt64(id & 63) }
    }

    var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    func intersectionCount(_ other: SampleBitset) -> Int {
        zip(words, other.words).reduce(0) { $0 + ($1.0 & $1.1).nonzeroBitCount }
    }
}
