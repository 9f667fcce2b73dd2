import Foundation

/// Reads the concepts to count from a file, in order (docs/FORMATS.md, "Concept lists and
/// counts files").
///
/// - A byte order mark is dropped first, in any form: UTF-8 (`EF BB BF`), or UTF-16 / UTF-32 in
///   either byte order, whose text is converted from that encoding (without a mark the file must
///   be UTF-8).
/// - A file whose first non-whitespace character is `[` is a JSON array of strings: its
///   elements, in order, are the concepts. An element that is not a string is an error naming
///   its index.
/// - A file whose first non-whitespace character is `{` is an upstream-style JSON object
///   (e.g. `search_counts/*.json`): its keys, in file order, are the concepts.
/// - Anything else is a text file with one concept per line (LF or CRLF). A line that is a
///   JSON string literal (`"A300B4"`, the Let-It-Wag class list style) is decoded; other
///   lines are taken literally, spaces included. Blank lines are skipped, so write the
///   empty concept as `""`.
///
/// A list without any concept (`{}`, `[]`, only blank lines) is an error naming the file.
public enum ConceptList {
    public static func read(_ url: URL) throws -> [String] {
        let raw: Data
        do { raw = try Data(contentsOf: url) } catch {
            throw FreqBenchError("cannot read concept list: \(error.localizedDescription)", file: url.path)
        }
        let data = try utf8WithoutByteOrderMark(raw, file: url.path)
        guard let text = String(data: data, encoding: .utf8) else {
            throw FreqBenchError("concept list is not valid UTF-8", file: url.path)
        }
        let concepts: [String]
        switch text.first(where: { !$0.isWhitespace }) {
        case "{":
            let value = try JSONParser.parse(data, source: url.path)
            guard let object = value.objectValue else {
                throw FreqBenchError("expected a JSON object whose keys are the concepts", file: url.path)
            }
            concepts = Array(object.keys)
        case "[":
            let value = try JSONParser.parse(data, source: url.path)
            guard let array = value.arrayValue else {
                throw FreqBenchError("expected a JSON array of concept strings", file: url.path)
            }
            concepts = try array.enumerated().map { index, element in
                guard let concept = element.stringValue else {
                    throw FreqBenchError("element \(index) of the JSON array is \(JSONWriter().string(element)), expected a string (a concept)",
                                         file: url.path)
                }
                return concept
            }
        default:
            concepts = try lines(data, file: url.path)
        }
        guard !concepts.isEmpty else {
            throw FreqBenchError("no concepts in the file (an empty JSON object or array, or only blank lines)", file: url.path)
        }
        return concepts
    }

    /// One concept per line; `"…"` lines are JSON string literals; blank lines skipped.
    private static func lines(_ data: Data, file: String) throws -> [String] {
        var concepts: [String] = []
        // Split bytes, not Characters: "\r\n" is one Character in Swift.
        for (number, rawLine) in [UInt8](data).split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let line = String(decoding: rawLine.last == 0x0D ? rawLine.dropLast() : rawLine, as: UTF8.self)
            if line.allSatisfy({ $0.isWhitespace }) { continue }
            if line.first == "\"" {
                guard let literal = try? JSONParser.parse(line, source: file), let concept = literal.stringValue else {
                    throw FreqBenchError("expected a JSON string literal (the line starts with '\"')",
                                         file: file, location: "line \(number + 1)")
                }
                concepts.append(concept)
            } else {
                concepts.append(line)
            }
        }
        return concepts
    }

    /// `data` as UTF-8 without a leading byte order mark: a UTF-8 mark is dropped; text marked
    /// as UTF-16 or UTF-32 (either byte order) is converted.
    static func utf8WithoutByteOrderMark(_ data: Data, file: String) throws -> Data {
        let bytes = [UInt8](data.prefix(4))
        let encoding: String.Encoding
        let markLength: Int
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return Data(data.dropFirst(3))
        } else if bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) {
            (encoding, markLength) = (.utf32LittleEndian, 4)
        } else if bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) {
            (encoding, markLength) = (.utf32BigEndian, 4)
        } else if bytes.starts(with: [0xFF, 0xFE]) {
            (encoding, markLength) = (.utf16LittleEndian, 2)
        } else if bytes.starts(with: [0xFE, 0xFF]) {
            (encoding, markLength) = (.utf16BigEndian, 2)
        } else {
            return data
        }
        guard let text = String(data: data.dropFirst(markLength), encoding: encoding) else {
            throw FreqBenchError("concept list starts with a \(encoding) byte order mark but is not valid \(encoding) text", file: file)
        }
        return Data(text.utf8)
    }
}
