import Foundation

/// `freqbench bench text`: the speed and size of the text index and search, each next to
/// a baseline measured in the same run on the same input.
///
/// - annotate+index captions/s for every registered annotator (spaCy is the baseline);
/// - a synthetic index of `size` captions (real per-caption term sets sampled with
///   replacement, `SyntheticNounsCorpus`): build and merge throughput, bytes per posting
///   (against CRoaring on the same lists), counting all reference concepts with known query
///   terms against upstream's approach (`scripts/bench_text_baseline.py`: a Python dict of
///   sets and `set.intersection`), and a cold process's first query;
/// - the intersection kernel on two random 1M-id lists (against CRoaring).
public struct TextBenchmark {
    public struct Configuration {
        /// Per-caption term sets to sample (nouns JSONL).
        public var nouns: URL
        /// The captions those term sets came from, for annotate+index.
        public var corpus: URL
        public var corpusFormat: CorpusFormat = .cc3m
        /// Captions used to time annotate+index (the first N of `corpus`; default: all of CC3M-val).
        public var annotateCaptions = 15_833
        /// Concept lists (upstream-style JSON objects or text files).
        public var conceptFiles: [URL]
        /// Query word -> query term (the reference query_lemmas.json).
        public var queryLemmas: URL
        public var size = 1_000_000
        public var seed: UInt64 = 0x5EED
        public var cacheDirectory: URL
        public var python = "python3"
        public var baselineScript: URL
        /// The `freqbench` executable, for the cold first query.
        public var executable: URL
        public var repeats = 5

        public init(nouns: URL, corpus: URL, conceptFiles: [URL], queryLemmas: URL, cacheDirectory: URL,
                    baselineScript: URL, executable: URL) {
            self.nouns = nouns
            self.corpus = corpus
            self.conceptFiles = conceptFiles
            self.queryLemmas = queryLemmas
            self.cacheDirectory = cacheDirectory
            self.baselineScript = baselineScript
            self.executable = executable
        }
    }

    /// One measured figure.
    public typealias Figure = BenchmarkFigure

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    /// The order annotators are timed in: `requested` (every one of `registered` when empty,
    /// by name), with `spacy`, the baseline of every ratio, first.
    public static func annotatorOrder(requested: [String], registered: [String]) -> [String] {
        let names = requested.isEmpty ? registered.sorted() : requested
        return names.filter { $0 == "spacy" } + names.filter { $0 != "spacy" }
    }

    /// Runs every measurement; `annotators` are (name, factory) of the annotators to time.
    /// `log` receives each figure as it is measured.
    public func run(annotators: [(name: String, make: () throws -> any Annotator)],
                    log: (Figure) -> Void) throws -> [Figure] {
        var figures: [Figure] = []
        func record(_ name: String, _ value: Double, _ unit: String, _ detail: String = "") {
            let figure = Figure(name: name, value: value, unit: unit, detail: detail)
            figures.append(figure)
            log(figure)
        }
        let config = configuration
        let cache = config.cacheDirectory
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)

        // 1. annotate + index per annotator, on the first captions of the real corpus.
        let sample = cache.appendingPathComponent("annotate-\(config.annotateCaptions).jsonl")
        try writeCaptionSample(to: sample)
        var baselineRate: Double?
        for (name, make) in annotators {
            let peakReset = ProcessMemory.resetPeak()
            let annotator = try make()
            let start = ContinuousClock.now
            let header = try TextIndexer.build(corpus: [sample], options: CorpusOptions(format: .jsonl),
                                               annotators: [annotator], output: cache.appendingPathComponent("annotate-\(name).index"),
                                               batchSize: 4000)
            let rate = Double(header.indexedRecordCount) / (ContinuousClock.now - start).seconds
            if name == "spacy" { baselineRate = rate }
            record("annotate+index \(name)", rate, "captions/s",
                   baselineRate.map { String(format: "%.2f× spacy", rate / $0) } ?? "\(header.indexedRecordCount) captions, \(annotator.identity)")
            if peakReset, let peak = ProcessMemory.peakResidentBytes {
                record("peak memory annotate+index \(name)", Double(peak) / 1_048_576, "MiB",
                       "peak resident set of this process while \(name) annotated (spacy: its workers are other processes)")
            }
        }

