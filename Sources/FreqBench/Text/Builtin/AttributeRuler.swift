import Foundation

/// en_core_web_sm's `attribute_ruler`: token patterns that set POS, MORPH, LEMMA and TAG
/// from the tagger's fine-grained tag and the token text (e.g. `NN` -> NOUN with
/// `Number=Sing`; `PRP` + `me` -> PRON, lemma `I`).
///
/// All matches are found on the tagged tokens first, then applied in pattern order, so a
/// later pattern overrides an earlier one (spaCy sorts matches by pattern number).
/// Patterns that read the dependency label (13 of them) see an empty label (the builtin
/// annotator has no parser, as spaCy without `parser`), except in a one-token text, whose
/// only token the parser always labels `ROOT`.
struct AttributeRuler: Sendable {
    /// A condition on one token attribute.
    enum Condition: Sendable {
        case equals(String)
        case oneOf(Set<String>)
        case noneOf(Set<String>)
        case regex(RegexBox)
        case flag(Bool)
    }

    /// NSRegularExpression is immutable and thread-safe but not marked Sendable.
    struct RegexBox: @unchecked Sendable {
        let expression: NSRegularExpression
        /// Text every match starts with (the literal letters and digits after a leading `^`
        /// of a pattern without alternatives), checked before running the expression.
        let requiredPrefix: String

        init(pattern: String) throws {
            expression = try NSRegularExpression(pattern: pattern)
            requiredPrefix = RegexBox.requiredPrefix(of: pattern)
        }

        func matches(_ text: String) -> Bool {
            text.hasPrefix(requiredPrefix)
                && expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }

        /// `^n[ou]thin'$` -> "n", `^y'?$` -> "y", `^ab?c` -> "a", `^(a|b)` or `a|^b` -> "".
        static func requiredPrefix(of pattern: String) -> String {
            guard pattern.first == "^", !pattern.contains("|") else { return "" }
            let characters = Array(pattern.dropFirst())
            var prefix = ""
            for (index, character) in characters.enumerated() {
                guard character.isASCII, character.isLetter || character.isNumber else { break }
                if index + 1 < characters.count, "?*{".contains(characters[index + 1]) { break }
                prefix.append(character)
            }
            return prefix
        }
    }

    /// Conditions on one token: TAG, LOWER, DEP, IS_SPACE (a class, so that matching a
    /// pattern reads it in place instead of copying its conditions).
    final class TokenSpec: Sendable {
        let tag: Condition?
        let lower: Condition?
        let dependency: Condition?
        let isSpace: Condition?

        init(tag: Condition?, lower: Condition?, dependency: Condition?, isSpace: Condition?) {
            self.tag = tag
            self.lower = lower
            self.dependency = dependency
            self.isSpace = isSpace
        }
    }

    /// What a pattern sets on the token at `index` of its match.
    struct Assignment: Sendable {
        var pos: String?
        var morph: String?
        var lemma: String?
        var tag: String?
    }

    struct Rule: Sendable {
        var alternatives: [[TokenSpec]]
        var assignment: Assignment
        /// The token of a match the assignment goes to (negative: from the end).
        var index: Int

        /// Where in a match of `length` tokens the assignment goes; nil when `index` is outside it.
        func targetOffset(inMatchOfLength length: Int) -> Int? {
            let offset = index < 0 ? length + index : index
            return offset >= 0 && offset < length ? offset : nil
        }
    }

    let rules: [Rule]
    /// Single-token rules whose TAG condition is one exact tag, by that tag (rule numbers ascending).
    private let singleRulesByTag: [String: [Int]]
    /// Single-token rules that accept more than one tag.
    private let singleRulesAnyTag: [Int]
    /// Rules with a multi-token alternative.
    private let multiTokenRules: [Int]

