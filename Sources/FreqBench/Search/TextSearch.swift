import Collections
import Foundation

/// Counts concepts in a text index with upstream's semantics (DESIGN.md, "Upstream
/// semantics"): a concept's words (`ConceptQuery.words`) become query terms (as they are,
/// or the annotator's query term of each word); terms absent from the index are skipped;
/// the count is the number of captions containing every remaining term; none present -> 0.
///
/// Not thread-safe: it keeps scratch buffers between queries.
public final class TextSearch {
    public let index: TextIndex
    private var candidates: [UInt32] = []
    private var scratch: [UInt32] = []
    private var bitmap: [UInt64] = []

    public init(index: TextIndex) {
        self.index = index
    }

    /// The query terms of each concept, in order. `lemmatized` needs the annotator; all
    /// distinct words are sent to it in one batch.
    public static func queryTerms(for concepts: [String], method: TextSearchMethod,
                                  annotator: (any Annotator)?) throws -> [[String]] {
        let words = concepts.map(ConceptQuery.words)
        switch method {
        case .lowercased:
            return words
        case .lemmatized:
            guard let annotator else { throw FreqBenchError("the lemmatized method needs an annotator") }
            var distinct = OrderedSet<String>()
            for list in words { distinct.append(contentsOf: list) }
            let terms = try annotator.queryTerms(Array(distinct))
            guard terms.count == distinct.count else {
                throw FreqBenchError("annotator \(annotator.identity) returned \(terms.count) query terms for \(distinct.count) words")
            }
            let lemma = Dictionary(uniqueKeysWithValues: zip(distinct, terms))
            return words.map { $0.map { lemma[$0] ?? $0 } }
        }
    }

    /// Counts every concept; the result keeps the input order (a repeated concept keeps its
    /// first position, as a Python dict does).
    public func counts(concepts: [String], queryTerms: [[String]]) throws -> OrderedDictionary<String, Int> {
        var result = OrderedDictionary<String, Int>()
        for (concept, terms) in zip(concepts, queryTerms) {
            result[concept] = try count(terms: terms)
        }
        return result
    }

    /// The number of captions whose term set contains every term of `terms` that the index has.
    public func count(terms: [String]) throws -> Int {
        var positions: [Int] = []
        var seen = Set<String>()
        for term in terms where seen.insert(term).inserted {
            if let position = try index.position(of: term) { positions.append(position) }
        }
        // One list: its length, from the dictionary (the list's bytes are not needed).
        if positions.count == 1 { return try index.postingCount(at: positions[0]) }
        return try intersectionCount(try positions.map { try index.postings(at: $0) })
    }

    /// The ids of captions containing every present term (at most `limit`), for `--explain`.
    public func matchingIds(terms: [String], limit: Int) throws -> [UInt32] {
        var lists: [PostingList] = []
        var seen = Set<String>()
        for term in terms where seen.insert(term).inserted {
            if let list = try index.postings(for: term) { lists.append(list) }
        }
        let count = try intersectionCount(lists)
        guard count > 0 else { return [] }
        if lists.count == 1 { return Array(try lists[0].decoded().prefix(limit)) }
        return Array(candidates.prefix(min(limit, count)))
    }

    /// |∩ lists|: one list is its length; otherwise start from the shortest, decode each next
    /// list and intersect, or, when the candidates are few, probe the next list block by block.
    /// Throws when a list is corrupted (decoding checks that its ids ascend).
    public func intersectionCount(_ lists: [PostingList]) throws -> Int {
        guard !lists.isEmpty else { return 0 }
        if lists.count == 1 { return lists[0].count }
        let ordered = lists.sorted { $0.count < $1.count }
        var size = ordered[0].count
        if candidates.count < size { candidates = [UInt32](repeating: 0, count: size) }
        try candidates.withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress { try ordered[0].decode(into: base) }
        }
        for list in ordered.dropFirst() {
            if size == 0 { break }
            if size * 16 < list.count {
                var probe = list.makeProbe()
                var kept = 0
                for position in 0..<size {
                    let id = candidates[position]
                    if try probe.contains(id) {
                        candidates[kept] = id
                        kept += 1
                    }
                }
                size = kept
            } else {
                if scratch.count < list.count { scratch = [UInt32](repeating: 0, count: list.count) }
                let currentSize = size
                size = try scratch.withUnsafeMutableBufferPointer { other -> Int in
                    guard let otherBase = other.baseAddress else { return 0 }
                    try list.decode(into: otherBase)
                    return candidates.withUnsafeMutableBufferPointer { current -> Int in
                        guard let currentBase = current.baseAddress else { return 0 }
                        return PostingIntersection.intersect(
                            UnsafeBufferPointer(start: currentBase, count: currentSize),
                            UnsafeBufferPointer(start: otherBase, count: list.count),
                            into: currentBase, bitmap: &bitmap)
                    }
                }
            }
        }
        return size
    }
}
