import Foundation

/// The CLIP byte-level BPE tokenizer, equal to open_clip's `SimpleTokenizer` (context 77).
///
/// Text is cleaned (`ClipTextCleaner`), split by CLIP's pattern
/// (`<start_of_text>|<end_of_text>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`),
/// each piece's UTF-8 bytes mapped to printable characters, merged by the 48,894 BPE merges of
/// `bpe_simple_vocab_16e6.txt.gz`, and looked up in the 49,408-entry vocabulary. `tokenize`
/// adds `<start_of_text>` (49406) and `<end_of_text>` (49407), truncates to the context
/// (the last kept token becomes `<end_of_text>`) and pads with 0.
public struct ClipTokenizer: Sendable {
    public static let contextLength = 77
    public let startOfText: Int32
    public let endOfText: Int32
    private let encoder: [String: Int32]
    private let ranks: [String: Int]
    private let byteEncoder: [String]

    /// Where the vocabulary is cached by `ci/setup-clip-vocab` (`FREQBENCH_CLIP_VOCAB` overrides).
    public static var defaultVocabulary: URL {
        if let path = ProcessInfo.processInfo.environment["FREQBENCH_CLIP_VOCAB"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return DataPaths.repositoryRoot.appendingPathComponent(".cache/clip/bpe_simple_vocab_16e6.txt.gz")
    }

    /// Loads the merges from `bpe_simple_vocab_16e6.txt.gz` (or its uncompressed text).
    public init(vocabulary url: URL = ClipTokenizer.defaultVocabulary) throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FreqBenchError("CLIP BPE vocabulary not found (run ci/setup-clip-vocab, or set FREQBENCH_CLIP_VOCAB)", file: url.path)
        }
        let data = url.pathExtension == "gz" ? try GzipFile.read(url) : try Data(contentsOf: url)
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let mergeCount = 49152 - 256 - 2
        guard lines.count > mergeCount else {
            throw FreqBenchError("expected at least \(mergeCount + 1) lines of BPE merges, found \(lines.count)", file: url.path)
        }
        let bytes = ClipTokenizer.bytesToUnicode()
        // The vocabulary lists the byte characters in the table's insertion order (printable
        // bytes first, then the remapped ones), as `list(bytes_to_unicode().values())`.
        let printableFirst = (0..<256).filter { ClipTokenizer.isPrintable($0) } + (0..<256).filter { !ClipTokenizer.isPrintable($0) }
        var vocabulary = printableFirst.map { bytes[$0] }
        vocabulary += vocabulary.map { $0 + "</w>" }
        var ranks = [String: Int](minimumCapacity: mergeCount)
        for (rank, line) in lines[1...mergeCount].enumerated() {
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { throw FreqBenchError("expected a merge \"a b\"", file: url.path, location: "line \(rank + 2)") }
            ranks[String(parts[0]) + " " + String(parts[1])] = rank
            vocabulary.append(String(parts[0]) + String(parts[1]))
        }
        vocabulary += ["<start_of_text>", "<end_of_text>"]
        var encoder = [String: Int32](minimumCapacity: vocabulary.count)
        for (index, token) in vocabulary.enumerated() { encoder[token] = Int32(index) }
        self.encoder = encoder
        self.ranks = ranks
        self.byteEncoder = bytes
        self.startOfText = Int32(vocabulary.count - 2)
        self.endOfText = Int32(vocabulary.count - 1)
    }

    /// GPT-2's reversible byte → printable character table (index = byte value).
    static func bytesToUnicode() -> [String] {
        var table = [String](repeating: "", count: 256)
        var extra: UInt32 = 0
        for byte in 0..<256 {
            let printable = isPrintable(byte)
            let code = printable ? UInt32(byte) : 256 + extra
            if !printable { extra += 1 }
            table[byte] = String(Character(Unicode.Scalar(code)!))
        }
        return table
    }

    /// Bytes that map to themselves: `!`…`~`, `¡`…`¬`, `®`…`ÿ`.
    static func isPrintable(_ byte: Int) -> Bool {
        (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
    }

    /// Token ids of `text`, without start/end tokens or truncation.
    public func encode(_ text: String) -> [Int32] {
        var ids = [Int32]()
        for piece in ClipTokenizer.pieces(of: ClipTextCleaner.clean(text)) {
            if piece == "<start_of_text>" || piece == "<end_of_text>" {
                ids.append(piece == "<start_of_text>" ? startOfText : endOfText)
                continue
            }
            let mapped = piece.utf8.map { byteEncoder[Int($0)] }
            for symbol in bpe(mapped) {
                // Every BPE symbol is in the vocabulary: single byte characters and merge results.
                if let id = encoder[symbol] { ids.append(id) }
            }
        }
        return ids
    }

    /// `[<start_of_text>] + encode(text) + [<end_of_text>]`, truncated (end token kept last) and
    /// zero-padded to `contextLength`.
    public func tokenize(_ text: String, contextLength: Int = ClipTokenizer.contextLength) -> [Int32] {
        var tokens = [startOfText] + encode(text) + [endOfText]
        if tokens.count > contextLength {
            tokens = Array(tokens.prefix(contextLength))
            tokens[contextLength - 1] = endOfText
        }
        return tokens + [Int32](repeating: 0, count: contextLength - tokens.count)
    }

    /// Byte-pair merges of one pre-token (its characters already byte-encoded).
    func bpe(_ characters: [String]) -> [String] {
        guard var last = characters.last else { return [] }
        last += "</w>"
        var word = Array(characters.dropLast()) + [last]
        while word.count > 1 {
            var best: (rank: Int, first: String, second: String)?
            for index in 0..<word.count - 1 {
                if let rank = ranks[word[index] + " " + word[index + 1]], rank < (best?.rank ?? Int.max) {
                    best = (rank, word[index], word[index + 1])
                }
            }
            guard let (_, first, second) = best else { break }
            var merged = [String]()
            merged.reserveCapacity(word.count)
            var index = 0
            while index < word.count {
                if index < word.count - 1, word[index] == first, word[index + 1] == second {
                    merged.append(first + second)
                    index += 2
                } else {
                    merged.append(word[index])
                    index += 1
                }
            }
            word = merged
        }
        return word
    }

    /// Splits cleaned text as CLIP's regular expression does (alternatives tried in order at each
    /// position; whitespace is skipped).
    static func pieces(of text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var pieces = [String]()
        var index = 0
        let specials = ["<start_of_text>", "<end_of_text>"].map { Array($0.unicodeScalars) }
        let contractions = ["s", "t", "re", "ve", "m", "ll", "d"].map { Array($0.unicodeScalars) }
        func matches(_ pattern: [Unicode.Scalar], at position: Int) -> Bool {
            position + pattern.count <= scalars.count && Array(scalars[position..<position + pattern.count]) == pattern
        }
        func emit(_ range: Range<Int>) { pieces.append(String(String.UnicodeScalarView(scalars[range]))) }
        while index < scalars.count {
            if let special = specials.first(where: { matches($0, at: index) }) {
                emit(index..<index + special.count); index += special.count; continue
            }
            if scalars[index] == "'", let tail = contractions.first(where: { matches($0, at: index + 1) }) {
                emit(index..<index + 1 + tail.count); index += 1 + tail.count; continue
            }
            let scalar = scalars[index]
            if isLetter(scalar) {
                var end = index + 1
                while end < scalars.count, isLetter(scalars[end]) { end += 1 }
                emit(index..<end); index = end; continue
            }
            if isNumber(scalar) { emit(index..<index + 1); index += 1; continue }
            if !PythonString.isSpace(scalar) {
                var end = index + 1
                while end < scalars.count, !isLetter(scalars[end]), !isNumber(scalars[end]), !PythonString.isSpace(scalars[end]) { end += 1 }
                emit(index..<end); index = end; continue
            }
            index += 1
        }
        return pieces
    }

    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    static func isNumber(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }
}
