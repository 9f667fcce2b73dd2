import Foundation

/// Reads `freqbench annotate` output (the format of the reference `nouns.jsonl`): one
/// `{"id": N, "nouns": [terms]}` object per line, streamed.
public final class AnnotationsReader {
    public let url: URL
    /// The number of the line last returned (1-based).
    public private(set) var lineNumber = 0
    private let handle: FileHandle
    private var pending: [UInt8] = []
    private var start = 0
    private var atEnd = false

    public init(url: URL) throws {
        self.url = url
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw FreqBenchError("cannot open annotations file", file: url.path)
        }
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// The next record's id and terms, or nil at the end. Blank lines are errors.
    public func next() throws -> (id: Int, terms: [String])? {
        guard let line = try nextLine() else { return nil }
        lineNumber += 1
        func fail(_ message: String) -> FreqBenchError {
            FreqBenchError(message, file: url.path, location: "line \(lineNumber)")
        }
        let value: JSONValue
        do { value = try JSONParser.parse(Data(line)) } catch {
            throw fail("expected a JSON object {\"id\": N, \"nouns\": [...]}: \(error)")
        }
        guard let id = value["id"]?.intValue, let nouns = value["nouns"]?.arrayValue else {
            throw fail("expected a JSON object {\"id\": N, \"nouns\": [...]}")
        }
        var terms: [String] = []
        terms.reserveCapacity(nouns.count)
        for noun in nouns {
            guard let term = noun.stringValue else { throw fail("expected \"nouns\" to hold strings") }
            terms.append(term)
        }
        return (id, terms)
    }

    private func nextLine() throws -> ArraySlice<UInt8>? {
        while true {
            if let newline = pending[start...].firstIndex(of: 0x0A) {
                let line = pending[start..<newline]
                start = newline + 1
                return line
            }
            if atEnd {
                guard start < pending.count else { return nil }
                let line = pending[start...]
                start = pending.count
                return line
            }
            pending.removeFirst(start)
            start = 0
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { atEnd = true } else { pending.append(contentsOf: chunk) }
        }
    }
}