        // 2. the synthetic index.
        let synthetic = try SyntheticNounsCorpus(source: config.nouns, size: config.size, seed: config.seed)
        let syntheticFile = cache.appendingPathComponent("synthetic-\(config.size)-seed\(config.seed).jsonl")
        if !FileManager.default.fileExists(atPath: syntheticFile.path) { try synthetic.writeJSONLines(to: syntheticFile) }
        var nameHasher = SHA256()
        nameHasher.update(Data(syntheticFile.lastPathComponent.utf8))
        let corpusDigest = nameHasher.digest()
        let identity = AnnotatorIdentity(name: "reference", version: config.nouns.lastPathComponent)
        let indexURL = cache.appendingPathComponent("synthetic-\(config.size).index")
        var start = ContinuousClock.now
        let builder = TextIndexBuilder()
        for id in 0..<config.size { try builder.add(id: id, terms: synthetic.terms(id)) }
        let header = try builder.write(to: indexURL, recordCount: config.size, shard: .whole, corpusDigest: corpusDigest,
                                       annotator: identity)
        let buildSeconds = (ContinuousClock.now - start).seconds
        record("index build from term sets", Double(header.postingCount) / buildSeconds, "postings/s",
               "\(config.size) captions, \(header.termCount) terms, \(header.postingCount) postings in \(format(buildSeconds)) s")

        // 3. merge of 4 shards.
        var shards: [URL] = []
        for index in 0..<4 {
            let shard = try ShardSpec(index: index, count: 4)
            let shardBuilder = TextIndexBuilder()
            for id in stride(from: index, to: config.size, by: 4) { try shardBuilder.add(id: id, terms: synthetic.terms(id)) }
            let url = cache.appendingPathComponent("synthetic-\(config.size).shard\(index)")
            try shardBuilder.write(to: url, recordCount: config.size, shard: shard, corpusDigest: corpusDigest, annotator: identity)
            shards.append(url)
        }
        let mergedURL = cache.appendingPathComponent("synthetic-\(config.size).merged")
        start = ContinuousClock.now
        try TextIndexMerger.merge(shards, into: mergedURL)
        let mergeSeconds = (ContinuousClock.now - start).seconds
        let identical = try Data(contentsOf: mergedURL.appendingPathComponent(TextIndex.fileName))
            == Data(contentsOf: indexURL.appendingPathComponent(TextIndex.fileName))
        record("merge 4 shards", Double(header.postingCount) / mergeSeconds, "postings/s",
               "\(format(mergeSeconds)) s, byte-identical to the single build: \(identical)")
        for url in shards + [mergedURL] { try? FileManager.default.removeItem(at: url) }

        // 4. size: ours vs CRoaring on the same posting lists.
        let index = try TextIndex(directory: indexURL)
        let postings = Double(header.postingCount)
        record("index bytes per posting", Double(index.fileSize) / postings, "B",
               "whole file \(index.fileSize) B; postings section alone \(format(Double(header.postingsLength) / postings)) B")
        var lists: [[UInt32]] = []
        for position in 0..<index.termCount { lists.append(try index.entry(at: position).postings.decoded()) }
        let roaringBytes = RoaringComparison.serializedBytes(lists)
        record("CRoaring bytes per posting", Double(roaringBytes) / postings, "B",
               "portable serialization after run optimisation, postings only")

