/// The tokens clip-beyond-tail's estimator makes of a text (docs/BEYOND-TAIL.md, sections 1–2):
/// Python's `text.lower()`, every code point outside `[a-zA-Z ]` replaced by a space, then
/// NLTK 3.8.1's `word_tokenize`, which on such a text (letters and spaces only) is a split on
/// spaces plus the Treebank contractions that can still fire.
///
/// Per Unicode scalar (section 11, step 1): `a`–`z` and U+0020 are kept, `A`–`Z` lowercased,
/// U+212A KELVIN SIGN becomes `k`, U+0130 (İ) becomes `i` and a space (Python lowercases it to
/// `i` + U+0307, and U+0307 becomes a space), anything else one space. Then the text is split on
/// runs of spaces, and a word that is exactly `cannot`, `gimme`, `gonna`, `gotta`, `lemme` or
/// `wanna` becomes its two halves (`can not`, `gim me`, `gon na`, `got ta`, `lem me`, `wan na`).
/// Tokens come in text order, repeats kept; the caller lemmatizes them (`WordNetLemmatizer`).
public enum BeyondTailTokenizer {
    /// The Treebank (MacIntyre) contractions that can match a word of `[a-z]+`, with the
    /// length of their first half.
    static let contractions: [(word: [UInt8], split: Int)] = [
        (Array("cannot".utf8), 3), (Array("gimme".utf8), 3), (Array("gonna".utf8), 3),
        (Array("gotta".utf8), 3), (Array("lemme".utf8), 3), (Array("wanna".utf8), 3),
    ]

    /// The tokens of `text`, in order.
    public static func tokens(_ text: String) -> [String] {
        var result: [String] = []
        forEachToken(text) { result.append(String(decoding: $0, as: UTF8.self)) }
        return result
    }

    /// Each ASCII byte's replacement: `a`–`z` and space kept, `A`–`Z` lowercased, else a space.
    static let asciiMap: [UInt8] = (0..<128).map { byte in
        switch byte {
        case 0x61...0x7A, 0x20: return UInt8(byte)
        case 0x41...0x5A: return UInt8(byte | 0x20)
        default: return 0x20
        }
    }

    /// `text` lowered and cleaned: only `a`–`z` and spaces (section 1, steps 2–3).
    public static func cleaned(_ text: String) -> String {
        var bytes: [UInt8] = []
        clean(text, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Calls `body` with the bytes of each token of `text`, in order (ASCII lowercase letters;
    /// valid only during the call), without making a `String` per token.
    public static func forEachToken(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var scratch: [UInt8] = []
        forEachToken(text, scratch: &scratch, body)
    }

    /// `forEachToken` with the cleaned bytes in `scratch` (reused between calls: no allocation
    /// once it is large enough).
    public static func forEachToken(_ text: String, scratch: inout [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        clean(text, into: &scratch)
        scratch.withUnsafeBufferPointer { buffer in
            let count = buffer.count
            var start = 0
            while start < count {
                while start < count && buffer[start] == 0x20 { start += 1 }
                if start == count { break }
                var end = start
                while end < count && buffer[end] != 0x20 { end += 1 }
                let word = UnsafeBufferPointer(rebasing: buffer[start..<end])
                if let split = contractionSplit(word) {
                    body(UnsafeBufferPointer(rebasing: word[0..<split]))
                    body(UnsafeBufferPointer(rebasing: word[split...]))
                } else {
                    body(word)
                }
                start = end
            }
        }
    }

    /// Where a contraction splits `word`, or nil when the word is none of the six.
    static func contractionSplit(_ word: UnsafeBufferPointer<UInt8>) -> Int? {
        guard word.count == 5 || word.count == 6 else { return nil }
        for contraction in contractions where contraction.word.count == word.count && contraction.word.elementsEqual(word) {
            return contraction.split
        }
        return nil
    }

    /// Section 1, steps 2–3, over the UTF-8 bytes of `text`: the cleaned bytes, into `output`
    /// (replacing what it held).
    static func clean(_ text: String, into output: inout [UInt8]) {
        output.removeAll(keepingCapacity: true)
        var text = text
        let map = asciiMap   // once, not a lazy-global check per byte
        text.withUTF8 { utf8 in
            output.reserveCapacity(utf8.count + 1)
            let count = utf8.count
            var position = 0
            while position < count {
                let byte = utf8[position]
                if byte < 0x80 {
                    output.append(map[Int(byte)])
                    position += 1
                    continue
                }
                // A scalar of 2–4 bytes (a String's UTF-8 is valid): only two lowercase to ASCII.
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                if length == 3, byte == 0xE2, position + 2 < count, utf8[position + 1] == 0x84, utf8[position + 2] == 0xAA {
                    output.append(0x6B)            // U+212A KELVIN SIGN -> "k"
                } else if length == 2, byte == 0xC4, position + 1 < count, utf8[position + 1] == 0xB0 {
                    output.append(0x69)            // U+0130 -> "i" + U+0307, which becomes a space
                    output.append(0x20)
                } else {
                    output.append(0x20)
                }
                position += length
            }
        }
    }
}
