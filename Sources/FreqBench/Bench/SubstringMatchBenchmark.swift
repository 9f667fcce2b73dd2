import Foundation

/// `freqbench bench metaclip`: MetaCLIP substring-matching counts, FreqBench against MetaCLIP's
/// own loop, on the same captions and entries in the same run.
///
/// Captions: a corpus (CC3M-val by default) read by `CorpusReader`, repeated in order to
/// `captions` records, written once as JSON Lines (`{"caption": ...}`) that both sides read.
/// Entries: the 3,811 names of `DefaultConceptList`, then the most frequent space-separated
/// tokens of the spaced captions (count descending, then bytes) up to `entries`.
///
/// - Processes, alternating which goes first: `scripts/metaclip_substr_counts.py` (MetaCLIP's
///   `substr_matching` per caption, Python, one process) and `freqbench search metaclip`
///   (`--threads` cores). Both write their counts; the files must be byte-identical. Ratios of
///   wall times, and of the Python loop's own time to FreqBench's counting pass (reading the
///   JSON Lines included, automaton build excluded).
/// - In this process, on the captions in memory: counting MB/s of caption bytes on one thread,
///   and on all threads, best of `repetitions`.
/// - Optionally, `largeEntries` synthetic MetaCLIP-like entries (pseudo-words, 1–4 words,
///   some capitalised, some non-ASCII): build time, states, memory, one-thread MB/s.
public struct SubstringMatchBenchmark {
    public struct Configuration {
        public var corpus: URL
        public var corpusFormat: CorpusFormat = .cc3m
        public var captions = 200_000
        public var entries = 5_000
        public var repetitions = 3
        public var largeEntries = 0
        /// Run the process comparison with MetaCLIP's loop (off: only the in-process figures).
        public var baseline = true
        public var threads = ProcessInfo.processInfo.activeProcessorCount
        public var cacheDirectory: URL
        public var python = "python3"
        public var script: URL
        public var executable: URL

        public init(corpus: URL, cacheDirectory: URL, script: URL, executable: URL) {
            self.corpus = corpus
            self.cacheDirectory = cacheDirectory
            self.script = script
            self.executable = executable
        }
    }

    public typealias Figure = BenchmarkFigure

    public let configuration: Configuration
    public init(configuration: Configuration) { self.configuration = configuration }

