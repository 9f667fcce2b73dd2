import Dispatch
import Foundation

/// Builds a text index (or one shard of it) from a corpus: streams the records (the next
/// batch is read ahead on its own thread, digesting the file bytes as they are parsed),
/// annotates this shard's captions in batches (one annotator per worker, batches in parallel)
/// and adds the term sets in id order (on a queue of their own, while the next batch is
/// annotated), so the index is the same whatever the number of workers.
///
/// What is read: the whole corpus (`corpus:`; with a modulo `shard`, every record is read
/// and only the shard's are annotated), or one shard of a `CorpusPlan` (`plan:shard:`),
/// whose job reads only that shard's bytes and writes a range shard with the plan's corpus
/// digest and a completion record (`ShardCompletion`).
public enum TextIndexer {
    /// One shard of a plan, to build.
    public struct PlanShard: Sendable {
        public var plan: CorpusPlan
        public var index: Int

        public init(plan: CorpusPlan, index: Int) throws {
            guard plan.shards.indices.contains(index) else {
                throw FreqBenchError("shard \(index) is not in the plan (it has shards 0..<\(plan.shards.count))")
            }
            self.plan = plan
            self.index = index
        }
    }

    /// What a build read: for the summary and for tests that check a shard reads only its bytes.
    public struct ReadStatistics: Sendable {
        public var bytesRead: Int
        public var records: Int

        public init(bytesRead: Int = 0, records: Int = 0) {
            self.bytesRead = bytesRead
            self.records = records
        }
    }

    /// Annotates and indexes shard `shard.index` of a plan into `output` (a range shard).
    /// `statistics` receives the bytes read and records indexed.
    @discardableResult
    public static func build(planShard shard: PlanShard, annotators: [any Annotator], output: URL, batchSize: Int = 1000,
                             progress: ProgressBar? = nil,
                             statistics: (ReadStatistics) -> Void = { _ in },
                             skipped: (_ count: Int, _ reasons: [FreqBenchError]) -> Void = { _, _ in }) throws -> TextIndexHeader {
        guard let identity = annotators.first?.identity else { throw FreqBenchError("no annotator given") }
        try IndexKind.checkOutput(output)   // before the long part
        let start = ContinuousClock.now
        let plan = shard.plan
        let reader = try CorpusReader(pieces: try plan.readerPieces(shard: shard.index), options: plan.options)
        let planShard = plan.shards[shard.index]
        var header = TextIndexHeader(rangeShard: try ShardSpec(index: shard.index, count: plan.shards.count), idRange: planShard.idRange,
                                     recordCount: plan.recordCount, indexedRecordCount: 0, corpusDigest: plan.corpusDigest,
                                     annotator: identity)
        let sidecar = try SourceIDSidecar(options: plan.options, beside: output, idRange: planShard.idRange)
        defer { sidecar?.discard() }
        let read = try annotate(reader: reader, annotators: annotators, identity: identity, shard: .whole, batchSize: batchSize,
                                progress: progress, sourceIDs: sidecar, skipped: skipped)
        header.indexedRecordCount = read.builder.indexedRecordCount
        statistics(ReadStatistics(bytesRead: read.bytesRead, records: read.builder.indexedRecordCount))
        var completion = ShardCompletion(planDigest: plan.digest, shard: shard.index, shardCount: plan.shards.count,
                                         records: read.builder.indexedRecordCount, bytesRead: read.bytesRead, annotator: identity)
        let elapsed = ContinuousClock.now - start
        completion.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        completion.peakResidentBytes = ProcessMemory.peakResidentBytes ?? 0
        completion.pieces = ShardCompletion.PieceRecords.of(read.summaries)
        return try read.builder.write(to: output, header: header, completion: completion,
                                      extraFiles: try sidecar.map { [try $0.finish(endID: planShard.idRange.upperBound)] } ?? [])
    }

    /// Annotates and indexes `corpus`. `annotators` holds one annotator per worker (all of
    /// the same identity); each is used by one thread at a time. With
    /// `options.skipBadRecords`, `skipped` is told how many records were skipped and the first
    /// reasons, once the corpus has been read.
    @discardableResult
    public static func build(corpus: [URL], options: CorpusOptions, annotators: [any Annotator],
                             shard: ShardSpec = .whole, output: URL, batchSize: Int = 1000,
                             progress: ProgressBar? = nil,
                             statistics: (ReadStatistics) -> Void = { _ in },
                             skipped: (_ count: Int, _ reasons: [FreqBenchError]) -> Void = { _, _ in }) throws -> TextIndexHeader {
        guard let identity = annotators.first?.identity else { throw FreqBenchError("no annotator given") }
        try IndexKind.checkOutput(output)   // before the long part
        guard options.idColumn == nil || shard.count == 1 else {
            throw FreqBenchError("--id-column needs a whole build or a plan's range shards, not --shard I/N")
        }
        let sidecar = try SourceIDSidecar(options: options, beside: output, idRange: 0..<Int.max)
        defer { sidecar?.discard() }
        let read = try annotate(reader: try CorpusReader(paths: corpus, options: options), annotators: annotators,
                                identity: identity, shard: shard, batchSize: batchSize, progress: progress, sourceIDs: sidecar,
                                skipped: skipped)
        statistics(ReadStatistics(bytesRead: read.bytesRead, records: read.builder.indexedRecordCount))
        return try read.builder.write(to: output, recordCount: read.recordCount, shard: shard,
                                      corpusDigest: CorpusDigest.digest(options: options, files: read.summaries), annotator: identity,
                                      extraFiles: try sidecar.map { [try $0.finish(endID: read.recordCount)] } ?? [])
    }

