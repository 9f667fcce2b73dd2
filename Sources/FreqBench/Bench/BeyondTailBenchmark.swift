import Foundation

/// `freqbench bench beyond-tail`: clip-beyond-tail's estimator, FreqBench (a `wordnet` index,
/// then `search text --method beyond-tail`) against the peer's own Python (NLTK 3.8.1)
/// preprocessing and counting loop, on the same captions and concepts in the same run.
///
/// Captions: a corpus (CC3M-val by default) repeated in order to `captions` records, written
/// once as a cc3m TSV that both sides read; the counting uses the first `countCaptions` of them.
/// Concepts: upstream's ImageNet run by default (the 1,000 class names, their synset synonym
/// lists, `--rules imagenet`).
///
/// 1. Preprocessing, processes alternating which goes first: `scripts/beyond_tail_bench.py
///    preprocess` (upstream's per-caption preprocessing, one process, no cache) and `freqbench
///    index text CORPUS --format cc3m --annotator wordnet --out DIR` (`--jobs threads` when set). Ratios of wall times (Python's
///    imports and WordNet loading included, as FreqBench's start and WordNet loading are), and
///    of the Python loop alone to an index build inside this process (annotator loaded).
/// 2. Counting, alternating: `beyond_tail_bench.py count` (upstream's loop over token sets in
///    memory; only the loop is timed) and `freqbench search text --method beyond-tail` (whole
///    process: WordNet, concepts, index, counts file). The counts files must be byte-identical;
///    the token sets of the Python side must equal the `wordnet` annotator's.
public struct BeyondTailBenchmark {
    public struct Configuration {
        public var corpus: URL
        public var corpusFormat: CorpusFormat = .cc3m
        public var captions = 100_000
        /// Captions counted (the first of `captions`); 0: one pass over the corpus.
        public var countCaptions = 0
        public var concepts: URL
        public var synonyms: URL?
        public var rules: String?
        public var repetitions = 3
        /// `index text --jobs` (nil: its default, one worker per core).
        public var threads: Int?
        public var cacheDirectory: URL
        public var python: String
        public var nltkData: String
        public var script: URL
        public var executable: URL

        public init(corpus: URL, concepts: URL, cacheDirectory: URL, python: String, nltkData: String, script: URL, executable: URL) {
            self.corpus = corpus
            self.concepts = concepts
            self.cacheDirectory = cacheDirectory
            self.python = python
            self.nltkData = nltkData
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
            figures.append(Figure(name: name, value: value, unit: unit, detail: detail))
            log("\(name): \(String(format: "%.4g", value)) \(unit)  (\(detail))")
        }
        let cache = c.cacheDirectory
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        let loadBefore = SubstringMatchBenchmark.loadAverage()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let annotator = try WordNetAnnotator(threads: c.threads ?? cores)

        // Inputs.
        let source = try CorpusReader(paths: [c.corpus], options: CorpusOptions(format: c.corpusFormat)).nextBatch(maxCount: Int.max)
        guard !source.isEmpty else { throw FreqBenchError("no captions", file: c.corpus.path) }
        let countCaptions = c.countCaptions > 0 ? c.countCaptions : source.count
        let captions = (0..<max(c.captions, countCaptions)).map { source[$0 % source.count].caption }
        let captionsFile = cache.appendingPathComponent("beyond-tail-captions-\(c.captions).tsv")
        let countFile = cache.appendingPathComponent("beyond-tail-count-captions-\(countCaptions).tsv")
        /// cc3m TSV, `caption<TAB>url`; a caption with a TAB, CR or LF, or starting with `"`, is quoted (csv).
        func writeLines(_ texts: ArraySlice<String>, to url: URL) throws {
            var lines = ""
            for (index, caption) in texts.enumerated() {
                let quoted = caption.first == "\"" || caption.unicodeScalars.contains { $0 == "\t" || $0 == "\n" || $0 == "\r" }
                lines += (quoted ? "\"" + caption.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : caption)
                    + "\thttp://images.invalid/\(index).jpg\n"
            }
            try AtomicFile.write(lines, to: url)
        }
        try writeLines(captions[0..<c.captions], to: captionsFile)
        try writeLines(captions[0..<countCaptions], to: countFile)
        let bytes = captions[0..<c.captions].reduce(0) { $0 + $1.utf8.count }
        let detail = "\(c.captions) captions (\(source.count) of \(c.corpus.lastPathComponent), repeated; "
            + String(format: "%.1f MB", Double(bytes) / 1e6) + ")"
        let python = URL(fileURLWithPath: "/usr/bin/env")
        func pythonArguments(_ arguments: [String]) -> [String] { ["NLTK_DATA=\(c.nltkData)", c.python, c.script.path] + arguments }
        func lastJSONLine(_ log: URL, _ what: String, _ status: Int32) throws -> JSONValue {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            guard status == 0, let line = text.split(separator: "\n").last(where: { $0.hasPrefix("{") }) else {
                throw FreqBenchError("\(what) failed (exit \(status)): \(text.suffix(800))", file: log.path)
            }
            return try JSONParser.parse(String(line))
        }

