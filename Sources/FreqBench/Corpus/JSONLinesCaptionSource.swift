import Foundation

/// Reads the captions of a JSON Lines file: one JSON object per line, the caption in a
/// string field (`captionColumn`, default `caption`). Blank lines are skipped and are
/// not records.
final class JSONLinesCaptionSource: CaptionSource {
    private let reader: ByteChunkReader
    private let field: String
    /// Lines read so far (the last line's number).
    private var line = 0
    /// Find records without decoding them (plans).
    private let countOnly: Bool

    /// Opens `url` (or its byte `range`, which must start at a line: `range` of a plan);
    /// `firstLine` is the line number at the range's start. With `countOnly`, every non-blank
    /// line yields an empty caption without being parsed (plans count records; a bad line
    /// consumes its id all the same).
    init(url: URL, field: String, range: Range<Int>? = nil, firstLine: Int = 1, countOnly: Bool = false, sha256: Bool = true) throws {
        reader = try ByteChunkReader(url: url, range: range, sha256: sha256)
        self.field = field
        self.countOnly = countOnly
        line = firstLine - 1
        try reader.skipByteOrderMark()
    }

    var position: SourcePosition? { SourcePosition(offset: reader.position, line: line + 1) }
    var bytesRead: Int { reader.bytesRead }
    func consumedDigest() throws -> [UInt8] { reader.consumedDigest() }
    func startSegmentDigests() { reader.startSegmentDigests() }
    func takeSegmentDigest() -> [UInt8] { reader.takeSegmentDigest() }

    func next() throws -> SourceRecord? {
        while true {
            // Find the end of the next line.
            var index = reader.start
            while true {
                while index < reader.end, reader.buffer[index] != UInt8(ascii: "\n") { index += 1 }
                if index < reader.end || reader.atEOF { break }
                let consumed = index - reader.start
                guard reader.canGrow else {
                    throw FreqBenchError("line longer than \(reader.maximumRecordBytes) bytes (expected one JSON object per line)",
                                         file: reader.path, location: "line \(line + 1)")
                }
                try reader.refill()
                index = reader.start + consumed
            }
            if reader.start == reader.end && reader.atEOF { return nil }
            line += 1
            let bytes = UnsafeBufferPointer(start: reader.buffer + reader.start, count: index - reader.start)
            reader.start = min(index + 1, reader.end)
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            if countOnly { return .caption("") }
            return record(bytes)
        }
    }

    private func record(_ bytes: UnsafeBufferPointer<UInt8>) -> SourceRecord {
        let location = "line \(line)"
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .bad(FreqBenchError("invalid UTF-8 (expected a UTF-8 JSON object)", file: reader.path, location: location), consumesID: true)
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch let error as FreqBenchError {
            return .bad(FreqBenchError("malformed JSON (expected one JSON object per line): \(error.message)",
                                       file: reader.path, location: location), consumesID: true)
        } catch {
            return .bad(FreqBenchError("malformed JSON (expected one JSON object per line)", file: reader.path, location: location),
                        consumesID: true)
        }
        guard let object = value.objectValue else {
            return .bad(FreqBenchError("expected a JSON object", file: reader.path, location: location), consumesID: true)
        }
        guard let caption = object[field] else {
            return .bad(FreqBenchError("missing caption field \"\(field)\"", file: reader.path, location: location), consumesID: true)
        }
        guard let string = caption.stringValue else {
            return .bad(FreqBenchError("caption field \"\(field)\" is not a string", file: reader.path, location: location), consumesID: true)
        }
        return .caption(string)
    }
}
