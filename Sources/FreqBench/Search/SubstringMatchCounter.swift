import Collections
import Foundation

/// MetaCLIP's substring-matching frequency estimator: for each concept (a MetaCLIP "entry"),
/// the number of captions whose spaced text (`MetaCLIPSpacing`) contains `" " + concept + " "`,
/// each caption counted at most once per concept — the entry counts MetaCLIP's curation
/// computes (`metaclip1/substr_matching.py` per caption, then one count per (entry, caption)
/// pair, as `indexing/entry_count.py` and `balancing.py` sum them).
///
/// All concepts are found in one streaming pass: the corpus is read in batches one batch ahead
/// (`PrefetchingBatchReader`), each batch is cut into chunks of captions that `threads` workers
/// take in turn, and every worker runs `SubstringMatchAutomaton` into its own
/// `SubstringMatchTally`; the tallies are summed at the end, so the counts do not depend on the
/// thread count or the batch size.
///
/// ```swift
/// let counter = try SubstringMatchCounter(concepts: ["dog", "hot dog"])
/// let counts = try counter.count(try CorpusReader(paths: [url], options: CorpusOptions(format: .cc3m)))
/// print(counts.counts(of: ["dog", "hot dog"]))
/// ```
public struct SubstringMatchCounter: Sendable {
    /// A caption shown by `--explain`.
    public struct Sample: Sendable, Equatable {
        public var id: Int
        public var caption: String
    }

    /// What a pass over a corpus found.
    public struct Counts: Sendable {
        /// The distinct concepts, in first-occurrence order, and their counts.
        public var concepts: [String]
        public var values: [Int]
        /// The first matching captions (in corpus order) of each watched concept.
        public var samples: [String: [Sample]]
        /// Records counted, and the UTF-8 bytes of their captions.
        public var records: Int
        public var captionBytes: Int
        /// Bad records skipped (only with `skipBadRecords`), and the first reasons.
        public var skippedRecords: Int
        public var skipReasons: [FreqBenchError]

        /// Concept -> count for `list`, in its order (a repeated concept keeps its first
        /// position, as a Python dict does); concepts never counted are 0. Concepts are told
        /// apart by their UTF-8 bytes, but the result's keys are Swift strings: of two
        /// canonically equivalent names (NFC and NFD spellings) only the first is kept.
        public func counts(of list: [String]) -> OrderedDictionary<String, Int> {
            var index: [[UInt8]: Int] = [:]
            for (position, concept) in concepts.enumerated() { index[Array(concept.utf8)] = position }
            var result = OrderedDictionary<String, Int>()
            for concept in list where result[concept] == nil {
                result[concept] = index[Array(concept.utf8)].map { values[$0] } ?? 0
            }
            return result
        }
    }

    /// The distinct concepts, in first-occurrence order (automaton entry ids are positions here).
    public let concepts: [String]
    public let automaton: SubstringMatchAutomaton
    /// Worker threads (default: one per core).
    public var threads: Int
    /// Captions a worker takes at a time.
    public var chunkSize = 1024

