/// The name and version of an annotator, recorded in every index header so that an
/// index built by one annotator is never silently searched with another's query terms.
public struct AnnotatorIdentity: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Short name used on the command line: `builtin`, `spacy`.
    public var name: String
    /// Version of everything that determines the output (engine + model data).
    public var version: String

    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }

    public var description: String { "\(name) \(version)" }
}

/// Turns captions into per-caption term sets and query words into query terms, with the
/// semantics of the paper's pipeline (see DESIGN.md, "Upstream semantics"):
///
/// - caption terms: the set of lemmas of tokens tagged NOUN or PROPN, each with every
///   character outside `[A-Za-z ]` removed (`CaptionTerms.normalize`); the empty string is
///   a real term; sorted by code point;
/// - query term of a word: the lemma of the *last* token the pipeline makes of the word
///   alone (`t-shirt` -> `shirt`), not filtered.
///
/// Implementations batch internally; callers pass batches of any size and get one result
/// per input, in order. Annotators are used from one task at a time.
public protocol Annotator: AnyObject {
    var identity: AnnotatorIdentity { get }

    /// The sorted term set of each caption, in input order.
    func captionTerms(_ captions: [String]) throws -> [[String]]

    /// The query term (lemma) of each word, in input order.
    func queryTerms(_ words: [String]) throws -> [String]
}

/// Caption-term rules shared by every annotator.
public enum CaptionTerms {
    /// Removes every character that is not an ASCII letter or a plain space
    /// (Python `re.sub(r'[^A-Za-z ]', '', lemma)`).
    public static func normalize(_ lemma: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lemma.utf8.count)
        for byte in lemma.utf8 where (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x20 {
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Deduplicates and sorts terms by code point (Python's `sorted(set(...))`).
    public static func sortedSet<S: Sequence>(_ terms: S) -> [String] where S.Element == String {
        Array(Set(terms)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}

extension Annotator {
    /// The terms of each record: of its caption, or, for a record with several captions
    /// (clip-rocket's images), the union of its captions' terms, sorted as `CaptionTerms.sortedSet`.
    public func recordTerms(_ records: [CorpusRecord]) throws -> [[String]] {
        guard records.contains(where: { !$0.additionalCaptions.isEmpty }) else { return try captionTerms(records.map(\.caption)) }
        let texts = records.flatMap(\.captions)
        let terms = try captionTerms(texts)
        guard terms.count == texts.count else {
            throw FreqBenchError("annotator \(identity) returned \(terms.count) term sets for \(texts.count) captions")
        }
        var result: [[String]] = []
        result.reserveCapacity(records.count)
        var position = 0
        for record in records {
            let count = 1 + record.additionalCaptions.count
            result.append(CaptionTerms.sortedSet(terms[position..<(position + count)].flatMap { $0 }))
            position += count
        }
        return result
    }
}
