import Foundation
import Testing
@testable import FreqBench

/// MetaCLIP's substring matching (`search metaclip`): the fixture against the golden that
/// MetaCLIP's own loop wrote (scripts/metaclip_substr_counts.py), the command line from the
/// outside, and the automaton against a naive implementation of the rule on random inputs.
@Suite("MetaCLIP substring matching")
struct SubstringMatchTests {
    static let fixtures = DataPaths.repositoryRoot.appendingPathComponent("Fixtures/metaclip")
    static let golden = DataPaths.repositoryRoot.appendingPathComponent("Golden/metaclip/counts.json")

    /// MetaCLIP's loop, in Swift: per caption, spacing, then a substring test per entry.
    static func naiveCounts(entries: [String], captions: [String]) -> [Int] {
        let patterns = entries.map(MetaCLIPSpacing.pattern)
        var counts = [Int](repeating: 0, count: entries.count)
        for caption in captions {
            let text = MetaCLIPSpacing.spacedText(caption.utf8)
            for (index, pattern) in patterns.enumerated() where MetaCLIPSpacing.matches(pattern: pattern, spacedText: text) {
                counts[index] += 1
            }
        }
        return counts
    }

    @Test("the fixture's counts equal the golden written by MetaCLIP's own loop, byte for byte, for any thread count and chunk size")
    func fixtureEqualsGolden() throws {
        let list = try ConceptList.read(Self.fixtures.appendingPathComponent("entries.txt"))
        #expect(list.count == 71)
        let goldenText = try String(contentsOf: Self.golden, encoding: .utf8)
        for (threads, chunkSize) in [(1, 1024), (2, 1), (2, 7), (3, 1024)] {
            var counter = try SubstringMatchCounter(concepts: list, threads: threads)
            counter.chunkSize = chunkSize
            let reader = try CorpusReader(paths: [Self.fixtures.appendingPathComponent("captions.jsonl")], options: CorpusOptions(format: .jsonl))
            let result = try counter.count(reader, batchSize: 50)
            #expect(result.records == 467)
            let counts = result.counts(of: list)
            #expect(TextSearchOutput.string(counts) == goldenText, "threads \(threads), chunk \(chunkSize)")
        }
    }

    @Test("the golden holds what the rules say (a check on the oracle's output, case by case)")
    func goldenSpotChecks() throws {
        let golden = try JSONParser.parse(contentsOf: Self.golden)
        func count(_ key: String) -> Int? { golden[key]?.intValue }
        // Entries whose wrapped characters are not between single spaces never match.
        for never in ["St. Louis", "e.g.", "e.g", "3.14", "? !", "x,y", "...", "`dog`", "10:30", "hot\tdog"] {
            #expect(count(never) == 0, "\(never)")
        }
        // ...and spaced forms do: "3.14" spaces to " 3 . 14 ", "?!" to " ?  ! ".
        #expect(count("3 . 14") == 1)
        #expect(count("?  !") == 1)
        #expect((count("") ?? 0) > 0)  // "  ": every caption with a wrapped character, TAB, CR, LF or two spaces
        #expect(count("DOG") == 1)
    }

