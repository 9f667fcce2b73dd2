/// spaCy's rule-based English lemmatizer (`Lemmatizer.rule_lemmatize` with
/// `EnglishLemmatizer.is_base_form`) on en_core_web_sm's tables.
///
/// For a token with universal POS `pos` (lowercase) and morphology `morph`:
/// 1. no POS, `space`, or a base form (singular noun, infinitive or present non-3rd-person
///    verb, positive adjective, ...) -> the lowercased text;
/// 2. a POS without tables -> the text (PROPN) or the lowercased text;
/// 3. otherwise every suffix rule (`ies` -> `y`) whose result is a known lemma (or not
///    alphabetic) is a candidate, exceptions (`feet` -> `foot`) go first, and the first
///    candidate wins; with no candidate, the first out-of-vocabulary rule result, else the text.
struct RuleLemmatizer: Sendable {
    let index: [String: Set<String>]
    let exceptions: [String: [String: [String]]]
    let rules: [String: [(String, String)]]

    init(json: JSONValue, reader: ModelReader) throws {
        var index: [String: Set<String>] = [:]
        for (pos, words) in try reader.object(json, "index") {
            index[pos] = Set(try reader.array(words).map { try reader.string($0) })
        }
        var exceptions: [String: [String: [String]]] = [:]
        for (pos, table) in try reader.object(json, "exceptions") {
            var forms: [String: [String]] = [:]
            for (word, lemmas) in table.objectValue ?? [:] { forms[word] = try reader.array(lemmas).map { try reader.string($0) } }
            exceptions[pos] = forms
        }
        var rules: [String: [(String, String)]] = [:]
        for (pos, list) in try reader.object(json, "rules") {
            rules[pos] = try reader.array(list).map { pair in
                let parts = try reader.array(pair).map { try reader.string($0) }
                guard parts.count == 2 else { throw FreqBenchError("lemma rule of \(pos) is not a pair", file: reader.file) }
                return (parts[0], parts[1])
            }
        }
        self.index = index
        self.exceptions = exceptions
        self.rules = rules
    }

    init(index: [String: Set<String>], exceptions: [String: [String: [String]]], rules: [String: [(String, String)]]) {
        self.index = index
        self.exceptions = exceptions
        self.rules = rules
    }

    /// The lemma of `text` with universal POS `pos` (as spaCy writes it, e.g. `NOUN`) and
    /// morphology `morph` (`Number=Plur|...`).
    func lemma(_ text: String, pos: String, morph: String) -> String {
        let univPos = pos.lowercased()
        if univPos.isEmpty || univPos == "eol" || univPos == "space" { return Vocabulary.lower(text) }
        if RuleLemmatizer.isBaseForm(pos: univPos, morph: morph) { return Vocabulary.lower(text) }
        let posIndex = index[univPos] ?? []
        let posExceptions = exceptions[univPos] ?? [:]
        let posRules = rules[univPos] ?? []
        if posIndex.isEmpty && posExceptions.isEmpty && posRules.isEmpty {
            return univPos == "propn" ? text : Vocabulary.lower(text)
        }
        let string = Vocabulary.lower(text)
        var forms: [String] = []
        var oovForms: [String] = []
        for (old, new) in posRules where RuleLemmatizer.endsWith(string, old) {
            let form = String(string.unicodeScalars.dropLast(old.unicodeScalars.count)) + new
            if form.isEmpty { continue }
            if posIndex.contains(form) {
                forms.insert(form, at: 0)
            } else if !RuleLemmatizer.isAlpha(form) {
                forms.append(form)
            } else {
                oovForms.append(form)
            }
        }
        var unique: [String] = []
        for form in forms where !unique.contains(form) { unique.append(form) }
        forms = unique
        for form in posExceptions[string] ?? [] where !forms.contains(form) {
            forms.insert(form, at: 0)
        }
        if forms.isEmpty { forms = oovForms }
        return forms.first ?? text
    }

    /// Python's `str.endswith` on code points (Swift's `hasSuffix` compares characters).
    /// Compared on UTF-8 bytes, which is the same: a code-point suffix is a byte suffix, and
    /// a byte suffix that is a whole string starts at a code-point boundary.
    static func endsWith(_ text: String, _ suffix: String) -> Bool {
        let tail = suffix.utf8.count
        return tail <= text.utf8.count && text.utf8.suffix(tail).elementsEqual(suffix.utf8)
    }

    /// Python's `str.isalpha()`.
    private static func isAlpha(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { Vocabulary.isPythonAlpha($0) }
    }

    /// `EnglishLemmatizer.is_base_form`.
    static func isBaseForm(pos: String, morph: String) -> Bool {
        // The four features read, each the value of its last `Name=value` field.
        var number, verbForm, tense, degree: Substring?
        for field in morph.split(separator: "|") {
            guard let equals = field.firstIndex(of: "=") else { continue }
            let value = field[field.index(after: equals)...]
            switch field[..<equals] {
            case "Number": number = value
            case "VerbForm": verbForm = value
            case "Tense": tense = value
            case "Degree": degree = value
            default: break
            }
        }
        if pos == "noun" && number == "Sing" { return true }
        if pos == "verb" && verbForm == "Inf" { return true }
        if pos == "verb" && verbForm == "Fin" && tense == "Pres" && number == nil { return true }
        if pos == "adj" && degree == "Pos" { return true }
        if verbForm == "Inf" { return true }
        if verbForm == "None" { return true }
        if degree == "Pos" { return true }
        return false
    }
}
