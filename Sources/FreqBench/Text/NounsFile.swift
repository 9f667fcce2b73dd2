import Foundation

/// The caption terms of a corpus as JSON Lines (`freqbench annotate`): one line per caption,
/// `{"id": 0, "nouns": ["beach", "dog"]}`, byte-identical to Python's `json.dumps` with
/// default separators (the format of the reference `nouns.jsonl`).
public enum NounsFile {
    /// What one `write` did.
    public struct Summary: Sendable {
        /// Captions annotated and written.
        public var records: Int
        /// Bad records skipped by the reader (with `skipBadRecords`).
        public var skippedRecords: Int
        /// The first skipped records' errors.
        public var skipReasons: [FreqBenchError]
    }

    /// One line of the file, without its newline.
    public static func line(id: Int, terms: [String]) -> String {
        JSONWriter().string(.object(["id": .int(id), "nouns": .array(terms.map { .string($0) })]))
    }

    /// Reads every record of `reader`, annotates captions `batchSize` at a time and writes
    /// the lines to `url` (through a temporary file renamed at the end, so a failed run
    /// leaves nothing under `url`).
    public static func write(_ reader: CorpusReader, annotator: any Annotator, batchSize: Int = 4000,
                             to url: URL, progress: ProgressBar? = nil) throws -> Summary {
        let temporary = AtomicFile.temporaryURL(for: url)
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: temporary) else {
            throw FreqBenchError("cannot create output file \(temporary.path): \(String(cString: strerror(errno)))", file: url.path)
        }
        var records = 0
        do {
            defer { try? handle.close() }
            while true {
                let batch = try reader.nextBatch(maxCount: max(1, batchSize))
                if batch.isEmpty { break }
                let terms = try annotator.recordTerms(batch)
                guard terms.count == batch.count else {
                    throw FreqBenchError("annotator \(annotator.identity) returned \(terms.count) term sets for \(batch.count) captions")
                }
                var text = ""
                for (record, recordTerms) in zip(batch, terms) {
                    text += line(id: record.id, terms: recordTerms)
                    text += "\n"
                }
                do { try handle.write(contentsOf: Data(text.utf8)) } catch {
                    throw AtomicFile.wrap(error, "cannot write", file: url)
                }
                records += batch.count
                progress?.advance(by: batch.count)
            }
            do { try handle.synchronize() } catch { throw AtomicFile.wrap(error, "cannot write", file: url) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        do { try AtomicFile.replace(url, with: temporary) } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        progress?.finish()
        return Summary(records: records, skippedRecords: reader.skippedRecords, skipReasons: reader.skipReasons)
    }
}
