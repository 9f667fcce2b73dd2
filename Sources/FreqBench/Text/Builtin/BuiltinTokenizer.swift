import Foundation
import Synchronization

/// One token of a caption: its text, the NORM a special case gave it (if any), and whether
/// a plain space follows it (spaCy's `whitespace_`).
struct TextToken: Sendable, Equatable {
    var text: String
    var norm: String?
    var spaceAfter: Bool
}

/// spaCy's rule-based tokenizer (spacy/tokenizer.pyx) on en_core_web_sm's rules:
///
/// 1. split the text at whitespace; a single space after a chunk becomes its `spaceAfter`,
///    longer runs of whitespace are chunks of their own;
/// 2. a chunk that is a special case (`don't`, `e.g.`, `:)`) becomes the special tokens;
/// 3. otherwise prefixes and suffixes are split off repeatedly (stopping at a special
///    case), the rest is kept whole if it is a URL, else split at infixes (`-`, `/`, ...);
/// 4. finally, special cases that the affix rules cut apart (`'s`, `''`) are re-matched
///    over the token sequence, longest first, and replaced by their special tokens.
///
/// Chunk results are cached (thread-safe), as spaCy caches them.
final class BuiltinTokenizer: Sendable {
    let rules: TokenizerRules
    private let cache = Mutex<[String: [SpecialToken]]>([:])
    /// Re-matched special cases, by their first piece.
    private let matcherByFirstPiece: [String: [[String]]]
    /// First tests before the lookups in `rules.specials` and `matcherByFirstPiece`.
    private let specialFilter: StringSetPrefilter
    private let firstPieceFilter: StringSetPrefilter
    /// The most chunks kept in the cache.
    private let cacheLimit = 1 << 20

    init(rules: TokenizerRules) {
        self.rules = rules
        var byFirst: [String: [[String]]] = [:]
        for pieces in rules.matcherSpecials {
            if let first = pieces.first { byFirst[first, default: []].append(pieces) }
        }
        matcherByFirstPiece = byFirst
        specialFilter = StringSetPrefilter(rules.specials.keys)
        firstPieceFilter = StringSetPrefilter(byFirst.keys)
    }

    /// The special case `text` is, if any.
    private func special(_ text: String) -> [SpecialToken]? {
        specialFilter.mayContain(text) ? rules.specials[text] : nil
    }

