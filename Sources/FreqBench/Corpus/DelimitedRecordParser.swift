/// Splits delimited text (TSV/CSV) into records and fields exactly as pandas' C parser
/// does with `read_csv(sep=..., quotechar='"', doublequote=True, skip_blank_lines=True)`:
///
/// - records end at `\n`, `\r\n` or a lone `\r`, or at the end of the file;
/// - a line of only spaces (and tabs, when tab is not the separator) is skipped;
/// - with `.csv` quoting, a field whose first byte is `"` is quoted: `""` inside is one `"`,
///   separators and line breaks inside belong to the field, and text after the closing
///   quote up to the next separator or line end is appended literally; a `"` elsewhere
///   in a field is literal; a quote still open at the end of the file is an error;
/// - with `.none` quoting every byte is literal.
///
/// The parser works on raw bytes and never allocates per record: fields are byte ranges
/// in the input buffer, or in `scratch` for quoted fields (which need unescaping).
struct DelimitedRecordParser {
    /// Where one field's bytes are.
    struct Field {
        var start: Int
        var end: Int
        /// The bytes are in `scratch` (a quoted field), not in the input buffer.
        var inScratch: Bool
    }

    /// The result of parsing at one position.
    enum Outcome: Equatable {
        /// More bytes are needed to finish the record (only when not at the end of the file).
        case incomplete
        /// A blank line, skipped: continue at `next`, having passed `lines` line breaks.
        case blank(next: Int, lines: Int)
        /// A record whose fields are in `fields`: continue at `next`.
        case record(next: Int, lines: Int)
        /// A quoted field is still open at the end of the file.
        case unterminatedQuote
    }

    let separator: UInt8
    let quoting: CaptionQuoting
    /// The fields of the last record parsed.
    private(set) var fields: [Field] = []
    /// Unescaped bytes of the quoted fields of the last record parsed.
    private(set) var scratch: [UInt8] = []
    /// `isStop[b]`: byte b ends an unquoted field (separator, `\n`, `\r`).
    private let isStop: [Bool]

    private static let quote = UInt8(ascii: "\"")
    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")

    init(separator: UInt8, quoting: CaptionQuoting) {
        self.separator = separator
        self.quoting = quoting
        var stops = [Bool](repeating: false, count: 256)
        stops[Int(separator)] = true
        stops[Int(Self.newline)] = true
        stops[Int(Self.carriageReturn)] = true
        isStop = stops
        fields.reserveCapacity(8)
    }

    /// Parses the record (or blank line) that starts at `position` in `bytes[..<end]`.
    /// `atEOF`: `end` is the end of the file, so nothing more will come.
    mutating func parse(_ bytes: UnsafePointer<UInt8>, at position: Int, end: Int, atEOF: Bool) -> Outcome {
        // A blank line: only spaces (and tabs when they are not the separator).
        var index = position
        while index < end, bytes[index] == Self.space || (bytes[index] == Self.tab && separator != Self.tab) {
            index += 1
        }
        if index == end {
            return atEOF ? .blank(next: end, lines: 0) : .incomplete
        }
        if bytes[index] == Self.newline || bytes[index] == Self.carriageReturn {
            guard let next = lineEnd(bytes, at: index, end: end, atEOF: atEOF) else { return .incomplete }
            return .blank(next: next, lines: 1)
        }

        fields.removeAll(keepingCapacity: true)
        scratch.removeAll(keepingCapacity: true)
        var lines = 0
        index = position
        let quoted = quoting == .csv
        let stops = isStop
        return stops.withUnsafeBufferPointer { stop in
            while true {
                if quoted, index < end, bytes[index] == Self.quote {
                    // Quoted field: unescape into scratch.
                    let fieldStart = scratch.count
                    index += 1
                    while true {
                        var closing = index
                        while closing < end, bytes[closing] != Self.quote { closing += 1 }
                        if closing == end { return atEOF ? .unterminatedQuote : .incomplete }
                        lines += Self.lineBreaks(bytes, from: index, to: closing)
                        scratch.append(contentsOf: UnsafeBufferPointer(start: bytes + index, count: closing - index))
                        index = closing + 1
                        if index == end && !atEOF { return .incomplete }
                        if index < end, bytes[index] == Self.quote {
                            scratch.append(Self.quote)
                            index += 1
                            continue
                        }
                        break
                    }
                    // Text after the closing quote is part of the field (pandas).
                    var stopIndex = index
                    while stopIndex < end, !stop[Int(bytes[stopIndex])] { stopIndex += 1 }
                    if stopIndex == end && !atEOF { return .incomplete }
                    scratch.append(contentsOf: UnsafeBufferPointer(start: bytes + index, count: stopIndex - index))
                    fields.append(Field(start: fieldStart, end: scratch.count, inScratch: true))
                    index = stopIndex
                } else {
                    var stopIndex = index
                    while stopIndex < end, !stop[Int(bytes[stopIndex])] { stopIndex += 1 }
                    if stopIndex == end && !atEOF { return .incomplete }
                    fields.append(Field(start: index, end: stopIndex, inScratch: false))
                    index = stopIndex
                }
                if index == end { return .record(next: end, lines: lines) }
                if bytes[index] == separator {
                    index += 1
                    continue
                }
                guard let next = lineEnd(bytes, at: index, end: end, atEOF: atEOF) else { return .incomplete }
                return .record(next: next, lines: lines + 1)
            }
        }
    }

    /// The position after the line break at `index` (`\n`, `\r\n` or `\r`), or `nil` when a
    /// `\r` is the last byte read and the next chunk may hold its `\n`.
    private func lineEnd(_ bytes: UnsafePointer<UInt8>, at index: Int, end: Int, atEOF: Bool) -> Int? {
        if bytes[index] == Self.newline { return index + 1 }
        if index + 1 < end { return bytes[index + 1] == Self.newline ? index + 2 : index + 1 }
        return atEOF ? index + 1 : nil
    }

    /// The number of line breaks in `bytes[from..<to]` (`\r\n` counts once).
    private static func lineBreaks(_ bytes: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        var count = 0
        var index = from
        while index < to {
            if bytes[index] == newline {
                count += 1
            } else if bytes[index] == carriageReturn, index + 1 >= to || bytes[index + 1] != newline {
                count += 1
            }
            index += 1
        }
        return count
    }

    /// The bytes of field `field` of the last record, read by `body`.
    func withFieldBytes<R>(_ field: Field, in bytes: UnsafePointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if field.inScratch {
            return scratch.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[field.start..<field.end])) }
        }
        return body(UnsafeBufferPointer(start: bytes + field.start, count: field.end - field.start))
    }
}