    public func run(log: (String) -> Void = { _ in }) throws -> [Figure] {
        let c = configuration
        var figures: [Figure] = []
        func record(_ name: String, _ value: Double, _ unit: String, _ detail: String) {
            let figure = Figure(name: name, value: value, unit: unit, detail: detail)
            figures.append(figure)
            log("\(name): \(String(format: "%.4g", value)) \(unit)  (\(detail))")
        }
        try FileManager.default.createDirectory(at: c.cacheDirectory, withIntermediateDirectories: true)
        let loadBefore = Self.loadAverage()

        // Inputs.
        let source = try CorpusReader(paths: [c.corpus], options: CorpusOptions(format: c.corpusFormat)).nextBatch(maxCount: Int.max)
        guard !source.isEmpty else { throw FreqBenchError("no captions", file: c.corpus.path) }
        let captions = (0..<c.captions).map { source[$0 % source.count].caption }
        let records = captions.enumerated().map { CorpusRecord(id: $0.offset, caption: $0.element) }
        let bytes = captions.reduce(0) { $0 + $1.utf8.count }
        let entries = try Self.entries(count: c.entries, captions: source.map(\.caption))
        let captionsFile = c.cacheDirectory.appendingPathComponent("metaclip-captions-\(c.captions).jsonl")
        let entriesFile = c.cacheDirectory.appendingPathComponent("metaclip-entries-\(c.entries).txt")
        if c.baseline {
            var lines = ""
            for caption in captions { lines += JSONWriter().string(.object(["caption": .string(caption)])) + "\n" }
            try AtomicFile.write(lines, to: captionsFile)
            try AtomicFile.write(entries.map { JSONWriter().string(.string($0)) + "\n" }.joined(), to: entriesFile)
        }
        let detail = "\(c.captions) captions (\(source.count) of \(c.corpus.lastPathComponent), repeated; "
            + String(format: "%.1f MB", Double(bytes) / 1e6) + "), \(entries.count) entries"

        // 1. Processes, alternating.
        var pythonWall: [Double] = [], pythonLoop: [Double] = [], freqbenchWall: [Double] = [], freqbenchCount: [Double] = []
        for repetition in 0..<(c.baseline ? max(1, c.repetitions) : 0) {
            let pythonCounts = c.cacheDirectory.appendingPathComponent("metaclip-python-counts.json")
            let freqbenchCounts = c.cacheDirectory.appendingPathComponent("metaclip-freqbench-counts.json")
            for path in [pythonCounts, freqbenchCounts] { try? FileManager.default.removeItem(at: path) }
            let sides = repetition % 2 == 0 ? ["python", "freqbench"] : ["freqbench", "python"]
            for side in sides {
                log("repetition \(repetition + 1): \(side)")
                let output = c.cacheDirectory.appendingPathComponent("metaclip-\(side).log")
                try? FileManager.default.removeItem(at: output)
                if side == "python" {
                    let measured = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"),
                                                        [c.python, c.script.path, captionsFile.path, entriesFile.path,
                                                         "--out", pythonCounts.path, "--timing"], log: output)
                    let text = try String(contentsOf: output, encoding: .utf8)
                    guard measured.status == 0, let line = text.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
                          let seconds = try JSONParser.parse(String(line))["seconds"]?.doubleValue else {
                        throw FreqBenchError("the MetaCLIP loop failed (exit \(measured.status)): \(text.suffix(500))", file: c.script.path)
                    }
                    pythonWall.append(measured.seconds)
                    pythonLoop.append(seconds)
                } else {
                    let measured = try ChildProcess.run(c.executable, ["search", "metaclip", captionsFile.path, "--format", "jsonl",
                                                                       "--concepts", entriesFile.path, "--out", freqbenchCounts.path,
                                                                       "--threads", String(c.threads), "--stats"], log: output)
                    let text = try String(contentsOf: output, encoding: .utf8)
                    guard measured.status == 0, let line = text.split(separator: "\n").last(where: { $0.hasPrefix("stats: ") }) else {
                        throw FreqBenchError("search metaclip failed (exit \(measured.status)): \(text.suffix(500))", file: output.path)
                    }
                    let stats = try JSONParser.parse(String(line.dropFirst("stats: ".count)))
                    freqbenchWall.append(measured.seconds)
                    freqbenchCount.append(stats["count_seconds"]?.doubleValue ?? .nan)
                }
            }
            guard try Data(contentsOf: pythonCounts) == Data(contentsOf: freqbenchCounts) else {
                throw FreqBenchError("FreqBench's counts differ from MetaCLIP's loop (compare \(pythonCounts.path) and \(freqbenchCounts.path))")
            }
        }
        if c.baseline {
            let wallRatios = zip(pythonWall, freqbenchWall).map { $0 / $1 }
            let loopRatios = zip(pythonLoop, freqbenchCount).map { $0 / $1 }
            record("MetaCLIP loop / search metaclip, process wall time", Self.median(wallRatios), "×",
                   "\(detail); median of \(wallRatios.count) alternating runs, range \(Self.range(wallRatios)); Python \(Self.range(pythonWall)) s, "
                    + "FreqBench (\(c.threads) threads) \(Self.range(freqbenchWall)) s; identical counts files")
            record("MetaCLIP loop / search metaclip, counting only", Self.median(loopRatios), "×",
                   "range \(Self.range(loopRatios)); Python loop \(Self.range(pythonLoop)) s, FreqBench read+count \(Self.range(freqbenchCount)) s")
        }

        // 2. In-process throughput on the captions in memory.
        let runs = max(3, c.repetitions)
        let buildStart = ContinuousClock.now
        let built = try SubstringMatchCounter(concepts: entries, threads: 1)
        let buildSeconds = (ContinuousClock.now - buildStart).seconds
        record("automaton, \(entries.count) entries", Double(built.automaton.memoryBytes) / 1_048_576, "MiB",
               "\(built.automaton.stateCount) states in \(built.automaton.cellCount) cells, \(built.automaton.classCount) byte classes, "
                + String(format: "built in %.1f ms", buildSeconds * 1000))
        for threads in Set([1, c.threads]).sorted() {
            var counter = built
            counter.threads = threads
            let time = Self.best(of: runs) { _ = counter.count(records: records) }
            let rate = Double(bytes) / time.wall / 1e6
            record("counting, \(threads) thread\(threads == 1 ? "" : "s"), per CPU second", Double(bytes) / time.cpu / 1e6, "MB/s per core",
                   String(format: "wall: %.0f MB/s in all (%.0f per thread), %.1f M captions/s; best of %d; ", rate, rate / Double(threads),
                          Double(captions.count) / time.wall / 1e6, runs) + "\(entries.count) entries")
        }