        // 5. counting all concepts with known query terms, vs the Python baseline.
        let (concepts, queryTerms) = try conceptsAndTerms()
        let queriesFile = cache.appendingPathComponent("queries.json")
        try JSONWriter().write(.array(queryTerms.map { .array($0.map(JSONValue.string)) }), to: queriesFile)
        let search = TextSearch(index: index)
        // Best of many rounds, before and after the baseline, so that a busy machine
        // penalises neither side more than the other.
        var best = Double.infinity
        var countSum = 0
        func countAll() throws {
            for _ in 0..<max(4 * config.repeats, 1) {
                let roundStart = ContinuousClock.now
                countSum = 0
                for terms in queryTerms { countSum += try search.count(terms: terms) }
                best = min(best, (ContinuousClock.now - roundStart).seconds)
            }
        }
        try countAll()
        let baseline = try runBaseline(nouns: syntheticFile, queries: queriesFile)
        try countAll()
        record("count all concepts", best * 1000, "ms", "\(concepts.count) concepts, sum of counts \(countSum)")
        if let seconds = baseline["count_seconds"]?.doubleValue {
            let pythonSum = baseline["count_sum"]?.intValue ?? -1
            record("count all concepts, Python dict of sets", seconds * 1000, "ms",
                   String(format: "FreqBench is %.1f× faster", seconds / best)
                    + "; same sum of counts: " + (pythonSum == countSum ? "yes" : "NO (\(pythonSum))"))
        }
        if let seconds = baseline["build_seconds"]?.doubleValue {
            record("Python dict-of-sets build", postings / seconds, "postings/s",
                   String(format: "%.1f s (FreqBench build %.1f× faster)", seconds, seconds / buildSeconds))
        }
        record("query latency per concept", best / Double(max(concepts.count, 1)) * 1e6, "µs", "mean over all concepts")

        // 5b. what the checksums cost a query: every list is checked (CRC32C) when a process
        // first reads it, so each round opens the index anew, with and without the checks,
        // alternating; best round of each.
        var firstReadBest = (checked: Double.infinity, unchecked: Double.infinity)
        for round in 0..<max(4 * config.repeats, 2) {
            let checked = round % 2 == 0
            let roundStart = ContinuousClock.now
            let fresh = TextSearch(index: try TextIndex(directory: indexURL, verifyingChecksums: checked))
            var sum = 0
            for terms in queryTerms { sum += try fresh.count(terms: terms) }
            let seconds = (ContinuousClock.now - roundStart).seconds
            guard sum == countSum else { throw FreqBenchError("bench text: counts differ between rounds (\(sum), \(countSum))") }
            if checked { firstReadBest.checked = min(firstReadBest.checked, seconds) } else {
                firstReadBest.unchecked = min(firstReadBest.unchecked, seconds)
            }
        }
        record("count all concepts, first read, checksums checked", firstReadBest.checked * 1000, "ms",
               String(format: "index opened anew; without the checks %.3g ms: the checks cost %+.1f %%",
                      firstReadBest.unchecked * 1000, (firstReadBest.checked / firstReadBest.unchecked - 1) * 100))

