import Collections
import Foundation

/// One model's entry of an upstream-shaped result file: `full` and the per-class (zero-shot,
/// `classwise`) or per-concept (retrieval, `conceptwise`) values. A missing value (a class
/// without samples) is `nil`: written as `null`, read from `null` or upstream's `NaN`.
public struct EvaluationResultEntry: Sendable, Equatable {
    public var full: Double?
    public var breakdown: OrderedDictionary<String, Double?>

    public init(full: Double?, breakdown: OrderedDictionary<String, Double?>) {
        self.full = full
        self.breakdown = breakdown
    }
}

/// Upstream-shaped evaluation result files: `{ model_key: { "full": x, "<member>": {name: x} } }`,
/// with `<member>` = `classwise` (zero_shot_evaluations/*.json) or `conceptwise`
/// (retrieval_evaluations/*.json), written as Python's `json.dump(..., indent=4)` does.
public enum EvaluationResultsFile {
    /// `classwise` or `conceptwise`.
    public enum Kind: String, Sendable {
        case classwise, conceptwise
    }

    /// The JSON object of one entry.
    public static func json(_ entry: EvaluationResultEntry, kind: Kind) -> JSONValue {
        var members = OrderedDictionary<String, JSONValue>()
        for (name, value) in entry.breakdown { members[name] = number(value) }
        return .object(["full": number(entry.full), kind.rawValue: .object(members)])
    }

    /// Writes `entry` under `modelKey` into `url`: other model keys already in the file are kept
    /// in their order, this key is replaced in place or appended. Written atomically.
    ///
    /// A `classwise` entry must name the same classes in the same order as every other model's
    /// entry in the file (one file is one dataset's class list); otherwise nothing is written and
    /// the error names `classnames` (where the entry's class names came from, e.g. the features
    /// file) and the file and model key it disagrees with.
    public static func merge(_ entry: EvaluationResultEntry, modelKey: String, kind: Kind, into url: URL,
                             classnames origin: ClassNameSource? = nil) throws {
        var document = OrderedDictionary<String, JSONValue>()
        if FileManager.default.fileExists(atPath: url.path) {
            guard let existing = try JSONParser.parse(contentsOf: url).objectValue else {
                throw FreqBenchError("expected a JSON object of model keys to merge into", file: url.path)
            }
            document = existing
        }
        if kind == .classwise {
            let names = ClassNameSource(names: Array(entry.breakdown.keys), file: origin?.file ?? url.path,
                                        location: origin == nil ? "new entry for model \(modelKey)" : origin?.location)
            for (key, value) in document where key != modelKey {
                guard let members = value[kind.rawValue]?.objectValue else { continue }
                try names.requireAgreement(with: ClassNameSource(names: Array(members.keys), file: url.path, location: "model \(key)"))
            }
        }
        document[modelKey] = json(entry, kind: kind)
        // Byte for byte what json.dump(results, f, indent=4) writes: no final newline.
        try AtomicFile.write(JSONWriter(indent: 4).string(.object(document)), to: url)
    }

    /// Reads every model's entry; `null` and `NaN` values read as nil.
    public static func read(_ url: URL, kind: Kind) throws -> OrderedDictionary<String, EvaluationResultEntry> {
        guard let document = try JSONParser.parse(contentsOf: url).objectValue else {
            throw FreqBenchError("expected a JSON object of model keys", file: url.path)
        }
        var entries = OrderedDictionary<String, EvaluationResultEntry>()
        for (key, value) in document {
            guard let members = value[kind.rawValue]?.objectValue, let full = value["full"] else {
                throw FreqBenchError("model \(key): expected \"full\" and \"\(kind.rawValue)\"", file: url.path)
            }
            var breakdown = OrderedDictionary<String, Double?>()
            for (name, item) in members { breakdown[name] = try read(item, file: url, location: "model \(key), \(name)") }
            entries[key] = EvaluationResultEntry(full: try read(full, file: url, location: "model \(key), full"), breakdown: breakdown)
        }
        return entries
    }

    private static func read(_ value: JSONValue, file: URL, location: String) throws -> Double? {
        if value.isNull { return nil }
        guard let number = value.doubleValue else { throw FreqBenchError("expected a number or null", file: file.path, location: location) }
        return number.isNaN ? nil : number
    }

    private static func number(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return .double(value)
    }
}
