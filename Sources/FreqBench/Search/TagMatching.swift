/// How a concept name is matched to a tag of an image index.
///
/// - `exact`: the concept must be a tag, character for character; otherwise it is skipped
///   (left out of the counts, as upstream's `if d not in image_index: continue`).
/// - `laionAesthetics`: upstream's rule for the `laion_aesthetics` pretraining set, whose tag
///   list spells bird names like `American_Three_toed_Woodpecker`: a concept that is not a tag
///   is retried with every lower/Capitalized combination of its words joined by `_`, in
///   `itertools.product` order (the first word varies slowest, lower case before Capitalized;
///   see `capitalizationVariants`). The first variant that is a tag wins.
public enum TagMatching: String, Sendable, CaseIterable {
    case exact
    case laionAesthetics = "laion_aesthetics"

    /// The tag a concept resolves to in `tags` (a lookup), or nil when it is skipped.
    public func resolve(_ concept: String, isTag: (String) -> Bool) -> String? {
        if isTag(concept) { return concept }
        guard self == .laionAesthetics else { return nil }
        for variant in Self.capitalizationVariants(concept) where isTag(variant) { return variant }
        return nil
    }

    /// Upstream's `generate_combinations(name)`: words by Python's `name.split()` (runs of
    /// whitespace, ends stripped); each word as `word.lower()` or `word.capitalize()` (first
    /// character upper-cased, the rest lower-cased); joined by `_`; product order, so
    /// `"a b"` gives `a_b, a_B, A_b, A_B`. A concept without words gives `[""]`.
    public static func capitalizationVariants(_ concept: String) -> [String] {
        let words = PythonString.split(concept)
        var variants = [""]
        for (position, word) in words.enumerated() {
            let choices = [word.lowercased(), capitalize(word)]
            variants = variants.flatMap { prefix in
                choices.map { position == 0 ? $0 : prefix + "_" + $0 }
            }
        }
        return variants
    }

    /// Python's `str.capitalize()`: first character upper case, the rest lower case.
    static func capitalize(_ word: String) -> String {
        guard let first = word.first else { return word }
        return String(first).uppercased() + word.dropFirst().lowercased()
    }
}