    init(json: JSONValue, reader: ModelReader) throws {
        func condition(_ value: JSONValue, attribute: String) throws -> Condition {
            switch value {
            case .string(let text): return .equals(text)
            case .bool(let flag): return .flag(flag)
            case .object(let members):
                guard members.count == 1, let (kind, argument) = members.elements.first.map({ ($0.key, $0.value) }) else {
                    throw FreqBenchError("attribute_ruler: unsupported condition on \(attribute)", file: reader.file)
                }
                switch kind {
                case "IN": return .oneOf(Set(try reader.array(argument).map { try reader.string($0) }))
                case "NOT_IN": return .noneOf(Set(try reader.array(argument).map { try reader.string($0) }))
                case "REGEX":
                    return .regex(try RegexBox(pattern: try reader.string(argument)))
                default: throw FreqBenchError("attribute_ruler: unsupported operator \(kind) on \(attribute)", file: reader.file)
                }
            default: throw FreqBenchError("attribute_ruler: unsupported condition on \(attribute)", file: reader.file)
            }
        }
        rules = try reader.array(json).map { item in
            let alternatives = try reader.array(item, "patterns").map { pattern in
                try reader.array(pattern).map { token in
                    var tag, lower, dependency, isSpace: Condition?
                    for (key, value) in token.objectValue ?? [:] {
                        switch key {
                        case "TAG": tag = try condition(value, attribute: key)
                        case "LOWER": lower = try condition(value, attribute: key)
                        case "DEP": dependency = try condition(value, attribute: key)
                        case "IS_SPACE": isSpace = try condition(value, attribute: key)
                        default: throw FreqBenchError("attribute_ruler: unsupported attribute \(key)", file: reader.file)
                        }
                    }
                    return TokenSpec(tag: tag, lower: lower, dependency: dependency, isSpace: isSpace)
                }
            }
            var assignment = Assignment()
            for (key, value) in try reader.object(item, "attrs") {
                switch key {
                case "POS": assignment.pos = try reader.string(value)
                case "MORPH": assignment.morph = try reader.string(value)
                case "LEMMA": assignment.lemma = try reader.string(value)
                case "TAG": assignment.tag = try reader.string(value)
                case "DEP": break  // no parser: dependency labels are not produced
                default: throw FreqBenchError("attribute_ruler: unsupported assignment \(key)", file: reader.file)
                }
            }
            return Rule(alternatives: alternatives, assignment: assignment, index: try reader.int(item, "index"))
        }
        var byTag: [String: [Int]] = [:]
        var anyTag: [Int] = []
        var multi: [Int] = []
        for (number, rule) in rules.enumerated() {
            if rule.alternatives.contains(where: { $0.count != 1 }) {
                multi.append(number)
            } else if rule.alternatives.count == 1, case .equals(let tag)? = rule.alternatives[0][0].tag {
                byTag[tag, default: []].append(number)
            } else {
                anyTag.append(number)
            }
        }
        singleRulesByTag = byTag
        singleRulesAnyTag = anyTag
        multiTokenRules = multi
    }

    /// The attributes of a token the ruler reads and writes.
    struct TokenState: Sendable {
        var tag: String
        var lower: String
        var isSpace: Bool
        /// The dependency label: `ROOT` for the token of a one-token text, else empty.
        var dependency = ""
        var pos = ""
        var morph = ""
        var lemma: String?
    }

    /// What single-token rules depend on.
    struct SingleTokenKey: Hashable {
        var tag: String
        var lower: String
        var isSpace: Bool
        var dependency: String
    }

    /// What one token matches on its own: the single-token rules, and the alternatives of
    /// multi-token rules whose first token spec it satisfies (where a match may start).
    struct SingleTokenMatches {
        var rules: [Int]
        var multiTokenStarts: [(rule: Int, alternative: Int)]
        /// What `rules` set, in rule order (a later rule's value replaces an earlier one's):
        /// the token's attributes whenever no multi-token rule matches in its text.
        var combined = Assignment()
    }

    /// Applies every rule to `tokens` in place; `cache` remembers what a (tag, text, space,
    /// dependency) combination matches on its own.
    ///
    /// Where no token may start a multi-token match (almost every text: those rules start
    /// with words such as `gon`, `let` or `y'`), every match covers one token, so each token
    /// gets its single-token rules' `combined` assignment, the same result as the general
    /// path, which sorts all matches by rule number and applies them one by one.
    func apply(_ tokens: inout [TokenState], cache: inout [SingleTokenKey: SingleTokenMatches]) {
        var found: [SingleTokenMatches] = []
        found.reserveCapacity(tokens.count)
        var mayMatchMultiToken = false
        for position in tokens.indices {
            let matches = singleTokenMatches(tokens[position], cache: &cache)
            if !matches.multiTokenStarts.isEmpty { mayMatchMultiToken = true }
            found.append(matches)
        }
        if !mayMatchMultiToken {
            for position in tokens.indices { AttributeRuler.assign(found[position].combined, to: &tokens[position]) }
            return
        }
        var matches: [(rule: Int, start: Int, end: Int)] = []
        for position in tokens.indices {
            for number in found[position].rules { matches.append((number, position, position + 1)) }
            for (number, alternativeIndex) in found[position].multiTokenStarts {
                let alternative = rules[number].alternatives[alternativeIndex]
                guard position + alternative.count <= tokens.count else { continue }
                var matched = true
                for offset in 1..<max(1, alternative.count) where !AttributeRuler.matches(alternative[offset], tokens[position + offset]) {
                    matched = false
                    break
                }
                if matched { matches.append((number, position, position + alternative.count)) }
            }
        }
        matches.sort { ($0.rule, $0.start, $0.end) < ($1.rule, $1.start, $1.end) }
        for match in matches {
            guard let offset = rules[match.rule].targetOffset(inMatchOfLength: match.end - match.start) else { continue }
            AttributeRuler.assign(rules[match.rule].assignment, to: &tokens[match.start + offset])
        }
    }

