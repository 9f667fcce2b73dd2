import Dispatch
import Foundation

/// Adds annotated batches to a `TextIndexBuilder` on a serial queue, in submission order, so
/// the caller can annotate the next batch meanwhile; the first error is thrown by the next
/// `add` or by `finish`, and later batches are then dropped.
final class OrderedTermAdder: @unchecked Sendable {
    // @unchecked: `builder` is used only on `queue` until `finish()` (or `drain()`) returns;
    // `error` is guarded by `lock`.
    private let builder: TextIndexBuilder
    private let queue = DispatchQueue(label: "freqbench.text-indexer.add")
    private let lock = NSLock()
    private var error: Error?

    init(builder: TextIndexBuilder) { self.builder = builder }

    func add(_ batch: [(records: [CorpusRecord], terms: [[String]])]) throws {
        try rethrowFirstError()
        queue.async { [self] in
            guard firstError == nil else { return }
            do {
                for (records, terms) in batch {
                    for (record, recordTerms) in zip(records, terms) { try builder.add(id: record.id, terms: recordTerms) }
                }
            } catch {
                lock.withLock { self.error = error }
            }
        }
    }

    /// Waits for every submitted batch; throws the first error.
    func finish() throws {
        drain()
        try rethrowFirstError()
    }

    /// Waits for every submitted batch.
    func drain() { queue.sync {} }

    private var firstError: Error? { lock.withLock { error } }

    private func rethrowFirstError() throws {
        if let error = firstError { throw error }
    }
}
