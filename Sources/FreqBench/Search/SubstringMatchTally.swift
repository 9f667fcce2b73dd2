/// One thread's running counts for `SubstringMatchCounter`: per entry, the number of captions
/// it matched, and the generation stamp (the caption number in this tally) of its last match,
/// so an entry found several times in one caption is counted once without a set per caption.
///
/// Used by one thread at a time (the counter hands tallies out from a pool); the counts of
/// all tallies are summed at the end.
final class SubstringMatchTally: @unchecked Sendable {
    // @unchecked: the buffers are only touched by the thread that holds the tally; the pool's
    // lock orders one holder's writes before the next holder's reads.
    let entryCount: Int
    let counts: UnsafeMutablePointer<Int>
    let stamps: UnsafeMutablePointer<UInt32>
    /// The current caption's stamp (settable for tests of the wrap).
    var generation: UInt32 = 0

    init(entryCount: Int) {
        self.entryCount = entryCount
        counts = .allocate(capacity: max(entryCount, 1))
        counts.initialize(repeating: 0, count: max(entryCount, 1))
        stamps = .allocate(capacity: max(entryCount, 1))
        stamps.initialize(repeating: 0, count: max(entryCount, 1))
    }

    deinit {
        counts.deallocate()
        stamps.deallocate()
    }

    /// Starts a new caption and returns its stamp (the stamps restart from zero after 2^32 - 1 captions).
    func nextGeneration() -> UInt32 {
        if generation == UInt32.max {
            stamps.update(repeating: 0, count: max(entryCount, 1))
            generation = 0
        }
        generation += 1
        return generation
    }

    /// Whether `entry` matched the current caption.
    func matched(_ entry: Int) -> Bool { stamps[entry] == generation }

    /// Adds this tally's counts to `total`.
    func add(to total: inout [Int]) {
        for entry in 0..<entryCount { total[entry] += counts[entry] }
    }
}