        // The token sets of the counted captions, from the peer's preprocessing (untimed), and
        // the wordnet index of the same captions.
        let tokensFile = cache.appendingPathComponent("beyond-tail-python-tokens-\(countCaptions).jsonl")
        let tokensLog = cache.appendingPathComponent("beyond-tail-python-tokens.log")
        try? FileManager.default.removeItem(at: tokensLog)
        log("token sets of \(countCaptions) captions (Python, untimed)")
        let made = try ChildProcess.run(python, pythonArguments(["preprocess", countFile.path, "--tokens", tokensFile.path]), log: tokensLog)
        _ = try lastJSONLine(tokensLog, "the peer's preprocessing", made.status)
        let pythonSets = try String(contentsOf: tokensFile, encoding: .utf8).split(separator: "\n").map { line in
            try JSONParser.parse(String(line)).arrayValue?.compactMap(\.stringValue) ?? []
        }
        let ourSets = try annotator.captionTerms(Array(captions[0..<countCaptions]))
        guard pythonSets == ourSets else {
            let first = pythonSets.indices.first { $0 >= ourSets.count || pythonSets[$0] != ourSets[$0] } ?? pythonSets.count
            throw FreqBenchError("the wordnet annotator's token sets differ from NLTK's: first at caption \(first)", file: tokensFile.path)
        }
        let countIndex = cache.appendingPathComponent("beyond-tail-count-\(countCaptions).index")
        try TextIndexer.build(corpus: [countFile], options: CorpusOptions(format: .cc3m), annotators: [annotator], output: countIndex)

        // 1. Preprocessing / index build, processes alternating.
        var pythonWall: [Double] = [], pythonLoop: [Double] = [], pythonLoad: [Double] = [], freqbenchWall: [Double] = []
        let buildIndex = cache.appendingPathComponent("beyond-tail-\(c.captions).index")
        for repetition in 0..<max(1, c.repetitions) {
            for side in repetition % 2 == 0 ? ["python", "freqbench"] : ["freqbench", "python"] {
                log("preprocessing, repetition \(repetition + 1): \(side)")
                let output = cache.appendingPathComponent("beyond-tail-\(side).log")
                try? FileManager.default.removeItem(at: output)
                if side == "python" {
                    let measured = try ChildProcess.run(python, pythonArguments(["preprocess", captionsFile.path]), log: output)
                    let line = try lastJSONLine(output, "the peer's preprocessing", measured.status)
                    pythonWall.append(measured.seconds)
                    pythonLoop.append(line["seconds"]?.doubleValue ?? .nan)
                    pythonLoad.append(line["load_seconds"]?.doubleValue ?? .nan)
                } else {
                    // The command line as a user types it (README), --jobs only when asked for.
                    let jobs = c.threads.map { ["--jobs", String($0)] } ?? []
                    let measured = try ChildProcess.run(c.executable, ["index", "text", captionsFile.path, "--format", "cc3m", "--annotator", "wordnet",
                                                                       "--out", buildIndex.path] + jobs, log: output)
                    guard measured.status == 0 else {
                        throw FreqBenchError("index text failed (exit \(measured.status))", file: output.path)
                    }
                    freqbenchWall.append(measured.seconds)
                }
            }
        }
        let wallRatios = zip(pythonWall, freqbenchWall).map { $0 / $1 }
        record("peer preprocessing / index text --annotator wordnet, process wall time", SubstringMatchBenchmark.median(wallRatios), "×",
               "\(detail); median of \(wallRatios.count) alternating runs, range \(SubstringMatchBenchmark.range(wallRatios)); "
                + "Python (one process) \(SubstringMatchBenchmark.range(pythonWall)) s, of which imports and WordNet \(SubstringMatchBenchmark.range(pythonLoad)) s; "
                + "FreqBench (\(c.threads.map { "--jobs \($0)" } ?? "its defaults")) \(SubstringMatchBenchmark.range(freqbenchWall)) s")
        // The same build inside this process: WordNet loaded, lemma caches as a fresh process has them (empty).
        var inProcess: [Double] = []
        for threads in Set([1, c.threads ?? cores]).sorted() {
            var best = Double.infinity
            for _ in 0..<max(1, c.repetitions) {
                let fresh = WordNetAnnotator(lemmatizer: annotator.lemmatizer, threads: threads)
                let start = ContinuousClock.now
                try TextIndexer.build(corpus: [captionsFile], options: CorpusOptions(format: .cc3m), annotators: [fresh], output: buildIndex,
                                      batchSize: 4000)
                best = min(best, (ContinuousClock.now - start).seconds)
            }
            inProcess.append(best)
            let loop = pythonLoop.min() ?? .nan
            record("peer preprocessing loop / index build in process, \(threads) thread\(threads == 1 ? "" : "s")", loop / best, "×",
                   String(format: "Python loop %.2f s (best; %.0f captions/s), FreqBench read+annotate+index+write %.3f s (best of %d; %.0f captions/s)",
                          loop, Double(c.captions) / loop, best, max(1, c.repetitions), Double(c.captions) / best))
        }