    /// `token` with the rules that match it on its own applied, and whether it may start a
    /// multi-token match. When no token of a text may, this is what `apply` gives each token.
    func applyingSingleTokenRules(
        to token: TokenState, cache: inout [SingleTokenKey: SingleTokenMatches]
    ) -> (token: TokenState, mayStartMultiToken: Bool) {
        let matches = singleTokenMatches(token, cache: &cache)
        var result = token
        AttributeRuler.assign(matches.combined, to: &result)
        return (result, !matches.multiTokenStarts.isEmpty)
    }

    /// What `token` matches on its own, from `cache` or computed and cached.
    private func singleTokenMatches(_ token: TokenState, cache: inout [SingleTokenKey: SingleTokenMatches]) -> SingleTokenMatches {
        let key = SingleTokenKey(tag: token.tag, lower: token.lower, isSpace: token.isSpace, dependency: token.dependency)
        if let known = cache[key] { return known }
        let matches = singleTokenMatches(token)
        cache[key] = matches
        return matches
    }

    /// Sets on `token` what `assignment` sets (MORPH `_` clears the morphology).
    private static func assign(_ assignment: Assignment, to token: inout TokenState) {
        if let tag = assignment.tag { token.tag = tag }
        if let pos = assignment.pos { token.pos = pos }
        if let morph = assignment.morph { token.morph = morph == "_" ? "" : morph }
        if let lemma = assignment.lemma { token.lemma = lemma }
    }

    private func singleTokenMatches(_ token: TokenState) -> SingleTokenMatches {
        var found = SingleTokenMatches(rules: [], multiTokenStarts: [])
        for number in singleRulesByTag[token.tag] ?? [] where AttributeRuler.matches(rules[number].alternatives[0][0], token) {
            found.rules.append(number)
        }
        for number in singleRulesAnyTag where rules[number].alternatives.contains(where: { AttributeRuler.matches($0[0], token) }) {
            found.rules.append(number)
        }
        for number in multiTokenRules {
            for (index, alternative) in rules[number].alternatives.enumerated()
            where !alternative.isEmpty && AttributeRuler.matches(alternative[0], token) {
                found.multiTokenStarts.append((number, index))
            }
        }
        found.rules.sort()
        for number in found.rules where rules[number].targetOffset(inMatchOfLength: 1) != nil {
            let assignment = rules[number].assignment
            found.combined.tag = assignment.tag ?? found.combined.tag
            found.combined.pos = assignment.pos ?? found.combined.pos
            found.combined.morph = assignment.morph ?? found.combined.morph
            found.combined.lemma = assignment.lemma ?? found.combined.lemma
        }
        return found
    }

    static func matches(_ spec: TokenSpec, _ token: TokenState) -> Bool {
        if let condition = spec.tag, !holds(condition, token.tag) { return false }
        if let condition = spec.lower, !holds(condition, token.lower) { return false }
        if let condition = spec.dependency, !holds(condition, token.dependency) { return false }
        if let condition = spec.isSpace {
            guard case .flag(let flag) = condition, flag == token.isSpace else { return false }
        }
        return true
    }

    static func holds(_ condition: Condition, _ value: String) -> Bool {
        switch condition {
        case .equals(let text): return value == text
        case .oneOf(let set): return set.contains(value)
        case .noneOf(let set): return !set.contains(value)
        case .regex(let box): return box.matches(value)
        case .flag: return false
        }
    }
}
