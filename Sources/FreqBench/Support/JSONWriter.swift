import Collections
import Foundation

/// Writes `JSONValue` as Python's `json.dumps` does, so outputs compare with upstream files.
///
/// `indent: nil` gives the compact one-line form with `", "` and `": "` separators
/// (Python's default); an indent gives one member per line. Non-ASCII characters are
/// escaped as `\uXXXX` like Python's default `ensure_ascii=True`.
public struct JSONWriter: Sendable {
    public var indent: Int?
    public var ensureASCII: Bool

    public init(indent: Int? = nil, ensureASCII: Bool = true) {
        self.indent = indent
        self.ensureASCII = ensureASCII
    }

    public func string(_ value: JSONValue) -> String {
        var output = ""
        write(value, level: 0, into: &output)
        return output
    }

    /// Serializes `value` and writes it to `url` atomically, with a final newline.
    public func write(_ value: JSONValue, to url: URL) throws {
        try AtomicFile.write(string(value) + "\n", to: url)
    }

    private func write(_ value: JSONValue, level: Int, into output: inout String) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let number): output += number.text
        case .string(let text): writeString(text, into: &output)
        case .array(let items):
            if items.isEmpty { output += "[]"; return }
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += indent == nil ? ", " : "," }
                newline(level + 1, into: &output)
                write(item, level: level + 1, into: &output)
            }
            newline(level, into: &output)
            output += "]"
        case .object(let members):
            if members.isEmpty { output += "{}"; return }
            output += "{"
            for (index, element) in members.enumerated() {
                if index > 0 { output += indent == nil ? ", " : "," }
                newline(level + 1, into: &output)
                writeString(element.key, into: &output)
                output += ": "
                write(element.value, level: level + 1, into: &output)
            }
            newline(level, into: &output)
            output += "}"
        }
    }

    private func newline(_ level: Int, into output: inout String) {
        guard let indent else { return }
        output += "\n" + String(repeating: " ", count: indent * level)
    }

    private func writeString(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 || (ensureASCII && scalar.value > 0x7E) {
                    if scalar.value > 0xFFFF {
                        let value = scalar.value - 0x10000
                        output += hex4(0xD800 + (value >> 10)) + hex4(0xDC00 + (value & 0x3FF))
                    } else {
                        output += hex4(scalar.value)
                    }
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }

    private func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
    }
}

extension JSONValue {
    /// An object of concept -> integer count, in the given order (the shape of upstream search counts).
    public static func counts<S: Sequence>(_ pairs: S) -> JSONValue where S.Element == (String, Int) {
        var members = OrderedDictionary<String, JSONValue>()
        for (key, count) in pairs { members[key] = .number(JSONNumber(count)) }
        return .object(members)
    }

    public static func double(_ value: Double) -> JSONValue { .number(JSONNumber(value)) }
    public static func int(_ value: Int) -> JSONValue { .number(JSONNumber(value)) }
}
