import Collections
import Foundation

/// Reads the paper's released data files (search counts, zero-shot, retrieval and t2i
/// results) from an upstream folder, each file parsed once, with key order kept.
///
/// `overrides` replaces individual files (paths relative to the folder, e.g.
/// `search_counts/cifar10_cc3m_lemmatized_search_counts.json`) by other copies: this is how
/// `verify --results` recomputes the figures from a user's own re-run outputs.
///
/// Safe to share between threads: the caches are guarded by a lock (parsing happens under it,
/// so each file is parsed once).
public final class UpstreamData: @unchecked Sendable {
    public let root: URL
    public let overrides: [String: URL]
    /// Where files that are not overridden are read (and cached) instead, when set.
    public let base: UpstreamData?
    private let lock = NSRecursiveLock()
    private var sortedKeysCache: [String: [String]] = [:]
    private var countLookupCache: [String: [String: Int]] = [:]
    private var resultLookupCache: [String: [String: [String: Double]]] = [:]
    private var countsCache: [String: OrderedDictionary<String, Int>] = [:]
    private var resultsCache: [String: OrderedDictionary<String, OrderedDictionary<String, Double>>] = [:]
    private var scoreListsCache: [String: OrderedDictionary<String, OrderedDictionary<String, [Double]>>] = [:]

    public init(root: URL, overrides: [String: URL] = [:]) {
        self.root = root
        self.overrides = overrides
        self.base = nil
    }

    /// The files of `base`, with `overrides` replacing some of them; the files not
    /// overridden are read through `base` (and so parsed only once).
    public init(base: UpstreamData, overrides: [String: URL]) {
        self.root = base.root
        self.overrides = overrides
        self.base = base
    }

    /// `base` when `relativePath` is not overridden here.
    private func delegate(_ relativePath: String) -> UpstreamData? {
        overrides[relativePath] == nil ? base : nil
    }

    /// Where a relative path is read from.
    public func url(for relativePath: String) -> URL {
        overrides[relativePath] ?? root.appendingPathComponent(relativePath)
    }

