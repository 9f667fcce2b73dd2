import Foundation

/// Reads the concepts to count from a file, in order.
///
/// - A file whose first non-whitespace character is `{` is an upstream-style JSON object
///   (e.g. `search_counts/*.json`): its keys, in file order, are the concepts.
/// - Anything else is a text file with one concept per line (LF or CRLF). A line that is a
///   JSON string literal (`"A300B4"`, the Let-It-Wag class list style) is decoded; other
///   lines are taken literally, spaces included. Blank lines are skipped, so write the
///   empty concept as `""`.
public enum ConceptList {
    public static func read(_ url: URL) throws -> [String] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw FreqBenchError("cannot read concept list: \(error.localizedDescription)", file: url.path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FreqBenchError("concept list is not valid UTF-8", file: url.path)
        }
        if text.first(where: { !$0.isWhitespace }) == "{" {
            let value = try JSONParser.parse(data, source: url.path)
            guard let object = value.objectValue else {
                throw FreqBenchError("expected a JSON object whose keys are the concepts", file: url.path)
            }
            return Array(object.keys)
        }
        var concepts: [String] = []
        // Split bytes, not Characters: "\r\n" is one Character in Swift.
        for (number, rawLine) in [UInt8](data).split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let line = String(decoding: rawLine.last == 0x0D ? rawLine.dropLast() : rawLine, as: UTF8.self)
            if line.allSatisfy({ $0.isWhitespace }) { continue }
            if line.first == "\"" {
                guard let literal = try? JSONParser.parse(line, source: url.path), let concept = literal.stringValue else {
                    throw FreqBenchError("expected a JSON string literal (the line starts with '\"')",
                                         file: url.path, location: "line \(number + 1)")
                }
                concepts.append(concept)
            } else {
                concepts.append(line)
            }
        }
        return concepts
    }
}