        // 2. Counting, processes alternating.
        var pythonCount: [Double] = [], searchWall: [Double] = []
        let pythonCounts = cache.appendingPathComponent("beyond-tail-python-counts.json")
        let freqbenchCounts = cache.appendingPathComponent("beyond-tail-freqbench-counts.json")
        var conceptArguments = ["--concepts", c.concepts.path]
        if let synonyms = c.synonyms { conceptArguments += ["--synonyms", synonyms.path] }
        if let rules = c.rules { conceptArguments += ["--rules", rules] }
        let names = try ConceptList.read(c.concepts)
        for repetition in 0..<max(1, c.repetitions) {
            for path in [pythonCounts, freqbenchCounts] { try? FileManager.default.removeItem(at: path) }
            for side in repetition % 2 == 0 ? ["python", "freqbench"] : ["freqbench", "python"] {
                log("counting, repetition \(repetition + 1): \(side)")
                let output = cache.appendingPathComponent("beyond-tail-count-\(side).log")
                try? FileManager.default.removeItem(at: output)
                if side == "python" {
                    let measured = try ChildProcess.run(python, pythonArguments(["count", tokensFile.path] + conceptArguments + ["--out", pythonCounts.path]),
                                                        log: output)
                    pythonCount.append(try lastJSONLine(output, "the peer's counting loop", measured.status)["seconds"]?.doubleValue ?? .nan)
                } else {
                    let measured = try ChildProcess.run(c.executable, ["search", "text", countIndex.path, "--method", "beyond-tail"] + conceptArguments
                                                        + ["--out", freqbenchCounts.path], log: output)
                    guard measured.status == 0 else { throw FreqBenchError("search text failed (exit \(measured.status))", file: output.path) }
                    searchWall.append(measured.seconds)
                }
            }
            guard try Data(contentsOf: pythonCounts) == Data(contentsOf: freqbenchCounts) else {
                throw FreqBenchError("FreqBench's counts differ from the peer's loop (compare \(pythonCounts.path) and \(freqbenchCounts.path))")
            }
        }
        let countRatios = zip(pythonCount, searchWall).map { $0 / $1 }
        let conceptsDetail = "\(names.count) concepts of \(c.concepts.lastPathComponent)" + (c.synonyms.map { " with \($0.lastPathComponent)" } ?? "")
            + (c.rules.map { ", rules \($0)" } ?? "") + ", \(countCaptions) captions"
        record("peer counting loop / search text --method beyond-tail, process wall time", SubstringMatchBenchmark.median(countRatios), "×",
               "\(conceptsDetail); median of \(countRatios.count) alternating runs, range \(SubstringMatchBenchmark.range(countRatios)); "
                + "Python loop alone (token sets in memory) \(SubstringMatchBenchmark.range(pythonCount)) s, FreqBench whole process "
                + "\(SubstringMatchBenchmark.range(searchWall)) s; identical counts files")
        // Counting alone, in this process (concepts made, index open).
        let search = try BeyondTailSearch(index: try TextIndex(directory: countIndex))
        let concepts = try BeyondTailConcept.concepts(names: names, synonyms: c.synonyms, rules: c.rules, annotator: annotator)
        var sum = 0
        let time = SubstringMatchBenchmark.best(of: max(3, c.repetitions)) {
            sum = (try? search.counts(concepts).values.reduce(0, +)) ?? -1
        }
        let loop = pythonCount.min() ?? .nan
        record("peer counting loop / counting through the index in process", loop / time.wall, "×",
               String(format: "Python %.2f s (best), FreqBench %.2f ms (best of %d; %.1f µs per concept); sum of counts %d",
                      loop, time.wall * 1000, max(3, c.repetitions), time.wall * 1e6 / Double(max(1, names.count)), sum))

        let loadAfter = SubstringMatchBenchmark.loadAverage()
        record("load average", loadAfter.first ?? .nan, "",
               "1/5/15-minute load \(loadBefore.map { String(format: "%.2f", $0) }.joined(separator: " ")) before, "
                + "\(loadAfter.map { String(format: "%.2f", $0) }.joined(separator: " ")) after; \(ProcessInfo.processInfo.activeProcessorCount) cores")
        return figures
    }
}
