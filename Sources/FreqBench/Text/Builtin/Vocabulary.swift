/// spaCy's lexeme attributes for English, as en_core_web_sm computes them: string ids
/// (`StringStore`), NORM (`lexeme_norm` lookups, then spaCy's base norms, then lowercase),
/// PREFIX (first character), SUFFIX (last three), SHAPE (`word_shape`) and IS_SPACE.
///
/// Characters are Unicode scalars, as Python string indexing counts them.
struct Vocabulary: Sendable {
    /// spaCy's reserved symbols (`spacy.symbols.IDS`): their id is the symbol number, not a hash.
    let symbols: [String: UInt64]
    /// `lexeme_norm` table, keyed by the string id of the word.
    let lexemeNorms: [UInt64: String]
    /// `spacy.lang.norm_exceptions.BASE_NORMS`.
    let baseNorms: [String: String]

    init(json: JSONValue, reader: ModelReader) throws {
        var symbols: [String: UInt64] = [:]
        for (name, value) in try reader.object(json, "symbols") { symbols[name] = UInt64(try reader.int(value)) }
        self.symbols = symbols
        symbolFilter = StringSetPrefilter(symbols.keys)
        var norms: [UInt64: String] = [:]
        for (key, value) in try reader.object(json, "lexemeNorm") {
            guard let id = UInt64(key) else { throw FreqBenchError("lexemeNorm key `\(key)` is not a string id", file: reader.file) }
            norms[id] = try reader.string(value)
        }
        lexemeNorms = norms
        baseNorms = try reader.stringMap(json, "baseNorms")
    }

    /// First test before the lookup in `symbols`, which almost every string misses.
    private let symbolFilter: StringSetPrefilter

    /// spaCy's string id: the symbol number for reserved symbols, else MurmurHash64A (seed 1) of the UTF-8 bytes.
    func id(_ string: String) -> UInt64 {
        if symbolFilter.mayContain(string), let symbol = symbols[string] { return symbol }
        var utf8 = string
        return utf8.withUTF8 { MurmurHash.hash64A($0) }
    }

    /// The NORM of a lexeme.
    func norm(_ text: String) -> String {
        if let norm = lexemeNorms[id(text)] { return norm }
        if let norm = baseNorms[text] { return norm }
        return Vocabulary.lower(text)
    }

    /// Python's `str.lower()`.
    static func lower(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        var result = ""
        for scalar in text.unicodeScalars { result += scalar.properties.lowercaseMapping }
        return result
    }

    /// PREFIX: the first character.
    static func prefix(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return "" }
        return String(first)
    }

    /// SUFFIX: the last three characters.
    static func suffix(_ text: String) -> String {
        String(text.unicodeScalars.suffix(3))
    }

    /// IS_SPACE: Python's `str.isspace()` (non-empty, all whitespace).
    static func isSpace(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { PythonString.isSpace($0) }
    }

    /// SHAPE: spaCy's `word_shape`: letters to `X`/`x`, digits to `d`, other characters kept,
    /// runs longer than four cut to four; "LONG" from 100 characters on. An ASCII text is
    /// mapped on its bytes.
    static func shape(_ text: String) -> String {
        if text.utf8.count < 100, text.utf8.allSatisfy({ $0 < 0x80 }) {
            let mapped = text.utf8.map { byte -> UInt8 in
                switch byte {
                case 0x41...0x5A: return 0x58  // X
                case 0x61...0x7A: return 0x78  // x
                case 0x30...0x39: return 0x64  // d
                default: return byte
                }
            }
            return String(decoding: cuttingRuns(mapped), as: UTF8.self)
        }
        let scalars = text.unicodeScalars
        if scalars.count >= 100 { return "LONG" }
        let mapped = scalars.map { scalar -> Unicode.Scalar in
            if isPythonAlpha(scalar) { return scalar.properties.isUppercase ? "X" : "x" }
            return isPythonDigit(scalar) ? "d" : scalar
        }
        var shape = String.UnicodeScalarView()
        shape.append(contentsOf: cuttingRuns(mapped))
        return String(shape)
    }

    /// `word_shape`'s run rule: of each run of equal characters, the first four only.
    private static func cuttingRuns<Element: Equatable>(_ characters: [Element]) -> [Element] {
        var kept: [Element] = []
        kept.reserveCapacity(characters.count)
        var run = 0
        for (index, character) in characters.enumerated() {
            run = index > 0 && characters[index - 1] == character ? run + 1 : 0
            if run < 4 { kept.append(character) }
        }
        return kept
    }

    /// Whether `text` has a letter (a character for which Python's `str.isalpha()` holds);
    /// ASCII bytes are checked without decoding.
    static func hasLetter(_ text: String) -> Bool {
        var ascii = true
        for byte in text.utf8 {
            if byte >= 0x80 { ascii = false } else if (0x61...0x7A).contains(byte | 0x20) { return true }
        }
        return !ascii && text.unicodeScalars.contains(where: isPythonAlpha)
    }

    /// Python's `str.isalpha()` for one character: general category L*.
    static func isPythonAlpha(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 {
            return (scalar.value >= 0x41 && scalar.value <= 0x5A) || (scalar.value >= 0x61 && scalar.value <= 0x7A)
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// Python's `str.isdigit()` for one character: numeric type decimal or digit.
    static func isPythonDigit(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return scalar.value >= 0x30 && scalar.value <= 0x39 }
        switch scalar.properties.numericType {
        case .decimal?, .digit?: return true
        default: return false
        }
    }
}
