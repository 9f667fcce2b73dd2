import Collections
import Foundation

/// Writes search counts in the exact shape and bytes of upstream `search_counts/*.json`:
/// a JSON object concept -> integer in the given order, `json.dump(..., indent=4)` layout,
/// no final newline. Written to a temporary name and renamed into place.
public enum CountsFile {
    public static func write(_ counts: OrderedDictionary<String, Int>, to url: URL) throws {
        try AtomicFile.write(JSONWriter(indent: 4).string(.counts(counts.map { ($0.key, $0.value) })), to: url)
    }
}
