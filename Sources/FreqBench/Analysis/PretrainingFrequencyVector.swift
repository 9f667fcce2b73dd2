import Foundation

/// A vector of concept counts of one pretraining set, as the correlations notebook builds it
/// (`correlations_between_pretraining_frequencies.ipynb`, upstream README §4.9): every
/// search-count file of a list whose name contains the pretraining name, sorted by path,
/// each file's concepts in FILE order, a concept kept only the first time it is seen.
public struct PretrainingFrequencyVector: Sendable, Equatable {
    /// The notebook's three file lists.
    public enum FileList: String, Sendable, CaseIterable {
        /// Names containing `0.7_` and not `integrated`.
        case image
        /// Names containing `lemmatized` and not `integrated`.
        case text
        /// Names containing `0.7_`, `lemmatized` and `integrated`.
        case integrated

        public func includes(_ fileName: String) -> Bool {
            switch self {
            case .image: return fileName.contains("0.7_") && !fileName.contains("integrated")
            case .text: return fileName.contains("lemmatized") && !fileName.contains("integrated")
            case .integrated: return fileName.contains("0.7_") && fileName.contains("lemmatized") && fileName.contains("integrated")
            }
        }
    }

    public var concepts: [String]
    public var counts: [Int]
    /// The files read, in order (relative to the upstream folder).
    public var files: [String]

    /// Builds the vector of `pretraining` from the search-count files of `list`.
    public init(data: UpstreamData, list: FileList, pretraining: String) throws {
        let folder = data.root.appendingPathComponent("search_counts")
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw FreqBenchError("cannot list the search-count files", file: folder.path)
        }
        files = names.filter { $0.hasSuffix(".json") && list.includes($0) && $0.contains(pretraining) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { "search_counts/" + $0 }
        var seen = Set<String>()
        concepts = []
        counts = []
        for file in files {
            for (concept, count) in try data.counts(file) where seen.insert(concept).inserted {
                concepts.append(concept)
                counts.append(count)
            }
        }
    }

    /// Spearman ρ between two vectors aligned by POSITION after truncating both to the shorter
    /// length (not by concept), as the notebook did.
    public static func spearman(_ a: PretrainingFrequencyVector, _ b: PretrainingFrequencyVector) throws -> SpearmanCorrelation {
        let length = min(a.counts.count, b.counts.count)
        return try SpearmanCorrelation(Array(a.counts.prefix(length)), Array(b.counts.prefix(length)))
    }
}