    /// The tokens of `text`. An all-ASCII text is split on its bytes, without decoding scalars.
    func tokenize(_ text: String) -> [TextToken] {
        var tokens: [TextToken] = []
        var utf8 = text
        let wasASCII = utf8.withUTF8 { bytes -> Bool in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return false }
            appendWhitespaceChunks(of: bytes, isSpace: { (0x09...0x0D).contains($0) || (0x1C...0x20).contains($0) },
                                   isSingleSpace: { $0 == 0x20 },
                                   text: { String(decoding: UnsafeBufferPointer(rebasing: $0), as: UTF8.self) }, to: &tokens)
            return true
        }
        if !wasASCII {
            appendWhitespaceChunks(of: Array(text.unicodeScalars), isSpace: PythonString.isSpace, isSingleSpace: { $0 == " " },
                                   text: { scalars in
                                       var view = String.UnicodeScalarView()
                                       view.append(contentsOf: scalars)
                                       return String(view)
                                   }, to: &tokens)
        }
        applySpecialCaseMatches(&tokens)
        return tokens
    }

    /// spaCy's first step: the text is cut where whitespace (Python's `str.isspace`) starts
    /// or ends; each run becomes a chunk, except that a single " " after a token only sets
    /// that token's `spaceAfter`. `units` are the text's scalars, or its bytes when all ASCII.
    private func appendWhitespaceChunks<Units: RandomAccessCollection>(
        of units: Units, isSpace: (Units.Element) -> Bool, isSingleSpace: (Units.Element) -> Bool,
        text: (Units.SubSequence) -> String, to tokens: inout [TextToken]
    ) where Units.Index == Int {
        guard let first = units.first else { return }
        tokens.reserveCapacity(units.count / 4 + 2)
        var start = units.startIndex
        var inWhitespace = isSpace(first)
        for index in units.indices where isSpace(units[index]) != inWhitespace {
            if start < index { appendChunk(text(units[start..<index]), to: &tokens) }
            if isSingleSpace(units[index]) {
                if !tokens.isEmpty { tokens[tokens.count - 1].spaceAfter = true }
                start = index + 1
            } else {
                start = index
            }
            inWhitespace.toggle()
        }
        if start < units.endIndex { appendChunk(text(units[start...]), to: &tokens) }
    }

    private func appendChunk(_ chunk: String, to tokens: inout [TextToken]) {
        let pieces: [SpecialToken]
        if let special = special(chunk) {
            pieces = special
        } else if BuiltinTokenizer.isPlainWord(chunk) {
            tokens.append(TextToken(text: chunk, norm: nil, spaceAfter: false))
            return
        } else if let cached = cache.withLock({ $0[chunk] }) {
            pieces = cached
        } else {
            pieces = tokenizeChunk(chunk)
            cache.withLock { cache in
                if cache.count < cacheLimit { cache[chunk] = pieces }
            }
        }
        for piece in pieces { tokens.append(TextToken(text: piece.orth, norm: piece.norm, spaceAfter: false)) }
    }

    /// Whether `chunk` is all ASCII letters or all ASCII digits. No prefix, suffix or infix
    /// pattern of en_core_web_sm can match inside such a chunk (each needs a punctuation or
    /// symbol character, or a digit next to letters), so a plain word that is not a special
    /// case is one token, with no pattern run (`BuiltinAnnotatorTokenizerTests.plainWordsSkipPatterns`
    /// checks this against the patterns).
    static func isPlainWord(_ chunk: String) -> Bool {
        var letters = false, digits = false
        for byte in chunk.utf8 {
            switch byte {
            case 0x41...0x5A, 0x61...0x7A: letters = true
            case 0x30...0x39: digits = true
            default: return false
            }
        }
        return letters != digits
    }

    /// spaCy's `_split_affixes` + `_attach_tokens` for one whitespace-free chunk.
    func tokenizeChunk(_ chunk: String) -> [SpecialToken] {
        var string = chunk as NSString
        var prefixes: [String] = []
        var suffixes: [String] = []
        var lastLength = 0
        while string.length > 0 && string.length != lastLength {
            if special(string as String) != nil { break }
            lastLength = string.length
            let prefixLength = matchLength(rules.prefix, in: string)
            var prefix = ""
            var minusPrefix: NSString = ""
            if prefixLength != 0 {
                prefix = string.substring(to: prefixLength)
                minusPrefix = string.substring(from: prefixLength) as NSString
                if minusPrefix.length > 0 && special(minusPrefix as String) != nil {
                    string = minusPrefix
                    prefixes.append(prefix)
                    break
                }
            }
            let suffixLength = matchLength(rules.suffix, in: string.substring(from: prefixLength) as NSString)
            var suffix = ""
            var minusSuffix: NSString = ""
            if suffixLength != 0 {
                suffix = string.substring(from: string.length - suffixLength)
                minusSuffix = string.substring(to: string.length - suffixLength) as NSString
                if minusSuffix.length > 0 && special(minusSuffix as String) != nil {
                    string = minusSuffix
                    suffixes.append(suffix)
                    break
                }
            }
            if prefixLength != 0 && suffixLength != 0 && prefixLength + suffixLength <= string.length {
                string = string.substring(with: NSRange(location: prefixLength, length: string.length - prefixLength - suffixLength)) as NSString
                prefixes.append(prefix)
                suffixes.append(suffix)
            } else if prefixLength != 0 {
                string = minusPrefix
                prefixes.append(prefix)
            } else if suffixLength != 0 {
                string = minusSuffix
                suffixes.append(suffix)
            }
        }
        var pieces = prefixes.map { SpecialToken(orth: $0, norm: nil) }
        if string.length > 0 {
            let rest = string as String
            if let special = special(rest) {
                pieces += special
            } else if rules.url.firstMatch(in: rest, options: [.anchored], range: NSRange(location: 0, length: string.length)) != nil {
                pieces.append(SpecialToken(orth: rest, norm: nil))
            } else {
                pieces += splitInfixes(string)
            }
        }
        pieces += suffixes.reversed().map { SpecialToken(orth: $0, norm: nil) }
        return pieces
    }

    private func splitInfixes(_ string: NSString) -> [SpecialToken] {
        let matches = rules.infix.matches(in: string as String, options: [], range: NSRange(location: 0, length: string.length))
        if matches.isEmpty { return [SpecialToken(orth: string as String, norm: nil)] }
        var pieces: [SpecialToken] = []
        var start = 0
        for match in matches {
            let infixStart = match.range.location
            let infixEnd = match.range.location + match.range.length
            if infixStart == 0 { continue }
            if infixStart != start {
                pieces.append(SpecialToken(orth: string.substring(with: NSRange(location: start, length: infixStart - start)), norm: nil))
            }
            if infixStart != infixEnd {
                pieces.append(SpecialToken(orth: string.substring(with: match.range), norm: nil))
            }
            start = infixEnd
        }
        if start < string.length {
            pieces.append(SpecialToken(orth: string.substring(from: start), norm: nil))
        }
        return pieces
    }

    /// Length (UTF-16 units, like the slicing here) of the first match of `pattern`, 0 if none.
    private func matchLength(_ pattern: NSRegularExpression, in string: NSString) -> Int {
        guard string.length > 0,
              let match = pattern.firstMatch(in: string as String, options: [], range: NSRange(location: 0, length: string.length))
        else { return 0 }
        return match.range.length
    }

    /// spaCy's `_apply_special_cases`: finds every occurrence of a re-matched special case's
    /// pieces, keeps the longest (then leftmost) non-overlapping ones, and replaces each whose
    /// text (with its inner spaces) is a special case by that case's tokens.
    private func applySpecialCaseMatches(_ tokens: inout [TextToken]) {
        var matches: [(start: Int, end: Int)] = []
        for start in tokens.indices {
            guard firstPieceFilter.mayContain(tokens[start].text), let candidates = matcherByFirstPiece[tokens[start].text] else { continue }
            for pieces in candidates where start + pieces.count <= tokens.count {
                var matched = true
                for (offset, piece) in pieces.enumerated() where tokens[start + offset].text != piece {
                    matched = false
                    break
                }
                if matched && !matches.contains(where: { $0.start == start && $0.end == start + pieces.count }) {
                    matches.append((start, start + pieces.count))
                }
            }
        }
        if matches.isEmpty { return }
        // Longest first; among equal lengths, the leftmost first.
        matches.sort { a, b in
            let lengthA = a.end - a.start, lengthB = b.end - b.start
            return lengthA != lengthB ? lengthA > lengthB : a.start < b.start
        }
        var seen = Set<Int>()
        var kept: [(start: Int, end: Int)] = []
        for match in matches {
            if !seen.contains(match.start) && !seen.contains(match.end - 1) { kept.append(match) }
            for index in match.start..<match.end { seen.insert(index) }
        }
        kept.sort { $0.start < $1.start }
        var result: [TextToken] = []
        result.reserveCapacity(tokens.count)
        var index = 0
        var next = 0
        while index < tokens.count {
            if next < kept.count && kept[next].start == index {
                let match = kept[next]
                next += 1
                var text = ""
                for position in match.start..<match.end {
                    text += tokens[position].text
                    if position < match.end - 1 && tokens[position].spaceAfter { text += " " }
                }
                if let special = special(text) {
                    for piece in special { result.append(TextToken(text: piece.orth, norm: piece.norm, spaceAfter: false)) }
                    result[result.count - 1].spaceAfter = tokens[match.end - 1].spaceAfter
                } else {
                    result.append(contentsOf: tokens[match.start..<match.end])
                }
                index = match.end
            } else {
                result.append(tokens[index])
                index += 1
            }
        }
        tokens = result
    }
}
