import Collections
import Foundation

/// Counts clip-beyond-tail concepts (`BeyondTailConcept`) in a text index built by the
/// `wordnet` annotator, whose terms are exactly each caption's lemma set (docs/BEYOND-TAIL.md,
/// section 7), with posting lists instead of a pass over the captions:
///
///     count = | ∪ᵢ (∩ postings of Aᵢ's lemmas)  ∖  ∪ postings of the negatives' lemmas |
///
/// An alternative with a lemma the index lacks matches nothing (unlike `search text`, no word
/// is skipped); an empty alternative matches every indexed caption; an empty negative vetoes
/// nothing. So one index answers any concept list. Not thread-safe (scratch buffers).
public final class BeyondTailSearch {
    /// The annotator whose indexes this search reads.
    public static let annotatorName = "wordnet"

    public let index: TextIndex
    private let text: TextSearch
    private var bitmap: [UInt64] = []

    /// Refuses an index built by any annotator other than `wordnet`.
    public init(index: TextIndex) throws {
        guard index.header.annotator.name == Self.annotatorName else {
            throw FreqBenchError("the beyond-tail method needs an index built with --annotator \(Self.annotatorName) "
                + "(every token's WordNet lemma); this one was built by annotator \(index.header.annotator)",
                                 file: index.directory.path)
        }
        self.index = index
        text = TextSearch(index: index)
    }

    /// The count of every concept, in input order (a repeated name keeps its first position
    /// and its last count, as upstream's `dict(zip(class_names, frequencies))`).
    public func counts(_ concepts: [BeyondTailConcept]) throws -> OrderedDictionary<String, Int> {
        var result = OrderedDictionary<String, Int>()
        for concept in concepts { result[concept.name] = try count(concept) }
        return result
    }

    /// The number of indexed captions the concept counts.
    public func count(_ concept: BeyondTailConcept) throws -> Int {
        let plan = try lists(of: concept)
        if plan.matchesEverything {
            return index.header.indexedRecordCount - (try union(plan.negatives)).count
        }
        if plan.negatives.isEmpty && plan.alternatives.count == 1 {
            return try text.intersectionCount(plan.alternatives[0])
        }
        return try matches(plan).count
    }

    /// The first `limit` ids the concept counts, ascending. Nil when the concept has an empty
    /// alternative and the index does not hold every id of its range (a modulo shard, skipped
    /// records): the indexed ids are not known then.
    public func matchingIds(_ concept: BeyondTailConcept, limit: Int) throws -> [UInt32]? {
        let plan = try lists(of: concept)
        if plan.matchesEverything {
            let header = index.header
            guard header.indexedRecordCount == header.idRange.count else { return nil }
            let veto = try union(plan.negatives)
            var ids: [UInt32] = []
            var position = 0
            for id in header.idRange where ids.count < limit {
                let value = UInt32(id)
                while position < veto.count && veto[position] < value { position += 1 }
                if position < veto.count && veto[position] == value { continue }
                ids.append(value)
            }
            return ids
        }
        return Array(try matches(plan).prefix(limit))
    }

    /// Posting lists of a concept: per alternative that can match (all lemmas in the index),
    /// its distinct lemmas' lists; the lists of the negatives' distinct lemmas.
    struct Plan {
        var alternatives: [[PostingList]] = []
        var negatives: [PostingList] = []
        /// Some alternative is empty: every caption matches (but for the vetoed ones).
        var matchesEverything = false
    }

    func lists(of concept: BeyondTailConcept) throws -> Plan {
        var plan = Plan()
        var seenAlternatives = Set<Set<String>>()
        for alternative in concept.alternatives {
            let terms = Set(alternative)
            if terms.isEmpty { plan.matchesEverything = true }
            guard !terms.isEmpty, seenAlternatives.insert(terms).inserted else { continue }
            var lists: [PostingList] = []
            for term in Self.distinct(alternative) {
                guard let list = try index.postings(for: term) else { lists = []; break }
                lists.append(list)
            }
            if !lists.isEmpty { plan.alternatives.append(lists) }
        }
        for term in Self.distinct(concept.negatives.flatMap { $0 }) {
            if let list = try index.postings(for: term) { plan.negatives.append(list) }
        }
        return plan
    }

    /// The matching ids of a plan without an empty alternative, ascending.
    private func matches(_ plan: Plan) throws -> [UInt32] {
        var matched: [UInt32] = []
        for lists in plan.alternatives { matched = Self.union(matched, try intersection(lists)) }
        guard !plan.negatives.isEmpty, !matched.isEmpty else { return matched }
        return Self.difference(matched, try union(plan.negatives))
    }

    /// ∩ of the lists, ascending: from the shortest, intersecting each next one.
    private func intersection(_ lists: [PostingList]) throws -> [UInt32] {
        let ordered = lists.sorted { $0.count < $1.count }
        var result = try ordered[0].decoded()
        for list in ordered.dropFirst() where !result.isEmpty {
            let other = try list.decoded()
            let size = result.withUnsafeMutableBufferPointer { current -> Int in
                other.withUnsafeBufferPointer { otherBuffer -> Int in
                    guard let base = current.baseAddress else { return 0 }
                    return PostingIntersection.intersect(UnsafeBufferPointer(current), otherBuffer, into: base, bitmap: &bitmap)
                }
            }
            result.removeLast(result.count - size)
        }
        return result
    }

    /// ∪ of the lists, ascending.
    private func union(_ lists: [PostingList]) throws -> [UInt32] {
        var result: [UInt32] = []
        for list in lists { result = Self.union(result, try list.decoded()) }
        return result
    }

    static func union(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        var result: [UInt32] = []
        result.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i] < b[j] { result.append(a[i]); i += 1 } else if b[j] < a[i] { result.append(b[j]); j += 1 } else {
                result.append(a[i]); i += 1; j += 1
            }
        }
        result.append(contentsOf: a[i...])
        result.append(contentsOf: b[j...])
        return result
    }

    /// The ids of `a` not in `b` (both ascending).
    static func difference(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(a.count)
        var j = 0
        for id in a {
            while j < b.count && b[j] < id { j += 1 }
            if j < b.count && b[j] == id { continue }
            result.append(id)
        }
        return result
    }

    private static func distinct(_ terms: [String]) -> [String] {
        var seen = Set<String>()
        return terms.filter { seen.insert($0).inserted }
    }
}
