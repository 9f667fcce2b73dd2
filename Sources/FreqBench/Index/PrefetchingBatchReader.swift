import Foundation

/// Reads a corpus in batches on a background thread, one batch ahead of its consumer.
///
/// `TextIndexer` uses it so that parsing the next batch overlaps annotating the current
/// one: without it, one core sits idle while the other parses. Batches and their order are
/// exactly what reading in the caller's thread gives; a read error is thrown by
/// the `next()` call that would have returned that batch.
final class PrefetchingBatchReader: @unchecked Sendable {
    // @unchecked: `reader` is used by the reading thread only until it has
    // delivered its last batch (end or error); `ready`, `cancelled` and `finished` are
    // guarded by `condition`, which also orders that last delivery before the consumer's
    // later reads of `reader`.
    private let reader: CorpusReader
    private let batchSize: Int
    private let condition = NSCondition()
    private var ready: [Result<[CorpusRecord], Error>] = []
    private var cancelled = false
    private var finished = false

    /// Starts reading `reader` in batches of `batchSize` records; the first batch holds a
    /// quarter of that, so the consumer can start sooner.
    init(reader: CorpusReader, batchSize: Int) {
        self.reader = reader
        self.batchSize = max(1, batchSize)
        let thread = Thread { [self] in readAhead() }
        thread.name = "freqbench corpus reader"
        thread.start()
    }

    /// The next batch in corpus order; empty once the corpus has been read.
    func next() throws -> [CorpusRecord] {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty {
            if finished { return [] }
            condition.wait()
        }
        let batch = ready.removeFirst()
        condition.broadcast()  // the reading thread may go on
        return try batch.get()
    }

    /// Records skipped as bad; read it only once `next()` has returned an empty batch.
    var skippedRecords: Int {
        condition.lock()
        defer { condition.unlock() }
        return reader.skippedRecords
    }

    /// What was read of each piece (for the corpus digest); read it only once `next()` has returned an empty batch.
    var summaries: [CorpusPieceSummary] {
        condition.lock()
        defer { condition.unlock() }
        return reader.summaries
    }

    /// Bytes read from the corpus; read it only once `next()` has returned an empty batch.
    var bytesRead: Int {
        condition.lock()
        defer { condition.unlock() }
        return reader.bytesRead
    }

    /// The first reasons records were skipped; read it only once `next()` has returned an empty batch.
    var skipReasons: [FreqBenchError] {
        condition.lock()
        defer { condition.unlock() }
        return reader.skipReasons
    }

    /// Stops reading ahead (the thread ends after the batch it is reading).
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    private func readAhead() {
        var size = max(1, batchSize / 4)
        while true {
            let batch = Result { () throws -> [CorpusRecord] in try reader.nextBatch(maxCount: size) }
            condition.lock()
            while !ready.isEmpty && !cancelled { condition.wait() }
            var done = cancelled
            if !cancelled {
                switch batch {
                case .success(let records) where records.isEmpty: done = true
                case .success: ready.append(batch)
                case .failure: ready.append(batch); done = true
                }
            }
            size = batchSize
            if done { finished = true }
            condition.broadcast()
            condition.unlock()
            if done { return }
        }
    }
}
