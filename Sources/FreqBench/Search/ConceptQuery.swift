/// How a concept name becomes query words, exactly as upstream:
/// `re.split(r'[_\s]+', concept.lower())` in Python 3.
///
/// - `lower()` is Unicode full lowercasing (Swift's `lowercased()` implements the same
///   Unicode mapping);
/// - `\s` is Python's Unicode whitespace (`str.isspace`), which unlike Unicode
///   White_Space also includes U+001C...U+001F;
/// - runs of `_` and whitespace separate words; a leading or trailing separator yields an
///   empty word `""` (Python keeps them), and `""` is looked up like any other word (the
///   empty string is a real caption term); an empty concept is the single word `""`.
public enum ConceptQuery {
    public static func words(_ concept: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        var inSeparator = false
        for scalar in concept.lowercased().unicodeScalars {
            if scalar == "_" || PythonString.isSpace(scalar) {
                if !inSeparator {
                    words.append(String(current))
                    current = String.UnicodeScalarView()
                    inSeparator = true
                }
            } else {
                current.append(scalar)
                inSeparator = false
            }
        }
        words.append(String(current))
        return words
    }
}
