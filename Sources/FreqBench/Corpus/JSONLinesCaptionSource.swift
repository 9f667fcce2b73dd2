import Foundation

/// Reads the captions of a JSON Lines file: one JSON object per line, the caption in a
/// string field (`captionColumn`, default `caption`). Blank lines are skipped and are
/// not records.
final class JSONLinesCaptionSource: CaptionSource {
    private let reader: ByteChunkReader
    private let field: String
    private var line = 0

    init(url: URL, field: String) throws {
        reader = try ByteChunkReader(url: url)
        self.field = field
        try reader.skipByteOrderMark()
    }

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
