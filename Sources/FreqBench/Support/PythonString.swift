/// The Python `str` behaviours the paper's pipeline depends on, reproduced exactly (one
/// definition for the tokenizers, the CLIP text cleaner and concept-name matching).
public enum PythonString {
    /// `str.isspace()` for one code point, which is also what `\s` matches in a `str` regex:
    /// Unicode White_Space plus U+001C...U+001F (Python's extra separators).
    public static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// `str.split()` with no argument: the words between runs of whitespace, no empty words.
    public static func split(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isSpace(scalar) {
                if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() }
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }
}
