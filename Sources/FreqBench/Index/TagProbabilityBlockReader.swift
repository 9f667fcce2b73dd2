import Foundation

/// Reads blocks of tag probabilities on a background thread into a small ring of buffers, so
/// reading the next block overlaps scanning the current one. Memory: `depth` blocks.
///
/// The consumer calls `next()` for each block in plan order, `recycle()` when done with each,
/// and `finish()` at the end (also after an error: it stops and joins the reading thread).
final class TagProbabilityBlockReader: @unchecked Sendable {
    /// One planned read: rows of one source.
    struct Plan: Sendable {
        var source: Int
        var rows: Range<Int>
    }

    /// A block ready for scanning; valid until `recycle()`.
    struct Block {
        var plan: Plan
        var ids: [UInt32]
        var bits: UnsafeRawBufferPointer
    }

    /// Used by the reading thread only; released when it ends, so the files close then.
    private var sources: [TagProbabilities]
    private let plans: [Plan]
    private let buffers: [UnsafeMutableRawBufferPointer]
    private var results: [Result<[UInt32], Error>?]
    private let lock = NSLock()
    private let free: DispatchSemaphore
    private let ready = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private var cancelled = false
    private var consumed = 0

    init(sources: [TagProbabilities], plans: [Plan], bufferBytes: Int, depth: Int = 3) {
        self.sources = sources
        self.plans = plans
        buffers = (0..<depth).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bufferBytes), alignment: 64) }
        results = Array(repeating: nil, count: depth)
        // Semaphores start at 0 and are raised: libdispatch traps when a semaphore is freed
        // with a value below the one it was created with.
        free = DispatchSemaphore(value: 0)
        for _ in 0..<depth { free.signal() }
        let thread = Thread { [self] in produce() }
        thread.name = "freqbench.tag-probability-reader"
        thread.start()
    }

    private var joined = false

    deinit { buffers.forEach { $0.deallocate() } }

    /// Stops the reading thread (if still reading) and waits for it to end.
    func finish() {
        guard !joined else { return }
        joined = true
        lock.withLock { cancelled = true }
        free.signal()
        finished.wait()
    }

    private func produce() {
        defer {
            sources = []
            finished.signal()
        }
        for (number, plan) in plans.enumerated() {
            free.wait()
            if lock.withLock({ cancelled }) { return }
            let slot = number % buffers.count
            let result = Result { () throws -> [UInt32] in
                let source = sources[plan.source]
                let ids = try source.readSampleIDs(plan.rows)
                try source.readProbabilityBits(plan.rows, into: buffers[slot])
                return ids
            }
            lock.withLock { results[slot] = result }
            ready.signal()
            if case .failure = result { return }
        }
    }

    /// The next block in plan order, or nil after the last; rethrows a read error.
    func next() throws -> Block? {
        guard consumed < plans.count else { return nil }
        ready.wait()
        let slot = consumed % buffers.count
        let result = lock.withLock { () -> Result<[UInt32], Error>? in
            defer { results[slot] = nil }
            return results[slot]
        }
        let plan = plans[consumed]
        consumed += 1
        guard let result else { throw FreqBenchError("internal: block \(consumed - 1) was not read") }
        return Block(plan: plan, ids: try result.get(), bits: UnsafeRawBufferPointer(buffers[slot]))
    }

    /// Hands the buffer of the last block back for reading.
    func recycle() { free.signal() }
}