    public func exists(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: url(for: relativePath).path)
    }

    /// A search-count file: concept → count, in file order.
    public func counts(_ relativePath: String) throws -> OrderedDictionary<String, Int> {
        if let base = delegate(relativePath) { return try base.counts(relativePath) }
        lock.lock()
        defer { lock.unlock() }
        if let cached = countsCache[relativePath] { return cached }
        let url = url(for: relativePath)
        guard let members = try JSONParser.parse(contentsOf: url).objectValue else {
            throw FreqBenchError("expected a JSON object of concept → count", file: url.path)
        }
        var counts = OrderedDictionary<String, Int>(minimumCapacity: members.count)
        for (concept, value) in members {
            guard let count = value.intValue, count >= 0 else {
                throw FreqBenchError("expected a non-negative integer count", file: url.path, location: "concept \"\(concept)\"")
            }
            counts[concept] = count
        }
        countsCache[relativePath] = counts
        return counts
    }

    /// The concepts of a search-count file in sorted (code-point) order, as the figures read them.
    public func sortedConcepts(_ relativePath: String) throws -> [String] {
        if let base = delegate(relativePath) { return try base.sortedConcepts(relativePath) }
        lock.lock()
        defer { lock.unlock() }
        if let cached = sortedKeysCache[relativePath] { return cached }
        let keys = try counts(relativePath).keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        sortedKeysCache[relativePath] = keys
        return keys
    }

    /// A search-count file as a plain dictionary, for fast lookups.
    public func countLookup(_ relativePath: String) throws -> [String: Int] {
        if let base = delegate(relativePath) { return try base.countLookup(relativePath) }
        lock.lock()
        defer { lock.unlock() }
        if let cached = countLookupCache[relativePath] { return cached }
        let lookup = Dictionary(uniqueKeysWithValues: try counts(relativePath).map { ($0.key, $0.value) })
        countLookupCache[relativePath] = lookup
        return lookup
    }

    /// A result file as plain dictionaries (model key → concept → performance), for fast lookups.
    public func resultLookup(_ relativePath: String) throws -> [String: [String: Double]] {
        if let base = delegate(relativePath) { return try base.resultLookup(relativePath) }
        lock.lock()
        defer { lock.unlock() }
        if let cached = resultLookupCache[relativePath] { return cached }
        var lookup: [String: [String: Double]] = [:]
        for (model, values) in try results(relativePath) {
            lookup[model] = Dictionary(uniqueKeysWithValues: values.map { ($0.key, $0.value) })
        }
        resultLookupCache[relativePath] = lookup
        return lookup
    }

    /// A zero-shot or retrieval result file: model key → (concept → performance), both in
    /// file order, from each model's `classwise` or `conceptwise` member.
    public func results(_ relativePath: String) throws -> OrderedDictionary<String, OrderedDictionary<String, Double>> {
        if let base = delegate(relativePath) { return try base.results(relativePath) }
        lock.lock()
        defer { lock.unlock() }
        if let cached = resultsCache[relativePath] { return cached }
        let url = url(for: relativePath)
        guard let models = try JSONParser.parse(contentsOf: url).objectValue else {
            throw FreqBenchError("expected a JSON object of model key → results", file: url.path)
        }
        var results = OrderedDictionary<String, OrderedDictionary<String, Double>>()
        for (model, entry) in models {
            guard let perConcept = (entry["classwise"] ?? entry["conceptwise"])?.objectValue else {
                throw FreqBenchError("expected a \"classwise\" or \"conceptwise\" object", file: url.path, location: "model \(model)")
            }
            var values = OrderedDictionary<String, Double>(minimumCapacity: perConcept.count)
            for (concept, value) in perConcept {
                // A class without test samples: upstream wrote NaN, FreqBench's eval writes null.
                guard let number = value.isNull ? Double.nan : value.doubleValue else {
                    throw FreqBenchError("expected a number", file: url.path, location: "model \(model), concept \"\(concept)\"")
                }
                values[concept] = number
            }
            results[model] = values
        }
        resultsCache[relativePath] = results
        return results
    }

    /// The `full` value of every model of a result file, in file order.
    public func fullValues(_ relativePath: String) throws -> OrderedDictionary<String, Double> {
        if let base = delegate(relativePath) { return try base.fullValues(relativePath) }
        let url = url(for: relativePath)
        guard let models = try JSONParser.parse(contentsOf: url).objectValue else {
            throw FreqBenchError("expected a JSON object of model key → results", file: url.path)
        }
        var values = OrderedDictionary<String, Double>()
        for (model, entry) in models {
            guard let member = entry["full"], let full = member.isNull ? Double.nan : member.doubleValue else {
                throw FreqBenchError("expected a number", file: url.path, location: "model \(model), member full")
            }
            values[model] = full
        }
        return values
    }

    /// A t2i metric file: model → (concept → per-prompt scores).
    public func scoreLists(_ relativePath: String) throws -> OrderedDictionary<String, OrderedDictionary<String, [Double]>> {
        if let base = delegate(relativePath) { return try base.scoreLists(relativePath) }
        lock.lock()
        defer { lock.unlock() }
        if let cached = scoreListsCache[relativePath] { return cached }
        let url = url(for: relativePath)
        guard let models = try JSONParser.parse(contentsOf: url).objectValue else {
            throw FreqBenchError("expected a JSON object of model → results", file: url.path)
        }
        var results = OrderedDictionary<String, OrderedDictionary<String, [Double]>>()
        for (model, entry) in models {
            guard let perConcept = entry["classwise"]?.objectValue else {
                throw FreqBenchError("expected a \"classwise\" object", file: url.path, location: "model \(model)")
            }
            var values = OrderedDictionary<String, [Double]>(minimumCapacity: perConcept.count)
            for (concept, value) in perConcept {
                guard let scores = value.arrayValue?.compactMap(\.doubleValue), scores.count == value.arrayValue?.count else {
                    throw FreqBenchError("expected a list of numbers", file: url.path, location: "model \(model), concept \"\(concept)\"")
                }
                values[concept] = scores
            }
            results[model] = values
        }
        scoreListsCache[relativePath] = results
        return results
    }
}