    @Test("freqbench search metaclip CORPUS --format jsonl --concepts FILE --out COUNTS.json writes the golden's bytes; --concept prints; --explain shows captions")
    func commandLine() throws {
        let binary = try ClusterRunTests.executable()
        let directory = try TemporaryDirectory.make()
        let output = directory.appendingPathComponent("counts.json")
        let corpus = Self.fixtures.appendingPathComponent("captions.jsonl").path
        let run = try Self.run(binary, ["search", "metaclip", corpus, "--format", "jsonl",
                                        "--concepts", Self.fixtures.appendingPathComponent("entries.txt").path, "--out", output.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Data(contentsOf: output) == (try Data(contentsOf: Self.golden)))

        let printed = try Self.run(binary, ["search", "metaclip", corpus, "--format", "jsonl", "--concept", "hot dog", "--concept", "DOG"])
        #expect(printed.status == 0)
        #expect(printed.stdout == "{\n    \"hot dog\": 7,\n    \"DOG\": 1\n}\n")

        let explained = try Self.run(binary, ["search", "metaclip", corpus, "--format", "jsonl", "--explain", "DOG", "--explain", "St. Louis"])
        #expect(explained.status == 0)
        #expect(explained.stderr.contains("count: 1"))
        #expect(explained.stderr.contains("  30\t\"DOG\"\t\" DOG \""))
        #expect(explained.stderr.contains("never matches"))

        let missing = try Self.run(binary, ["search", "metaclip", corpus, "--format", "jsonl"])
        #expect(missing.status != 0)
    }

    static func run(_ binary: URL, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }

    @Test("random captions and entries over an alphabet with every wrapped character: automaton counts equal MetaCLIP's loop")
    func automatonEqualsNaiveLoop() throws {
        // Short words so that entries often match; every character the rule treats specially,
        // whitespace it does not, and multi-byte UTF-8.
        let pieces = ["a", "b", "ab", "ba", "A", " ", " ", "  ", ",", ".", ";", ":", "?", "!", "`", "\t", "\n", "\r", "\r\n",
                      "\u{0B}", "\u{A0}", "é", "e\u{301}", "東", "🍣", "-", "'", "\""]
        var generator = SplitMix64(seed: 0x4D45_5441)
        func text(maximum: Int) -> String {
            var result = ""
            for _ in 0..<Int(generator.next() % UInt64(maximum + 1)) { result += pieces[Int(generator.next() % UInt64(pieces.count))] }
            return result
        }
        var totalMatches = 0
        for round in 0..<60 {
            let entries = (0..<(1 + round % 40)).map { _ in text(maximum: 4) }
            let captions = (0..<200).map { _ in text(maximum: 14) }
            let expected = Self.naiveCounts(entries: entries, captions: captions)
            var counter = try SubstringMatchCounter(concepts: entries, threads: 1 + round % 2)
            counter.chunkSize = 1 + round % 50
            let distinct = counter.concepts
            let got = counter.count(captions: captions)
            let naiveDistinct = Self.naiveCounts(entries: distinct, captions: captions)
            #expect(got == naiveDistinct, "round \(round): entries \(distinct)")
            // Repeated entries get the same count as their first occurrence.
            for (index, entry) in entries.enumerated() {
                if let position = distinct.firstIndex(where: { Array($0.utf8) == Array(entry.utf8) }) {
                    #expect(expected[index] == got[position])
                }
            }
            // Per caption, the automaton's match set is the loop's.
            for caption in captions.prefix(20) {
                let text = MetaCLIPSpacing.spacedText(caption.utf8)
                let naive = distinct.indices.filter { MetaCLIPSpacing.matches(pattern: MetaCLIPSpacing.pattern(distinct[$0]), spacedText: text) }
                #expect(counter.automaton.matches(in: caption) == naive, "caption \(Array(caption.utf8))")
            }
            totalMatches += got.reduce(0, +)
        }
        #expect(totalMatches > 10_000)  // the random inputs do match, often
    }

    @Test("an entry never matches exactly when neverMatchesReason says so: otherwise a caption made from its pattern matches it")
    func neverMatchesReasonIsExact() throws {
        let pieces = ["a", "b", " ", ",", ".", "?", "!", "`", ";", ":", "\t", "é"]
        var generator = SplitMix64(seed: 7)
        var never = 0, always = 0
        for _ in 0..<3000 {
            var entry = ""
            for _ in 0..<Int(generator.next() % 6) { entry += pieces[Int(generator.next() % UInt64(pieces.count))] }
            let pattern = MetaCLIPSpacing.pattern(entry)
            // The caption whose spacing gives back the pattern: every " p " (p wrapped) becomes p.
            var witness: [UInt8] = []
            var index = 0
            while index < pattern.count {
                if index + 2 < pattern.count, pattern[index] == 0x20, MetaCLIPSpacing.wrapped.contains(pattern[index + 1]),
                   pattern[index + 2] == 0x20 {
                    witness.append(pattern[index + 1])
                    index += 3
                } else {
                    witness.append(pattern[index])
                    index += 1
                }
            }
            let caption = String(decoding: witness, as: UTF8.self)
            let matched = MetaCLIPSpacing.matches(pattern: pattern, spacedText: MetaCLIPSpacing.spacedText(caption.utf8))
            if let reason = MetaCLIPSpacing.neverMatchesReason(entry) {
                never += 1
                #expect(!matched, "\(Array(entry.utf8)): \(reason)")
                // Nor in any of these captions.
                let automaton = try SubstringMatchAutomaton(entries: [entry])
                #expect(automaton.matches(in: caption).isEmpty)
            } else {
                always += 1
                #expect(matched, "\(Array(entry.utf8)) should match \(Array(caption.utf8))")
            }
        }
        #expect(never > 300 && always > 300)
    }

    @Test("entries are matched as UTF-8 bytes: NFC and NFD spellings of café are different entries, as in Python")
    func unicodeIsMatchedByCodePoints() throws {
        let counter = try SubstringMatchCounter(concepts: ["caf\u{E9}", "cafe\u{301}", "café"], threads: 1)
        #expect(counter.concepts.count == 2)  // the third is the first's repeat (same code points)
        #expect(counter.count(captions: ["un caf\u{E9}.", "un cafe\u{301}.", "un cafe\u{301}, un caf\u{E9}"]) == [2, 2])
        #expect(counter.automaton.matches(in: "cafe\u{301}") == [1])
    }

    @Test("an entry found many times in a caption counts once, also across the 2^32 generation wrap of a tally")
    func repeatsCountOnce() throws {
        let automaton = try SubstringMatchAutomaton(entries: ["dog", "hot dog", "dog dog"])
        let tally = SubstringMatchTally(entryCount: 3)
        tally.generation = UInt32.max - 1
        for caption in ["dog dog dog, hot dog", "dog", "hot dog dog", "cat"] {
            var text = caption
            text.withUTF8 { bytes in automaton.withScanner { $0.tally(bytes, into: tally) } }
        }
        #expect(tally.generation == 3)  // four captions: max - 1 -> max -> (wrap) 1 -> 2 -> 3
        var total = [0, 0, 0]
        tally.add(to: &total)
        #expect(total == [3, 2, 2])
    }

    @Test("a large entry set: 20,000 random entries agree with the loop on every caption")
    func largeEntrySet() throws {
        var generator = SplitMix64(seed: 99)
        let letters = Array("abcdefghij .,é")
        var entries: [String] = []
        for _ in 0..<20_000 {
            var entry = ""
            for _ in 0..<(1 + Int(generator.next() % 8)) { entry.append(letters[Int(generator.next() % UInt64(letters.count))]) }
            entries.append(entry)
        }
        let captions = (0..<150).map { _ -> String in
            var caption = ""
            for _ in 0..<Int(generator.next() % 60) { caption.append(letters[Int(generator.next() % UInt64(letters.count))]) }
            return caption
        }
        let counter = try SubstringMatchCounter(concepts: entries, threads: 2)
        #expect(counter.count(captions: captions) == Self.naiveCounts(entries: counter.concepts, captions: captions))
        #expect(counter.automaton.stateCount > 20_000)
    }
}
