import Foundation

/// open_clip's text cleaning before BPE (`SimpleTokenizer(clean="lower")`):
/// `ftfy.fix_text`, `html.unescape` twice, strip, collapse whitespace (`" ".join(text.split())`),
/// then Python's `str.lower()`.
///
/// ftfy is reproduced for what it does to text that is not mojibake: per line, until nothing
/// changes — HTML entities (`&name;`, not in lines after one containing `<`), C1 controls as
/// Windows-1252, Latin ligatures, full/half-width forms, curly quotes, line breaks, terminal
/// escapes, control characters, NFC. ftfy's mojibake repair (`fix_encoding`, re-decoding text
/// such as "Ã©" as UTF-8) is not reproduced: such text tokenizes as written.
public enum ClipTextCleaner {
    public static func clean(_ text: String) -> String {
        var cleaned = fixText(text)
        cleaned = HTMLUnescape.python(HTMLUnescape.python(cleaned))
        let words = PythonString.split(cleaned)
        return pythonLowercase(words.joined(separator: " "))
    }

    // MARK: ftfy

    static func fixText(_ text: String) -> String {
        // Segments end after each "\n" (scalar-wise: "\r\n" is one Character in Swift).
        var unescape = true
        var output = ""
        var segment = String.UnicodeScalarView()
        func flush() {
            guard !segment.isEmpty else { return }
            // ftfy turns HTML unescaping off for this and every later segment once one has "<".
            if segment.contains("<") { unescape = false }
            output += fixSegment(String(segment), unescape: unescape)
            segment = String.UnicodeScalarView()
        }
        for scalar in text.unicodeScalars {
            segment.append(scalar)
            if scalar == "\n" { flush() }
        }
        flush()
        return output
    }

    private static func fixSegment(_ text: String, unescape: Bool) -> String {
        var text = text
        while true {
            let original = text
            if unescape { text = HTMLUnescape.ftfy(text) }
            text = mapScalars(text)
            text = fixLineBreaks(text)
            text = removeTerminalEscapes(text)
            text = String(String.UnicodeScalarView(text.unicodeScalars.filter { !isRemovedControl($0) }))
            text = text.precomposedStringWithCanonicalMapping
            if text.unicodeScalars.elementsEqual(original.unicodeScalars) { return text }
        }
    }

    /// "\r\n" → "\n", then "\r", U+2028, U+2029, U+0085 → "\n".
    private static func fixLineBreaks(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n", previousWasCR { previousWasCR = false; continue }
            previousWasCR = scalar == "\r"
            switch scalar.value {
            case 0x0D, 0x2028, 0x2029, 0x85: output.append("\n")
            default: output.append(scalar)
            }
        }
        return String(output)
    }

    /// fix_c1_controls, fix_latin_ligatures, fix_character_width, uncurl_quotes, in ftfy's order.
    private static func mapScalars(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            var pieces = [scalar]
            // C1 controls decoded as (sloppy) Windows-1252.
            if (0x80...0x9F).contains(scalar.value), let mapped = HTMLEntityTable.invalidCharacterReferences[scalar.value] {
                pieces = Array(mapped.unicodeScalars)
            }
            pieces = pieces.flatMap { ligature($0) }
            pieces = pieces.flatMap { width($0) }
            output.append(contentsOf: pieces.map { uncurl($0) })
        }
        return String(output)
    }

    private static let ligatures: [UInt32: String] = [
        0x132: "IJ", 0x133: "ij", 0x149: "\u{2BC}n", 0x1F1: "DZ", 0x1F2: "Dz", 0x1F3: "dz",
        0x1C4: "D\u{17D}", 0x1C5: "D\u{17E}", 0x1C6: "d\u{17E}", 0x1C7: "LJ", 0x1C8: "Lj", 0x1C9: "lj",
        0x1CA: "NJ", 0x1CB: "Nj", 0x1CC: "nj", 0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi",
        0xFB04: "ffl", 0xFB05: "\u{17F}t", 0xFB06: "st",
    ]

    private static func ligature(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        ligatures[scalar.value].map { Array($0.unicodeScalars) } ?? [scalar]
    }

    /// U+3000 → space; U+FF01…U+FFEF → their NFKC form when it differs.
    private static func width(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        if scalar.value == 0x3000 { return [" "] }
        guard (0xFF01..<0xFFF0).contains(scalar.value) else { return [scalar] }
        let single = String(Character(scalar))
        let compatible = single.precomposedStringWithCompatibilityMapping
        return compatible == single ? [scalar] : Array(compatible.unicodeScalars)
    }

    private static func uncurl(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x2BC, 0x2018...0x201B: return "'"
        case 0x201C...0x201F: return "\""
        default: return scalar
        }
    }

    /// Removes ANSI escapes `ESC [ (digits|;)* letter`.
    private static func removeTerminalEscapes(_ text: String) -> String {
        guard text.unicodeScalars.contains("\u{1B}") else { return text }
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == "\u{1B}", index + 1 < scalars.count, scalars[index + 1] == "[" {
                var end = index + 2
                while end < scalars.count, scalars[end] == ";" || (0x30...0x39).contains(scalars[end].value) { end += 1 }
                if end < scalars.count, isASCIILetter(scalars[end]) {
                    index = end + 1
                    continue
                }
            }
            output.append(scalars[index])
            index += 1
        }
        return String(output)
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        (0x41...0x5A).contains(scalar.value) || (0x61...0x7A).contains(scalar.value)
    }

    /// ftfy's remove_control_chars set.
    private static func isRemovedControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x08, 0x0B, 0x0E...0x1F, 0x7F, 0x206A...0x206F, 0xFEFF, 0xFFF9...0xFFFC: return true
        default: return false
        }
    }

    // MARK: Python str semantics (whitespace and split: `PythonString`)

    /// Python's `str.lower()`: full lowercase mappings, with Greek capital sigma becoming final
    /// sigma after a cased letter when no cased letter follows (case-ignorables skipped).
    static func pythonLowercase(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            if scalar.value == 0x3A3 {
                output.append(isFinalSigma(scalars, at: index) ? "\u{3C2}" : "\u{3C3}")
            } else {
                output.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(output)
    }

    private static func isFinalSigma(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        var before = index - 1
        while before >= 0, scalars[before].properties.isCaseIgnorable { before -= 1 }
        guard before >= 0, scalars[before].properties.isCased else { return false }
        var after = index + 1
        while after < scalars.count, scalars[after].properties.isCaseIgnorable { after += 1 }
        return after == scalars.count || !scalars[after].properties.isCased
    }
}
