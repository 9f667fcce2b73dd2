import Collections
import Foundation
import Testing
@testable import FreqBench

/// Damaged index files: every single-byte change must give a `FreqBenchError` naming the file
/// or exactly the intact index's answers — never a crash (an arithmetic overflow or a failed
/// integer conversion on a value read from the file traps the process).
///
/// Some flips inside the postings still decode to a valid but different list: search does not
/// re-hash the body (`TextIndex.verify()` and `index merge` do), so those give a wrong count
/// without an error. They are counted and printed, bounded by what was measured, and for the
/// text index each one is shown to be caught by `verify()`.
@Suite("Corrupted indexes")
struct CorruptedIndexTests {
    /// What a search answers: the counts it writes, and the matching ids it decodes (for
    /// `--explain`, integrated counts and misalignment).
    struct Answers: Equatable {
        var counts: [String]
        var ids: [String]
    }

    /// How the flipped files behaved.
    struct Tally: CustomStringConvertible {
        var errors = 0
        var intact = 0
        /// Counts differ, no error.
        var wrongCounts = 0
        /// Counts right, but some decoded ids differ, no error.
        var wrongIDsOnly = 0
        var silentlyWrong: Int { wrongCounts + wrongIDsOnly }
        var total: Int { errors + intact + silentlyWrong }
        var description: String {
            "\(total) flips: \(errors) errors, \(intact) intact answers, \(wrongCounts) wrong counts and \(wrongIDsOnly) wrong ids only without an error"
        }
    }

    /// Flips every byte of `file` with each mask in turn and sorts the outcome of `answers`.
    static func flipEveryByte(
        of file: URL, masks: [UInt8] = [0xFF, 0x01], answers: () throws -> Answers,
        silentlyWrong: (_ offset: Int, _ mask: UInt8) throws -> Void = { _, _ in }
    ) throws -> Tally {
        let original = try Data(contentsOf: file)
        let expected = try answers()
        defer { try? original.write(to: file) }
        var tally = Tally()
        for mask in masks {
            for offset in 0..<original.count {
                var bytes = original
                bytes[offset] ^= mask
                try bytes.write(to: file)
                do {
                    let got = try answers()
                    if got == expected {
                        tally.intact += 1
                    } else {
                        if got.counts != expected.counts { tally.wrongCounts += 1 } else { tally.wrongIDsOnly += 1 }
                        try silentlyWrong(offset, mask)
                    }
                } catch let error as FreqBenchError {
                    tally.errors += 1
                    #expect(error.file == file.path, "flip \(mask) at byte \(offset): \(error)")
                }
            }
        }
        return tally
    }

    /// 300 captions over a few words of very different frequencies, so that lists have several
    /// 128-id blocks and counts exercise the merge, bitmap and probe intersections.
    static func captions() -> [String] {
        (0..<300).map { id in
            var words: [String] = []
            if id % 2 == 0 { words.append("dog") }
            if id % 3 == 0 { words.append("cat") }
            if id % 5 == 1 { words.append("red") }
            if id % 37 == 4 { words.append("ball") }
            if id == 150 || id == 299 { words.append("rare") }
            if id >= 200 { words.append("sky") }
            words.append("w\(id % 11)")
            return words.joined(separator: " ")
        }
    }

    static let textConcepts = ["dog", "cat", "dog cat", "red dog", "ball dog", "ball cat red", "rare sky", "sky dog cat",
                               "w3 dog", "w7 sky", "missing", "missing dog", ""]

    static func textAnswers(_ directory: URL) throws -> Answers {
        let search = TextSearch(index: try TextIndex(directory: directory))
        let terms = try TextSearch.queryTerms(for: textConcepts, method: .lowercased, annotator: nil)
        let counts = try search.counts(concepts: textConcepts, queryTerms: terms)
        let ids = try zip(textConcepts, terms).map { "\($0): \(try search.matchingIds(terms: $1, limit: .max))" }
        return Answers(counts: counts.map { "\($0): \($1)" }, ids: ids)
    }

