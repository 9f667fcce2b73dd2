/// MetaCLIP's substring-matching rule (`metaclip/metaclip1/substr_matching.py`, functions
/// `spacing` and `substr_matching`, facebookresearch/MetaCLIP at f47f784), as bytes.
///
/// MetaCLIP wraps the caption in spaces, then calls `str.replace(p, f" {p} ")` for each of
/// `,` `.` `;` `:` `?` `!` `` ` `` in that order, then `str.replace(c, " ")` for TAB, LF and CR
/// in that order; an entry matches when `f" {entry} "` is a (case-sensitive) substring of the
/// result (`entry in text`). The replacements commute: each only inserts spaces and its own
/// character, which no other replacement looks for, so the sequence equals one pass that maps
/// every wrapped character `p` to `" p "` and TAB, LF, CR to `" "` (every other character,
/// other whitespace included, is kept).
///
/// Python works on code points; FreqBench works on UTF-8 bytes. The results are identical:
/// every character the rule touches is ASCII, and in UTF-8 an ASCII byte only ever encodes
/// that ASCII character (bytes of multi-byte sequences are all ≥ 0x80), so the byte-wise
/// replacement is the UTF-8 encoding of the code-point-wise one. A pattern `" " + entry + " "`
/// encoded as UTF-8 starts and ends with the ASCII space, so wherever its bytes occur in the
/// (valid UTF-8) spaced caption they start and end on code point boundaries and decode to the
/// same code points; conversely every code-point occurrence is a byte occurrence. Entries are
/// therefore matched as UTF-8 byte strings, never as Swift `String`s (whose comparison would
/// apply Unicode canonical equivalence, which Python does not).
public enum MetaCLIPSpacing {
    /// The characters wrapped in spaces, in MetaCLIP's order.
    public static let wrapped: [UInt8] = Array(",.;:?!`".utf8)
    /// The characters replaced by a space, in MetaCLIP's order (TAB, LF, CR).
    public static let spaced: [UInt8] = [0x09, 0x0A, 0x0D]
    /// The space byte.
    public static let space: UInt8 = 0x20

    /// The spaced caption: `" " + caption + " "` with the replacements applied.
    public static func spacedText(_ caption: some Sequence<UInt8>) -> [UInt8] {
        var result: [UInt8] = [space]
        for byte in caption {
            if wrapped.contains(byte) {
                result += [space, byte, space]
            } else if spaced.contains(byte) {
                result.append(space)
            } else {
                result.append(byte)
            }
        }
        result.append(space)
        return result
    }

    /// The bytes searched for: `" " + entry + " "` in UTF-8.
    public static func pattern(_ entry: String) -> [UInt8] {
        [space] + Array(entry.utf8) + [space]
    }

    /// Why `entry` can never match any caption, or `nil` when some caption matches it. A
    /// spaced caption never holds TAB, LF or CR, has a space on both sides of every wrapped
    /// character, and at least two spaces between two wrapped characters; so an entry with
    /// TAB/LF/CR, with a wrapped character next to a character other than a space
    /// (`"St. Louis"`, `"e.g."`), or with two wrapped characters one space apart (`"? !"`)
    /// is never found. Every other entry is found in some caption: the entry's pattern with
    /// each `" p "` replaced by `p` spaces back into the pattern.
    public static func neverMatchesReason(_ entry: String) -> String? {
        let bytes = pattern(entry)
        if let byte = bytes.first(where: { spaced.contains($0) }) {
            return "it contains \(byte == 0x09 ? "TAB" : byte == 0x0A ? "LF" : "CR"), which MetaCLIP replaces by a space in captions"
        }
        for index in bytes.indices where wrapped.contains(bytes[index]) {
            if bytes[index - 1] != space || bytes[index + 1] != space {
                let character = String(decoding: [bytes[index]], as: UTF8.self)
                return "'\(character)' is not between spaces in it, but MetaCLIP puts a space on each side of every '\(character)' in captions"
            }
            if index + 2 < bytes.count, wrapped.contains(bytes[index + 2]) {
                return "two of the characters MetaCLIP wraps in spaces are one space apart in it; in captions they are at least two apart"
            }
        }
        return nil
    }

    /// The naive rule, as MetaCLIP's loop computes it: whether `pattern` occurs in the spaced
    /// caption (byte-wise substring search). For tests and explanations; the counter uses
    /// `SubstringMatchAutomaton`.
    public static func matches(pattern: [UInt8], spacedText text: [UInt8]) -> Bool {
        guard pattern.count <= text.count else { return false }
        for start in 0...(text.count - pattern.count) where text[start] == pattern[0] {
            var offset = 1
            while offset < pattern.count, text[start + offset] == pattern[offset] { offset += 1 }
            if offset == pattern.count { return true }
        }
        return false
    }
}