    /// Reads `reader` to its end, annotating the records of `shard` into a builder.
    private static func annotate(reader: CorpusReader, annotators: [any Annotator], identity: AnnotatorIdentity, shard: ShardSpec,
                                 batchSize: Int, progress: ProgressBar?, sourceIDs: SourceIDSidecar? = nil,
                                 skipped: (_ count: Int, _ reasons: [FreqBenchError]) -> Void) throws
        -> (builder: TextIndexBuilder, recordCount: Int, summaries: [CorpusPieceSummary], bytesRead: Int) {
        let workers = annotators.count
        // The next batch is parsed (and digested) while this one is annotated.
        let batches = PrefetchingBatchReader(reader: reader, batchSize: batchSize * workers)
        defer { batches.cancel() }
        let builder = TextIndexBuilder()
        // Term sets are added on a queue of their own, in order, while the next batch is annotated.
        let adder = OrderedTermAdder(builder: builder)
        defer { adder.drain() }
        var recordCount = 0
        let slots = AnnotationSlots(count: workers)
        while true {
            let batch = try batches.next()
            if batch.isEmpty { break }
            recordCount = (batch.last?.id ?? -1) + 1
            if let sourceIDs { for record in batch { try sourceIDs.writer.add(id: record.id, sourceID: record.sourceID ?? "") } }
            let mine = shard.count == 1 ? batch : batch.filter { shard.contains($0.id) }
            let chunkSize = (mine.count + workers - 1) / max(workers, 1)
            let chunks = stride(from: 0, to: mine.count, by: max(chunkSize, 1)).map { Array(mine[$0..<min($0 + chunkSize, mine.count)]) }
            slots.reset()
            let boxes = annotators.map { AnnotatorBox(annotator: $0) }
            DispatchQueue.concurrentPerform(iterations: chunks.count) { worker in
                slots.run(worker) { try boxes[worker].annotator.recordTerms(chunks[worker]) }
            }
            var annotated: [(records: [CorpusRecord], terms: [[String]])] = []
            for (worker, chunk) in chunks.enumerated() {
                let terms = try slots.result(worker)
                guard terms.count == chunk.count else {
                    throw FreqBenchError("annotator \(identity) returned \(terms.count) term sets for \(chunk.count) captions")
                }
                annotated.append((chunk, terms))
            }
            try adder.add(annotated)
            progress?.advance(by: batch.count)
        }
        try adder.finish()
        progress?.finish()
        skipped(batches.skippedRecords, batches.skipReasons)
        let summaries = batches.summaries
        // Records counted by the pieces (skipped ones included), not only the last good record's id.
        recordCount = max(recordCount, summaries.reduce(0) { $0 + $1.records })
        return (builder, recordCount, summaries, batches.bytesRead)
    }

    /// Indexes precomputed term sets (`freqbench annotate` output: one `{"id": N, "nouns": [...]}`
    /// line per record, in corpus order) of `corpus`, which is still read for the digest and to
    /// check that the ids match. `annotator` names the annotator that produced them; `skipped`
    /// is as in the annotating `build`.
    @discardableResult
    public static func build(corpus: [URL], options: CorpusOptions, annotations: URL, annotator: AnnotatorIdentity,
                             shard: ShardSpec = .whole, output: URL, progress: ProgressBar? = nil,
                             skipped: (_ count: Int, _ reasons: [FreqBenchError]) -> Void = { _, _ in }) throws -> TextIndexHeader {
        try IndexKind.checkOutput(output)   // before the long part
        let reader = try CorpusReader(paths: corpus, options: options)
        let lines = try AnnotationsReader(url: annotations)
        let builder = TextIndexBuilder()
        var recordCount = 0
        while let record = try reader.next() {
            recordCount = record.id + 1
            guard let annotation = try lines.next() else {
                throw FreqBenchError("annotations end before the corpus: no line for record \(record.id)",
                                     file: annotations.path, location: "line \(lines.lineNumber + 1)")
            }
            guard annotation.id == record.id else {
                throw FreqBenchError("annotation id \(annotation.id) does not match corpus record \(record.id)",
                                     file: annotations.path, location: "line \(lines.lineNumber)")
            }
            if shard.contains(record.id) { try builder.add(id: record.id, terms: annotation.terms) }
            progress?.advance()
        }
        if try lines.next() != nil {
            throw FreqBenchError("annotations continue after the corpus ends (\(recordCount) records)",
                                 file: annotations.path, location: "line \(lines.lineNumber)")
        }
        progress?.finish()
        skipped(reader.skippedRecords, reader.skipReasons)
        recordCount = max(recordCount, reader.summaries.reduce(0) { $0 + $1.records })
        return try builder.write(to: output, recordCount: recordCount, shard: shard,
                                 corpusDigest: CorpusDigest.digest(options: options, files: reader.summaries), annotator: annotator)
    }
}

/// Lets an annotator be handed to the worker thread that alone uses it.
private struct AnnotatorBox: @unchecked Sendable {
    let annotator: any Annotator
}

/// One result slot per worker, written by that worker only.
private final class AnnotationSlots: @unchecked Sendable {
    private var results: [Result<[[String]], Error>]

    init(count: Int) { results = Array(repeating: .success([]), count: count) }

    func reset() {
        for index in results.indices { results[index] = .success([]) }
    }

    func run(_ worker: Int, _ body: () throws -> [[String]]) {
        let result = Result { try body() }
        results.withUnsafeMutableBufferPointer { $0[worker] = result }
    }

    func result(_ worker: Int) throws -> [[String]] { try results[worker].get() }
}