        // 3. A MetaCLIP-sized entry set.
        if c.largeEntries > 0 {
            let large = Self.syntheticEntries(count: c.largeEntries)
            let largeBytes = large.reduce(0) { $0 + $1.utf8.count }
            let resident = ProcessMemory.residentBytes ?? 0
            let peakReset = ProcessMemory.resetPeak()
            let start = ContinuousClock.now
            let counter = try SubstringMatchCounter(concepts: large, threads: 1)
            let buildSeconds = (ContinuousClock.now - start).seconds
            let peak = peakReset ? (ProcessMemory.peakResidentBytes ?? 0) - resident : 0
            let automaton = counter.automaton
            record("automaton, \(large.count) synthetic entries", Double(automaton.memoryBytes) / 1_048_576, "MiB",
                   "\(automaton.stateCount) states in \(automaton.cellCount) cells (\(String(format: "%.1f", 100 * Double(automaton.stateCount) / Double(automaton.cellCount))) % used), "
                    + "\(automaton.classCount) byte classes, \(String(format: "%.1f", Double(largeBytes) / Double(large.count))) bytes per entry; "
                    + String(format: "built in %.2f s; peak resident memory during the build +%.0f MiB", buildSeconds,
                             Double(peak) / 1_048_576))
            var sum = 0
            let time = Self.best(of: runs) { sum = counter.count(records: records).reduce(0, +) }
            record("counting with \(large.count) synthetic entries, 1 thread, per CPU second", Double(bytes) / time.cpu / 1e6, "MB/s per core",
                   String(format: "wall: %.0f MB/s; best of %d; ", Double(bytes) / time.wall / 1e6, runs) + "\(sum) (entry, caption) matches")
        }
        let loadAfter = Self.loadAverage()
        record("load average", loadAfter.first ?? .nan, "",
               "1/5/15-minute load \(loadBefore.map { String(format: "%.2f", $0) }.joined(separator: " ")) before, "
                + "\(loadAfter.map { String(format: "%.2f", $0) }.joined(separator: " ")) after; \(ProcessInfo.processInfo.activeProcessorCount) cores")
        return figures
    }

    /// `DefaultConceptList` names, then the most frequent tokens of the spaced captions, to `count`.
    static func entries(count: Int, captions: [String]) throws -> [String] {
        var result: [String] = []
        var seen = Set<[UInt8]>()
        for name in try DefaultConceptList.names() where result.count < count && seen.insert(Array(name.utf8)).inserted {
            result.append(name)
        }
        var frequency: [[UInt8]: Int] = [:]
        for caption in captions {
            for token in MetaCLIPSpacing.spacedText(caption.utf8).split(separator: MetaCLIPSpacing.space) { frequency[Array(token), default: 0] += 1 }
        }
        let words = frequency.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.lexicographicallyPrecedes($1.key) }
        for (word, _) in words where result.count < count && seen.insert(word).inserted {
            result.append(String(decoding: word, as: UTF8.self))
        }
        return result
    }

    /// Distinct pseudo-entries shaped like MetaCLIP's metadata (WordNet synsets, Wikipedia
    /// unigrams, bigrams and titles): 1–4 words of 1–4 syllables, a third capitalised, one in
    /// twenty with a non-ASCII letter. Deterministic.
    static func syntheticEntries(count: Int) -> [String] {
        let onsets = ["", "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "st", "tr", "ch", "sh", "br", "pl"]
        let vowels = ["a", "e", "i", "o", "u", "ea", "ou", "io"]
        let codas = ["", "", "n", "r", "s", "t", "l", "m", "nd", "ck"]
        let foreign = ["é", "ü", "ñ", "ø", "ç", "東", "京", "ō"]
        var generator = SplitMix64(seed: 0x3E7A)
        func pick(_ list: [String]) -> String { list[Int(generator.next() % UInt64(list.count))] }
        var seen = Set<String>()
        var result: [String] = []
        while result.count < count {
            let roll = generator.next() % 100
            let words = roll < 60 ? 1 : roll < 85 ? 2 : roll < 95 ? 3 : 4
            var parts: [String] = []
            for _ in 0..<words {
                var word = ""
                for _ in 0..<(1 + Int(generator.next() % 4)) { word += pick(onsets) + pick(vowels) + pick(codas) }
                if generator.next() % 20 == 0 { word += pick(foreign) }
                if generator.next() % 3 == 0 { word = word.prefix(1).uppercased() + word.dropFirst() }
                parts.append(word)
            }
            let entry = parts.joined(separator: " ")
            if seen.insert(entry).inserted { result.append(entry) }
        }
        return result
    }

    /// The best wall time and the best CPU time (user + system, all threads of this process)
    /// of `repetitions` runs of `body`.
    static func best(of repetitions: Int, _ body: () -> Void) -> (wall: Double, cpu: Double) {
        var wall = Double.infinity, cpu = Double.infinity
        for _ in 0..<repetitions {
            let cpuStart = processCPUSeconds()
            let start = ContinuousClock.now
            body()
            wall = min(wall, (ContinuousClock.now - start).seconds)
            cpu = min(cpu, processCPUSeconds() - cpuStart)
        }
        return (wall, cpu)
    }

    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
    }

    static func loadAverage() -> [Double] {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return [] }
        return text.split(separator: " ").prefix(3).compactMap { Double($0) }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    }

    static func range(_ values: [Double]) -> String {
        String(format: "%.3g–%.3g", values.min() ?? .nan, values.max() ?? .nan)
    }
}
