import Foundation

/// `evaluation_metrics_all.csv`: a header row, then one row per checkpoint (first column its
/// name). Fields are quoted as RFC 4180 when they hold a comma, quote or line break.
enum EvaluationMetricsTable {
    /// The rows already in `url` (checkpoint → the other fields), empty when the file does not exist.
    /// A header other than `header` is an error: the table was made for other datasets.
    static func read(_ url: URL, header: [String]) throws -> [String: [String]] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [:] }
        let text = try String(contentsOf: url, encoding: .utf8)
        var records = parse(text)
        guard let first = records.first else { return [:] }
        guard first == header else {
            throw FreqBenchError("the existing table has columns \(first.joined(separator: ",")), expected \(header.joined(separator: ",")) (remove it or choose another output)",
                                 file: url.path, location: "line 1")
        }
        records.removeFirst()
        var rows = [String: [String]]()
        for (index, record) in records.enumerated() {
            guard record.count == header.count, let name = record.first else {
                throw FreqBenchError("expected \(header.count) fields, found \(record.count)", file: url.path, location: "line \(index + 2)")
            }
            rows[name] = Array(record.dropFirst())
        }
        return rows
    }

    /// Writes the header and the rows sorted by `order` (then name), atomically.
    static func write(_ rows: [String: [String]], header: [String], order: (String) -> Int, to url: URL) throws {
        let names = rows.keys.sorted { (order($0), $0) < (order($1), $1) }
        var lines = [header.map(quote).joined(separator: ",")]
        for name in names { lines.append(([name] + (rows[name] ?? [])).map(quote).joined(separator: ",")) }
        try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: url)
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func parse(_ text: String) -> [[String]] {
        var records = [[String]]()
        var record = [String]()
        var field = ""
        var quoted = false
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar? = iterator.next()
        while let scalar = pending {
            pending = iterator.next()
            if quoted {
                if scalar == "\"" {
                    if pending == "\"" { field.unicodeScalars.append("\""); pending = iterator.next() } else { quoted = false }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": quoted = true
            case ",": record.append(field); field = ""
            case "\r": continue
            case "\n": record.append(field); records.append(record); record = []; field = ""
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }
}
