import Foundation

/// clip-beyond-tail's dataset rules (docs/BEYOND-TAIL.md, section 6), read from the package
/// resource `beyond-tail-rules.json`: for `imagenet`, negative words of nine classes; for
/// `places365` and `cub`, replacement alternatives of three classes. Per dataset the rules are
/// tried in order and the first whose trigger equals one whole alternative applies.
public struct BeyondTailRules: Sendable {
    public struct Rule: Sendable, Equatable {
        /// Must equal one alternative (lowered, `(...)` removed, split and stripped) exactly.
        public var trigger: String
        /// The concept's negative alternatives when the rule applies (`imagenet`).
        public var negatives: [String]?
        /// The alternatives that replace the concept's own (`places365`, `cub`).
        public var alternatives: [String]?
    }

    /// The dataset's name (the `--rules` value).
    public let dataset: String
    public let rules: [Rule]
    /// The resource's `version`.
    public let version: Int

    /// The resource file's name in the FreqBench bundle.
    static let resourceName = "beyond-tail-rules"

    /// The rules of `dataset` (`imagenet`, `places365`, `cub`); an unknown name is an error listing the known ones.
    public init(dataset: String) throws {
        let (version, datasets) = try Self.load()
        guard let rules = datasets[dataset] else {
            throw FreqBenchError("unknown beyond-tail rules \"\(dataset)\" (expected one of: \(datasets.keys.sorted().joined(separator: ", ")))")
        }
        self.dataset = dataset
        self.rules = rules
        self.version = version
    }

    /// The datasets that have rules, sorted.
    public static func datasets() throws -> [String] { try load().datasets.keys.sorted() }

    /// The first rule whose trigger is one of `alternatives`, if any.
    public func rule(for alternatives: [String]) -> Rule? {
        rules.first { rule in alternatives.contains { Array($0.unicodeScalars) == Array(rule.trigger.unicodeScalars) } }
    }

    private static func load() throws -> (version: Int, datasets: [String: [Rule]]) {
        guard let url = Bundle.module.url(forResource: resourceName, withExtension: "json") else {
            throw FreqBenchError("internal: the resource \(resourceName).json is missing from the FreqBench bundle")
        }
        let json = try JSONParser.parse(contentsOf: url)
        func damaged(_ what: String) -> FreqBenchError { FreqBenchError("damaged beyond-tail rules: \(what)", file: url.path) }
        guard let version = json["version"]?.intValue, let datasets = json["datasets"]?.objectValue else {
            throw damaged("expected \"version\" and \"datasets\"")
        }
        var result: [String: [Rule]] = [:]
        for (name, list) in datasets {
            guard let items = list.arrayValue else { throw damaged("\(name) is not a list") }
            result[name] = try items.map { item in
                func strings(_ key: String) throws -> [String]? {
                    guard let value = item[key] else { return nil }
                    guard let array = value.arrayValue?.compactMap(\.stringValue), array.count == value.arrayValue?.count else {
                        throw damaged("\(name): \(key) is not a list of strings")
                    }
                    return array
                }
                guard let trigger = item["trigger"]?.stringValue else { throw damaged("\(name): a rule without a trigger") }
                let rule = Rule(trigger: trigger, negatives: try strings("negatives"), alternatives: try strings("alternatives"))
                guard (rule.negatives == nil) != (rule.alternatives == nil) else {
                    throw damaged("\(name): rule \(trigger) needs exactly one of negatives, alternatives")
                }
                return rule
            }
        }
        return (version, result)
    }
}
