import Collections
import Foundation

/// One estimator's counts for a concept list: a name (`paper-lemmatized`, `beyond-tail`) and
/// concept → count, read from any of the shapes the estimators publish:
///
/// - a JSON object concept → count (upstream's `search_counts`, FreqBench's search outputs);
/// - text lines `concept<TAB>count` (clip-beyond-tail's `class_frequency_*.txt`).
public struct EstimatorCounts: Sendable, Equatable {
    public var name: String
    /// The file it was read from, for provenance.
    public var file: String
    public var counts: OrderedDictionary<String, Int>

    public init(name: String, file: String, counts: OrderedDictionary<String, Int>) {
        self.name = name
        self.file = file
        self.counts = counts
    }

    /// The same counts keyed by `normalizedName` (studies spell class names differently:
    /// `Black_footed_Albatross`, `Black-footed Albatross`); two names that become one are an error.
    public func withNormalizedNames() throws -> EstimatorCounts {
        var normalized = OrderedDictionary<String, Int>()
        var original: [String: String] = [:]
        for (concept, count) in counts {
            let key = Self.normalizedName(concept)
            if let other = original[key] {
                throw FreqBenchError("\"\(other)\" and \"\(concept)\" are the same name once normalized (\"\(key)\")", file: file)
            }
            original[key] = concept
            normalized[key] = count
        }
        return EstimatorCounts(name: name, file: file, counts: normalized)
    }

    /// Lower-cased, `_` and `-` as spaces, runs of spaces as one, trimmed.
    public static func normalizedName(_ name: String) -> String {
        name.lowercased().replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ")
            .split(separator: " ").joined(separator: " ")
    }

    /// Reads `url` (JSON object or `concept<TAB>count` lines; every count a non-negative
    /// integer, every concept once).
    public static func read(name: String, from url: URL) throws -> EstimatorCounts {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw FreqBenchError("cannot read counts: \(error.localizedDescription)", file: url.path)
        }
        let text = String(decoding: data, as: UTF8.self)
        var counts = OrderedDictionary<String, Int>()
        if text.drop { $0.isWhitespace }.first == "{" {
            guard let members = try JSONParser.parse(data, source: url.path).objectValue else {
                throw FreqBenchError("expected a JSON object of concept → count", file: url.path)
            }
            for (concept, value) in members {
                guard let count = value.intValue, count >= 0 else {
                    throw FreqBenchError("expected a non-negative integer count", file: url.path, location: "concept \"\(concept)\"")
                }
                counts[concept] = count
            }
        } else {
            // (A CR LF pair is one Character in Swift, and a newline.)
            for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
                if line.isEmpty { continue }
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                guard fields.count == 2, let count = Int(fields[1]), count >= 0 else {
                    throw FreqBenchError("expected concept<TAB>count with a non-negative integer count, got \"\(line.prefix(80))\"",
                                         file: url.path, location: "line \(index + 1)")
                }
                let concept = String(fields[0])
                guard counts[concept] == nil else {
                    throw FreqBenchError("concept \"\(concept)\" listed twice", file: url.path, location: "line \(index + 1)")
                }
                counts[concept] = count
            }
        }
        guard !counts.isEmpty else { throw FreqBenchError("no counts", file: url.path) }
        return EstimatorCounts(name: name, file: url.path, counts: counts)
    }
}
