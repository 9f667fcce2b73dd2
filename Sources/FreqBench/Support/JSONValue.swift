import Collections

/// A JSON document that keeps the order of object keys.
///
/// Upstream files are read where key order matters (concept lists, the "first matching
/// model key" rule), so objects are `OrderedDictionary` and numbers keep their text.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number, with the exact text it was written as (so integers stay exact).
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(OrderedDictionary<String, JSONValue>)

    /// The value of `key` when this is an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var objectValue: OrderedDictionary<String, JSONValue>? {
        if case .object(let members) = self { return members }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The number as a Double; `nil` for non-numbers. `NaN` literals (as Python writes them) read as .nan.
    public var doubleValue: Double? {
        if case .number(let number) = self { return number.doubleValue }
        return nil
    }

    /// The number as an exact integer; `nil` if it is not an integral number that fits in Int.
    public var intValue: Int? {
        if case .number(let number) = self { return number.intValue }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

/// A JSON number kept as written.
public struct JSONNumber: Sendable, Equatable, CustomStringConvertible {
    /// The literal text, e.g. `42`, `-1.5e-3`, or Python's `NaN`/`Infinity`.
    public var text: String

    public init(text: String) { self.text = text }
    public init(_ value: Int) { self.text = String(value) }
    /// A double, written as its shortest round-trip form (as Python's `repr`).
    public init(_ value: Double) { self.text = JSONNumber.format(value) }

    public var doubleValue: Double {
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return Double(text) ?? .nan
        }
    }

    public var intValue: Int? {
        if let exact = Int(text) { return exact }
        let value = doubleValue
        guard value.isFinite, value == value.rounded(), abs(value) < 9.0e15 else { return nil }
        return Int(value)
    }

    public var description: String { text }

    /// Formats a double exactly as Python's `repr` (and so `json.dumps`) does:
    /// the shortest round-trip digits, fixed notation for exponents in [-4, 16), else `d.ddde±XX`.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        // Swift's description also yields the shortest round-trip digits; re-layout them.
        let text = "\(value.magnitude)"
        var mantissa = text
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(text[..<e])
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var integerPart = mantissa
        var fractionPart = ""
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = String(mantissa[..<dot])
            fractionPart = String(mantissa[mantissa.index(after: dot)...])
        }
        var digits = integerPart + fractionPart
        var pointPosition = integerPart.count + exponent   // decimal point after this many digits
        while digits.hasPrefix("0"), digits.count > 1 { digits.removeFirst(); pointPosition -= 1 }
        while digits.hasSuffix("0"), digits.count > 1 { digits.removeLast() }
        let decimalExponent = pointPosition - 1
        var result: String
        if decimalExponent >= -4 && decimalExponent < 16 {
            if pointPosition <= 0 {
                result = "0." + String(repeating: "0", count: -pointPosition) + digits
            } else if pointPosition >= digits.count {
                result = digits + String(repeating: "0", count: pointPosition - digits.count) + ".0"
            } else {
                let split = digits.index(digits.startIndex, offsetBy: pointPosition)
                result = String(digits[..<split]) + "." + String(digits[split...])
            }
        } else {
            let head = String(digits.prefix(1))
            let tail = String(digits.dropFirst())
            let sign = decimalExponent < 0 ? "-" : "+"
            let magnitude = abs(decimalExponent)
            result = head + (tail.isEmpty ? "" : "." + tail) + "e" + sign + (magnitude < 10 ? "0" : "") + String(magnitude)
        }
        return value.sign == .minus ? "-" + result : result
    }
}
