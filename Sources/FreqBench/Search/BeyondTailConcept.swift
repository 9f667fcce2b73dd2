import Foundation

/// One class as clip-beyond-tail's estimator counts it (docs/BEYOND-TAIL.md, sections 5–6):
/// alternatives and negatives, each a list of lemmas. A caption counts when no negative has
/// any of its lemmas in the caption's set and some alternative has all of its lemmas there.
public struct BeyondTailConcept: Sendable, Equatable {
    /// What a class is made from: its name (split into alternatives) or a synonym list.
    public enum Template: Sendable, Equatable {
        /// Lowered, `(...)` removed, split on ` or ` and ` / `, each piece stripped.
        case name(String)
        /// Each item lowered and `(...)` removed; neither split nor stripped.
        case synonyms([String])
    }

    /// The concept's name, as given (the key of the counts).
    public var name: String
    /// The alternatives before tokenizing, after the dataset rules.
    public var alternativeTexts: [String]
    public var negativeTexts: [String]
    /// Lemma lists, one per alternative / negative, in order (repeats kept).
    public var alternatives: [[String]]
    public var negatives: [[String]]
    /// The trigger of the dataset rule that applied, if any.
    public var rule: String?

    /// Makes the concept `name` from `template` with `rules` (nil: no dataset rules); each
    /// alternative and negative becomes lemmas through `lemmas` (`WordNetAnnotator.lemmas(of:)`).
    public init(name: String, template: Template, rules: BeyondTailRules?, lemmas: (String) -> [String]) {
        self.name = name
        var texts = Self.alternatives(of: template)
        var negatives: [String] = []
        if let rules, let rule = rules.rule(for: texts) {
            self.rule = rule.trigger
            if let words = rule.negatives { negatives = words }
            if let replacement = rule.alternatives { texts = replacement }
        }
        alternativeTexts = texts
        negativeTexts = negatives
        // Already lowered: the tokenizer's lowering changes nothing more (U+212A and U+0130 are gone).
        alternatives = texts.map(lemmas)
        self.negatives = negatives.map(lemmas)
    }

    /// The alternatives of a template before the dataset rules (section 5).
    public static func alternatives(of template: Template) -> [String] {
        switch template {
        case .name(let text):
            return split(removingParentheses(pythonLower(text))).map(pythonStrip)
        case .synonyms(let items):
            return items.map { removingParentheses(pythonLower($0)) }
        }
    }

    /// Python's `str.lower()` where it matters here: ASCII `A`–`Z`, and the only two code
    /// points that lowercase into ASCII (U+212A -> `k`, U+0130 -> `i` U+0307). Every other
    /// scalar is kept: whatever Python makes of it is non-ASCII, so it can neither equal a
    /// rule's trigger, nor be `(`, `)`, a separator or whitespace, and becomes a space when
    /// tokenized, as its Python lowercase does.
    static func pythonLower(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x41...0x5A: scalars.append(Unicode.Scalar(scalar.value + 0x20)!)
            case 0x212A: scalars.append("k")
            case 0x130: scalars.append("i"); scalars.append("\u{307}")
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// Every match of the regex `\([^)]*\)` removed, left to right: a `(` up to the first `)`
    /// after it; an unclosed `(` stays.
    static func removingParentheses(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var position = 0
        while position < scalars.count {
            if scalars[position] == "(", let close = scalars[(position + 1)...].firstIndex(of: ")") {
                position = close + 1
            } else {
                output.append(scalars[position])
                position += 1
            }
        }
        return String(output)
    }

    /// `re.split(' or | / ', text)`: at each position ` or ` is tried, then ` / `.
    static func split(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        let separators: [[Unicode.Scalar]] = [Array(" or ".unicodeScalars), Array(" / ".unicodeScalars)]
        var pieces: [String] = []
        var current = String.UnicodeScalarView()
        var position = 0
        outer: while position < scalars.count {
            for separator in separators where scalars[position...].starts(with: separator) {
                pieces.append(String(current))
                current = String.UnicodeScalarView()
                position += separator.count
                continue outer
            }
            current.append(scalars[position])
            position += 1
        }
        pieces.append(String(current))
        return pieces
    }

    /// Python's `str.strip()`: leading and trailing code points for which `str.isspace()` holds.
    static func pythonStrip(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.firstIndex(where: { !isPythonSpace($0) }),
              let last = scalars.lastIndex(where: { !isPythonSpace($0) }) else { return "" }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[first...last])
        return String(view)
    }

    /// `str.isspace()` (bidirectional class WS, B or S, or category Zs): the Unicode White_Space
    /// characters plus U+001C–U+001F.
    static func isPythonSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }
}

extension BeyondTailConcept {
    /// The concepts `names`, made from their names or, with `synonyms`, from the synonyms
    /// file's values (paired by position; the counts stay keyed by `names`), with the rules of
    /// dataset `rules` (nil: none); lemmas from `annotator`.
    public static func concepts(names: [String], synonyms: URL?, rules: String?,
                                annotator: WordNetAnnotator) throws -> [BeyondTailConcept] {
        let ruleSet = try rules.map { try BeyondTailRules(dataset: $0) }
        let templates = try synonyms.map { try BeyondTailSynonyms.read($0, conceptCount: names.count) } ?? names.map { .name($0) }
        return zip(names, templates).map { name, template in
            BeyondTailConcept(name: name, template: template, rules: ruleSet, lemmas: annotator.lemmas(of:))
        }
    }
}