    @Test("every byte of a text index flipped (XOR 0xFF, XOR 0x01): an error naming the file or the intact counts")
    func textIndexByteFlips() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let corpus = directory.appendingPathComponent("captions.tsv")
        try Self.captions().map { "\($0)\thttp://example.invalid/" }.joined(separator: "\n").write(to: corpus, atomically: false, encoding: .utf8)
        let output = directory.appendingPathComponent("index")
        try TextIndexer.build(corpus: [corpus], options: CorpusOptions(format: .cc3m), annotators: [WordAnnotator()], output: output)
        let intact = try Self.textAnswers(output)
        #expect(intact.counts.prefix(8) == ["dog: 150", "cat: 100", "dog cat: 50", "red dog: 30", "ball dog: 4", "ball cat red: 0", "rare sky: 1", "sky dog cat: 16"])
        let file = output.appendingPathComponent(TextIndex.fileName)
        var unverified: [String] = []
        let tally = try Self.flipEveryByte(of: file, answers: { try Self.textAnswers(output) }) { offset, mask in
            // The body digest catches every change that search answers differently.
            do { try TextIndex(directory: output).verify(); unverified.append("\(mask)@\(offset)") } catch is FreqBenchError {}
        }
        print("text index (\(try Data(contentsOf: file).count) bytes): \(tally)")
        #expect(tally.total == 2 * (try Data(contentsOf: file).count))
        #expect(unverified.isEmpty, "flips with a wrong answer that verify() accepts: \(unverified)")
        // Format version 2 gave 234 wrong counts and 54 wrong ids only (flips inside the
        // postings and the term strings that still decode). With version 3's checksums (each
        // posting list, the dictionary and strings, the header) every flip is an error or the
        // intact answer.
        #expect(tally.errors > 0 && tally.silentlyWrong == 0, "\(tally)")
    }

    static let imageThresholds = try! TagThreshold.list(parsing: "0.5,0.6,0.7")

    /// Counts per tag at each threshold (what `search image` writes) and the decoded ids
    /// (what integrated counts and misalignment use).
    static func imageAnswers(_ directory: URL, tags: [String]) throws -> Answers {
        let index = try ImageIndex.open(directory)
        var answers = Answers(counts: [], ids: [])
        for threshold in imageThresholds {
            let search = try ImageSearch(index: index, threshold: threshold)
            answers.counts.append("\(threshold): \(search.counts(concepts: tags))")
            for tag in tags { answers.ids.append("\(threshold) \(tag): \(try search.hits(for: tag) ?? [])") }
        }
        return answers
    }

    @Test("every byte of an image index flipped (XOR 0xFF, XOR 0x01): an error naming the file or the intact counts",
          arguments: [false, true])
    func imageIndexByteFlips(duplicates: Bool) throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tags = ["dog", "cat", "sky", "ball"]
        let rows = 300
        let values: [[Float16]] = (0..<rows).map { row -> [Float16] in
            let dog: Float = row % 2 == 0 ? 0.9 : 0.1
            let cat = Float(row % 10) / 10
            let sky: Float = row >= 200 ? 0.65 : 0.2
            let ball: Float = row % 37 == 4 ? 0.8 : 0
            return [dog, cat, sky, ball].map { Float16($0) }
        }
        var ids = (0..<rows).map { Int64($0 * 3) }
        if duplicates { ids[7] = ids[6] }   // raw lists (repeated ids)
        let url = directory.appendingPathComponent("probs.h5")
        try TagProbabilityFile.write(url, float16: values, ids: ids, tags: tags, chunkRows: 16)
        var builder = ImageIndexBuilder(thresholds: Self.imageThresholds)
        builder.allowDuplicateIDs = duplicates
        let output = directory.appendingPathComponent("index")
        try ImageIndexWriter.write(try builder.build([url]), to: output)
        let intact = try Self.imageAnswers(output, tags: tags)
        #expect(intact.counts[0] == "0.5: [\"dog\": 150, \"cat\": 120, \"sky\": 100, \"ball\": 8]")
        let file = output.appendingPathComponent(ImageIndex.fileName)
        let tally = try Self.flipEveryByte(of: file, answers: { try Self.imageAnswers(output, tags: tags) })
        print("image index\(duplicates ? " with raw lists" : "") (\(try Data(contentsOf: file).count) bytes): \(tally)")
        #expect(tally.total == 2 * (try Data(contentsOf: file).count))
        // Format version 2 had no checksums: 13 wrong counts (flips of tag-name letters in the
        // JSON header) and 874-902 wrong ids (flips inside the postings). Version 3's CRC32Cs
        // (each list; the header and list table together) turn every one into an error.
        #expect(tally.errors > 0 && tally.silentlyWrong == 0, "\(tally)")
    }
}