        // 6. intersection kernel on two random 1M-id lists, vs CRoaring.
        var generator = SplitMix64(seed: config.seed)
        func randomList() -> [UInt32] {
            var ids = Set<UInt32>()
            while ids.count < 1_000_000 { ids.insert(UInt32(generator.next() % 8_000_000)) }
            return ids.sorted()
        }
        let a = randomList(), b = randomList()
        var output = [UInt32](repeating: 0, count: a.count)
        var kernelBest = Double.infinity
        var kernelCount = 0
        var bitmap: [UInt64] = []
        for _ in 0..<max(config.repeats, 1) {
            start = ContinuousClock.now
            kernelCount = a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    output.withUnsafeMutableBufferPointer { out in
                        out.baseAddress.map { PostingIntersection.intersect(pa, pb, into: $0, bitmap: &bitmap) } ?? 0
                    }
                }
            }
            kernelBest = min(kernelBest, (ContinuousClock.now - start).seconds)
        }
        record("intersection kernel", 2e6 / kernelBest / 1e9, "G postings/s",
               "two 1M-id lists over 8M ids, \(kernelCount) common, \(format(kernelBest * 1000)) ms, one core")
        var encodedA: [UInt8] = [], encodedB: [UInt8] = []
        a.withUnsafeBufferPointer { PostingsCodec.encode($0, into: &encodedA) }
        b.withUnsafeBufferPointer { PostingsCodec.encode($0, into: &encodedB) }
        encodedA += [UInt8](repeating: 0, count: PostingsCodec.readPadding)
        encodedB += [UInt8](repeating: 0, count: PostingsCodec.readPadding)
        var decodedBest = Double.infinity
        try encodedA.withUnsafeBytes { rawA in
            try encodedB.withUnsafeBytes { rawB in
                guard let baseA = rawA.baseAddress, let baseB = rawB.baseAddress else { return }
                let listA = PostingList(count: a.count, bytes: baseA), listB = PostingList(count: b.count, bytes: baseB)
                for _ in 0..<max(config.repeats, 1) {
                    start = ContinuousClock.now
                    _ = try search.intersectionCount([listA, listB])
                    decodedBest = min(decodedBest, (ContinuousClock.now - start).seconds)
                }
            }
        }
        record("decode + intersect (compressed lists)", 2e6 / decodedBest / 1e9, "G postings/s",
               "\(format(decodedBest * 1000)) ms; \(format(Double(encodedA.count + encodedB.count) / 2e6)) B per posting")
        let roaring = RoaringComparison.intersectionSeconds(a, b, repeats: max(config.repeats, 1))
        record("CRoaring and_cardinality", 2e6 / roaring.seconds / 1e9, "G postings/s",
               "\(format(roaring.seconds * 1000)) ms, \(roaring.count) common")

        // 7. a cold process: open the memory-mapped index and answer one query.
        let cold = try coldQuery(index: indexURL)
        record("cold process: open + first query", cold.inProcess * 1000, "ms",
               String(format: "measured inside a fresh process; whole process wall time %.0f ms (dynamic loading of the executable's libraries included)", cold.wall * 1000))
        return figures
    }

    private func writeCaptionSample(to url: URL) throws {
        let reader = try CorpusReader(paths: [configuration.corpus], options: CorpusOptions(format: configuration.corpusFormat))
        var lines = ""
        for record in try reader.nextBatch(maxCount: configuration.annotateCaptions) {
            lines += JSONWriter().string(.object(["caption": .string(record.caption)])) + "\n"
        }
        try AtomicFile.write(lines, to: url)
    }

    private func conceptsAndTerms() throws -> ([String], [[String]]) {
        var concepts: [String] = []
        for file in configuration.conceptFiles { concepts.append(contentsOf: try ConceptList.read(file)) }
        let table = try JSONParser.parse(contentsOf: configuration.queryLemmas)
        var lemmas: [String: String] = [:]
        for (word, lemma) in table.objectValue ?? [:] { lemmas[word] = lemma.stringValue }
        let terms = concepts.map { ConceptQuery.words($0).map { lemmas[$0] ?? $0 } }
        return (concepts, terms)
    }

    private func runBaseline(nouns: URL, queries: URL) throws -> JSONValue {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [configuration.python, configuration.baselineScript.path, nouns.path, queries.path,
                             "--repeat", String(max(configuration.repeats, 1))]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FreqBenchError("baseline script failed with status \(process.terminationStatus)", file: configuration.baselineScript.path)
        }
        return try JSONParser.parse(output, source: configuration.baselineScript.path)
    }

    /// Runs `freqbench search text INDEX --concept dog --method lowercased --timing` and reads
    /// the in-process time it reports on stderr.
    private func coldQuery(index: URL) throws -> (inProcess: Double, wall: Double) {
        let process = Process()
        process.executableURL = configuration.executable
        process.arguments = ["search", "text", index.path, "--concept", "dog", "--method", "lowercased", "--timing"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let start = ContinuousClock.now
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let wall = (ContinuousClock.now - start).seconds
        guard process.terminationStatus == 0,
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("timing: open+first query ") }),
              let milliseconds = Double(line.dropFirst("timing: open+first query ".count).prefix { $0 != " " }) else {
            throw FreqBenchError("cold query process failed: \(text)", file: configuration.executable.path)
        }
        return (milliseconds / 1000, wall)
    }

    private func format(_ value: Double) -> String { String(format: "%.3g", value) }
}
