/// HTML character references decoded as Python does it: `html.unescape` (what open_clip's
/// `basic_clean` applies twice) and ftfy's stricter `unescape_html` (only `&name;` forms, plus
/// all-caps names such as `&EACUTE;`).
enum HTMLUnescape {
    /// name (after `&`, with `;` when the name has one) → replacement text.
    static let named: [String: String] = {
        var table = [String: String]()
        for line in HTMLEntityTable.named.split(separator: "\n") {
            guard let tab = line.firstIndex(of: "\t") else { continue }
            table[String(line[..<tab])] = String(line[line.index(after: tab)...])
        }
        return table
    }()

    /// ftfy's table: `&name;` → text for html5 names ending in `;`, and the all-caps form of
    /// lowercase names (value uppercased) when `html.unescape` leaves that form alone.
    static let ftfyEntities: [String: String] = {
        var table = [String: String]()
        for (name, value) in named where name.hasSuffix(";") {
            table["&" + name] = value
        }
        for (name, value) in named where name.hasSuffix(";") && name == name.lowercased() {
            let upper = "&" + name.uppercased()
            if python(upper) == upper { table[upper] = value.uppercased() }
        }
        return table
    }()

    /// Python's `html.unescape`.
    static func python(_ text: String) -> String {
        guard text.contains("&") else { return text }
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "&" else { output.append(scalars[index]); index += 1; continue }
            if let (replacement, end) = reference(scalars, at: index + 1) {
                output.append(contentsOf: replacement.unicodeScalars)
                index = end
            } else {
                output.append("&")
                index += 1
            }
        }
        return String(output)
    }

    /// Matches `#[0-9]+;?`, `#[xX][0-9a-fA-F]+;?` or `[^\t\n\f <&#;]{1,32};?` at `start` and returns
    /// the replacement and the index after the match.
    private static func reference(_ s: [Unicode.Scalar], at start: Int) -> (String, Int)? {
        guard start < s.count else { return nil }
        if s[start] == "#" {
            var index = start + 1
            var hex = false
            if index < s.count, s[index] == "x" || s[index] == "X" { hex = true; index += 1 }
            let digitsStart = index
            var value: UInt64 = 0
            while index < s.count, let digit = digitValue(s[index], hex: hex) {
                value = min(value * (hex ? 16 : 10) + UInt64(digit), 0x1_0000_0000)
                index += 1
            }
            guard index > digitsStart else { return nil }
            if index < s.count, s[index] == ";" { index += 1 }
            return (numeric(value), index)
        }
        var index = start
        while index < s.count, index - start < 32, !"\t\n\u{0C} <&#;".unicodeScalars.contains(s[index]) { index += 1 }
        guard index > start else { return nil }
        var end = index
        if end < s.count, s[end] == ";" { end += 1 }
        let name = String(String.UnicodeScalarView(s[start..<end]))
        if let value = named[name] { return (value, end) }
        // The longest prefix (of at least 2 characters) that is a name.
        let nameScalars = Array(name.unicodeScalars)
        var length = nameScalars.count - 1
        while length > 1 {
            let prefix = String(String.UnicodeScalarView(nameScalars[0..<length]))
            if let value = named[prefix] {
                return (value + String(String.UnicodeScalarView(nameScalars[length...])), end)
            }
            length -= 1
        }
        return ("&" + name, end)
    }

    private static func digitValue(_ scalar: Unicode.Scalar, hex: Bool) -> Int? {
        switch scalar.value {
        case 0x30...0x39: return Int(scalar.value - 0x30)
        case 0x41...0x46 where hex: return Int(scalar.value - 0x41 + 10)
        case 0x61...0x66 where hex: return Int(scalar.value - 0x61 + 10)
        default: return nil
        }
    }

    private static func numeric(_ value: UInt64) -> String {
        if value <= UInt64(UInt32.max), let replacement = HTMLEntityTable.invalidCharacterReferences[UInt32(value)] { return replacement }
        if (0xD800...0xDFFF).contains(value) || value > 0x10FFFF { return "\u{FFFD}" }
        if HTMLEntityTable.invalidCodePoints.contains(UInt32(value)) { return "" }
        return Unicode.Scalar(UInt32(value)).map { String(Character($0)) } ?? "\u{FFFD}"
    }

    /// ftfy's `unescape_html`: replaces matches of `&#?[0-9A-Za-z]{1,24};` found in its table, and
    /// numeric ones that `html.unescape` decodes whole.
    static func ftfy(_ text: String) -> String {
        guard text.contains("&") else { return text }
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "&" else { output.append(scalars[index]); index += 1; continue }
            var end = index + 1
            if end < scalars.count, scalars[end] == "#" { end += 1 }
            let bodyStart = end
            while end < scalars.count, end - bodyStart < 24, isASCIIAlphanumeric(scalars[end]) { end += 1 }
            guard end > bodyStart, end < scalars.count, scalars[end] == ";" else {
                output.append("&")
                index += 1
                continue
            }
            let match = String(String.UnicodeScalarView(scalars[index...end]))
            var replacement = match
            if let value = ftfyEntities[match] {
                replacement = value
            } else if match.hasPrefix("&#") {
                let decoded = python(match)
                if !decoded.contains(";") { replacement = decoded }
            }
            output.append(contentsOf: replacement.unicodeScalars)
            index = end + 1
        }
        return String(output)
    }

    private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return false
        }
    }
}
