import Collections
import Foundation

/// The counts file: a JSON object concept -> count in input order, written exactly as
/// upstream's `search_counts/*.json` (Python `json.dump(counts, f, indent=4)`: ASCII
/// escapes, no final newline).
public enum TextSearchOutput {
    public static func json(_ counts: OrderedDictionary<String, Int>) -> JSONValue {
        var members = OrderedDictionary<String, JSONValue>()
        for (concept, count) in counts { members[concept] = .number(JSONNumber(count)) }
        return .object(members)
    }

    public static func string(_ counts: OrderedDictionary<String, Int>, indent: Int = 4) -> String {
        JSONWriter(indent: indent).string(json(counts))
    }

    /// Writes the counts to `url` atomically.
    public static func write(_ counts: OrderedDictionary<String, Int>, to url: URL, indent: Int = 4) throws {
        try AtomicFile.write(string(counts, indent: indent), to: url)
    }
}