    /// Builds the automaton for `concepts` (repeats are counted once).
    public init(concepts: [String], threads: Int? = nil) throws {
        // Compare as bytes: Swift String equality is canonical equivalence, MetaCLIP's is code points.
        var seen = Set<[UInt8]>()
        var distinct: [String] = []
        for concept in concepts where seen.insert(Array(concept.utf8)).inserted { distinct.append(concept) }
        self.concepts = distinct
        automaton = try SubstringMatchAutomaton(entries: distinct)
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Counts every concept over the records of `reader`. `watched` concepts (which must be
    /// among the counter's) keep their first `sampleCount` matching captions.
    public func count(_ reader: CorpusReader, watched: [String] = [], sampleCount: Int = 10, batchSize: Int = 65_536,
                      progress: ProgressBar? = nil) throws -> Counts {
        let watchedIDs = try watchedEntries(watched)
        let tallies = (0..<threads).map { _ in SubstringMatchTally(entryCount: concepts.count) }
        var samples = [[Sample]](repeating: [], count: watchedIDs.count)
        var records = 0
        var bytes = 0
        let batches = PrefetchingBatchReader(reader: reader, batchSize: batchSize)
        defer { batches.cancel() }
        while true {
            let batch = try batches.next()
            if batch.isEmpty { break }
            records += batch.count
            for record in batch { bytes += record.caption.utf8.count }
            process(batch, tallies: tallies, watched: watchedIDs, sampleCount: sampleCount, samples: &samples)
            progress?.advance(by: batch.count)
        }
        progress?.finish()
        var values = [Int](repeating: 0, count: concepts.count)
        for tally in tallies { tally.add(to: &values) }
        var named: [String: [Sample]] = [:]
        for (position, entry) in watchedIDs.enumerated() { named[concepts[entry]] = samples[position] }
        return Counts(concepts: concepts, values: values, samples: named, records: records, captionBytes: bytes,
                      skippedRecords: batches.skippedRecords, skipReasons: batches.skipReasons)
    }

    /// Counts every concept over captions in memory (per distinct concept, in `concepts` order).
    public func count(captions: [String]) -> [Int] {
        count(records: captions.enumerated().map { CorpusRecord(id: $0.offset, caption: $0.element) })
    }

    /// Counts every concept over records in memory (per distinct concept, in `concepts` order).
    public func count(records: [CorpusRecord]) -> [Int] {
        let tallies = (0..<threads).map { _ in SubstringMatchTally(entryCount: concepts.count) }
        var samples: [[Sample]] = []
        process(records, tallies: tallies, watched: [], sampleCount: 0, samples: &samples)
        var values = [Int](repeating: 0, count: concepts.count)
        for tally in tallies { tally.add(to: &values) }
        return values
    }

    private func watchedEntries(_ watched: [String]) throws -> [Int] {
        var position: [[UInt8]: Int] = [:]
        for (index, concept) in concepts.enumerated() { position[Array(concept.utf8)] = index }
        return try watched.map { name in
            guard let index = position[Array(name.utf8)] else {
                throw FreqBenchError("internal: concept \(JSONWriter().string(.string(name))) is watched but not counted")
            }
            return index
        }
    }

    /// Counts one batch on `tallies.count` workers, which take chunks of `chunkSize` captions in
    /// turn; appends the watched concepts' matching captions to `samples` in corpus order.
    private func process(_ batch: [CorpusRecord], tallies: [SubstringMatchTally], watched: [Int], sampleCount: Int,
                         samples: inout [[Sample]]) {
        let size = max(1, chunkSize)
        let chunkCount = (batch.count + size - 1) / size
        guard chunkCount > 0 else { return }
        let needed = samples.map { max(0, sampleCount - $0.count) }
        let collect = needed.contains { $0 > 0 }
        let work = ChunkWork(chunkCount: chunkCount, collect: collect)
        let automaton = automaton
        DispatchQueue.concurrentPerform(iterations: min(tallies.count, chunkCount)) { worker in
            let tally = tallies[worker]
            automaton.withScanner { scanner in
                while let chunk = work.nextChunk() {
                    var found: [(watched: Int, sample: Sample)] = []
                    var taken = [Int](repeating: 0, count: collect ? watched.count : 0)
                    for index in (chunk * size)..<min(batch.count, (chunk + 1) * size) {
                        var caption = batch[index].caption
                        caption.withUTF8 { scanner.tally($0, into: tally) }
                        guard collect else { continue }
                        for (position, entry) in watched.enumerated() where taken[position] < needed[position] && tally.matched(entry) {
                            taken[position] += 1
                            found.append((position, Sample(id: batch[index].id, caption: caption)))
                        }
                    }
                    if collect { work.store(found, chunk: chunk) }
                }
            }
        }
        guard collect else { return }
        for chunk in 0..<chunkCount {
            for (position, sample) in work.found(chunk: chunk) where samples[position].count < sampleCount {
                samples[position].append(sample)
            }
        }
    }

    /// The chunks of one batch, handed out in order to whichever worker asks, and the samples
    /// each chunk found.
    private final class ChunkWork: @unchecked Sendable {
        // @unchecked: `next` is guarded by `lock`; each chunk's slot in `samples` is written by
        // the one worker that took the chunk, and read after `concurrentPerform` returns.
        private let lock = NSLock()
        private let chunkCount: Int
        private var next = 0
        private var samples: [[(watched: Int, sample: Sample)]]

        init(chunkCount: Int, collect: Bool) {
            self.chunkCount = chunkCount
            samples = Array(repeating: [], count: collect ? chunkCount : 0)
        }

        func nextChunk() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard next < chunkCount else { return nil }
            next += 1
            return next - 1
        }

        func store(_ found: [(watched: Int, sample: Sample)], chunk: Int) {
            samples.withUnsafeMutableBufferPointer { $0[chunk] = found }
        }

        func found(chunk: Int) -> [(watched: Int, sample: Sample)] { samples[chunk] }
    }
}
