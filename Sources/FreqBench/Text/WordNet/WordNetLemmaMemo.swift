import Foundation

/// A worker's memo of token -> lemma for `WordNetAnnotator`, keyed by the token's bytes
/// (`ByteStringTable`: no `String` is made or hashed for a token seen before). Lemmas are
/// interned: equal lemmas share one id, so a caption's set is a set of small integers, and
/// each id has a sort key (its first 8 bytes, big-endian) that orders most pairs without
/// touching the bytes. Owned by one thread at a time; never changes a result.
struct WordNetLemmaMemo {
    private var tokens = ByteStringTable(capacity: 1 << 14)
    /// Lemma id of each token, by token number.
    private var tokenLemma: [Int32] = []
    private var lemmaTable = ByteStringTable(capacity: 1 << 14)
    /// The interned lemmas, by id.
    private(set) var lemmas: [String] = []
    /// The first 8 bytes of each lemma, big-endian, zero-padded: comparing keys compares prefixes.
    private(set) var sortKeys: [UInt64] = []

    /// Tokens kept before the memo starts again (bounds its memory on huge vocabularies).
    static let limit = 1 << 21

    var count: Int { tokenLemma.count }

    /// The lemma id of `token`, computing and remembering its lemma on first sight.
    mutating func lemmaID(_ token: UnsafeBufferPointer<UInt8>, lemmatizer: WordNetLemmatizer) -> Int32 {
        if let known = tokens.find(token) { return tokenLemma[Int(known)] }
        if tokenLemma.count >= Self.limit { self = WordNetLemmaMemo() }
        var lemma = lemmatizer.lemmatize(bytes: token)
        let (id, inserted) = lemma.withUTF8 { lemmaTable.insert($0) }
        if inserted {
            lemmas.append(lemma)
            var key: UInt64 = 0
            var index = 0
            for byte in lemma.utf8.prefix(8) {
                key |= UInt64(byte) << (56 - 8 * index)
                index += 1
            }
            sortKeys.append(key)
        }
        tokens.insert(token)
        tokenLemma.append(id)
        return id
    }

    /// Whether lemma `a` comes before lemma `b` in byte order of their UTF-8 (code-point
    /// order: `CaptionTerms.sortedSet`'s).
    @inline(__always)
    func precedes(_ a: Int32, _ b: Int32) -> Bool {
        let keyA = sortKeys[Int(a)], keyB = sortKeys[Int(b)]
        if keyA != keyB { return keyA < keyB }
        return lemmaTable.withBytes(a) { x in
            lemmaTable.withBytes(b) { y in x.lexicographicallyPrecedes(y) }
        }
    }
}
