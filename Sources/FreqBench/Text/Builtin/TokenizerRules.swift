import Foundation

/// One token of a tokenizer special case: its text and, where the rule sets one, its NORM
/// (`n't` -> `not`).
struct SpecialToken: Sendable, Equatable {
    var orth: String
    var norm: String?
}

/// en_core_web_sm's tokenizer data: the prefix, suffix, infix and URL patterns (Python `re`
/// syntax, compiled here with ICU, which reads them the same way) and the special cases.
struct TokenizerRules: @unchecked Sendable {
    // NSRegularExpression is immutable and documented thread-safe; it is not marked Sendable.
    let prefix: NSRegularExpression
    let suffix: NSRegularExpression
    let infix: NSRegularExpression
    let url: NSRegularExpression
    /// Special cases: exact chunk text -> its tokens.
    let specials: [String: [SpecialToken]]
    /// Special cases that spaCy also re-matches after affix splitting, as the token texts
    /// the affix rules make of them (spaCy's `_special_matcher`).
    let matcherSpecials: [[String]]

    init(json: JSONValue, reader: ModelReader) throws {
        func compile(_ key: String) throws -> NSRegularExpression {
            var pattern = try reader.string(json, key)
            // Python's (?u) flag is the default in ICU and not part of its syntax.
            if pattern.hasPrefix("(?u)") { pattern.removeFirst(4) }
            do {
                return try NSRegularExpression(pattern: pattern, options: [])
            } catch {
                throw FreqBenchError("tokenizer pattern `\(key)` does not compile: \(error)", file: reader.file)
            }
        }
        prefix = try compile("prefix")
        suffix = try compile("suffix")
        infix = try compile("infix")
        url = try compile("url")
        var specials: [String: [SpecialToken]] = [:]
        for item in try reader.array(json, "specials") {
            let tokens = try reader.array(item, "tokens").map { token in
                SpecialToken(orth: try reader.string(token, "orth"), norm: try token["norm"].map { try reader.string($0) })
            }
            specials[try reader.string(item, "string")] = tokens
        }
        self.specials = specials
        matcherSpecials = try reader.array(json, "matcherSpecials").map { item in
            try reader.array(item, "pieces").map { try reader.string($0) }
        }
    }
}
