import Foundation

/// The long-tail view of concept frequencies (`long-tailed-nature.ipynb`, upstream README §4.8):
/// over ZS17 (ZS18 minus imagenet-sketch), each dataset's concepts in the sorted order of
/// the cc3m file, the counts of one pretraining set and search type.
public struct LongTailStatistics: Sendable, Equatable {
    /// Number of concept entries (3469 for ZS17; names repeat across datasets).
    public var conceptCount: Int
    /// The largest count.
    public var maximumCount: Int
    /// Number of counts > 0.
    public var nonZeroCount: Int
    /// The counts > 0 divided by the maximum, in descending order (the plotted curve).
    public var normalizedDescending: [Double]

    /// The search types of the notebook: text, image, integrated.
    public static let searchCountTypes = ["lemmatized", "rampp0.7", "integrated_tlemmatized_i0.7"]
    /// The pretraining sets of the notebook.
    public static let pretrainingSets = ["cc3m", "cc12m", "yfcc15m"]

    /// Computes the statistics of `pretraining` for one search-count type (file counttype).
    public init(data: UpstreamData, pretraining: String, countType: String) throws {
        var counts: [Int] = []
        for dataset in PaperDatasetList.zeroShot17 {
            let orderPath = "search_counts/\(dataset)_cc3m_\(countType)_search_counts.json"
            let path = "search_counts/\(dataset)_\(pretraining)_\(countType)_search_counts.json"
            let order = try data.counts(orderPath).keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let values = try data.counts(path)
            for concept in order {
                guard let count = values[concept] else {
                    throw FreqBenchError("concept \"\(concept)\" of the cc3m file is missing", file: data.url(for: path).path)
                }
                counts.append(count)
            }
        }
        let maximum = counts.max() ?? 0
        conceptCount = counts.count
        maximumCount = maximum
        let positive = counts.filter { $0 > 0 }.sorted(by: >)
        nonZeroCount = positive.count
        normalizedDescending = maximum > 0 ? positive.map { Double($0) / Double(maximum) } : []
    }
}
