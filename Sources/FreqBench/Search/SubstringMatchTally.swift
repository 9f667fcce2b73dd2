/// One thread's running counts for `SubstringMatchCounter`: per entry, the number of captions
/// it matched, and the generation stamp (the caption number in this tally) of its last match,
/// so an entry found several times in one caption is counted once without a set per caption.
///
/// Each counting worker owns one; the counts of all tallies are summed at the end.
final class SubstringMatchTally: @unchecked Sendable {
    // @unchecked: the buffers (counts, stamps, the scan's state buffer) are only touched by
    // the one worker thread that owns the tally; they are summed after the workers finish.
    let entryCount: Int
    let counts: UnsafeMutablePointer<Int>
    let stamps: UnsafeMutablePointer<UInt32>
    /// The current caption's stamp (settable for tests of the wrap).
    var generation: UInt32 = 0

    private var states: UnsafeMutablePointer<UInt32>
    private var stateCapacity = 4096

    init(entryCount: Int) {
        states = .allocate(capacity: stateCapacity)
        self.entryCount = entryCount
        counts = .allocate(capacity: max(entryCount, 1))
        counts.initialize(repeating: 0, count: max(entryCount, 1))
        stamps = .allocate(capacity: max(entryCount, 1))
        stamps.initialize(repeating: 0, count: max(entryCount, 1))
    }

    deinit {
        counts.deallocate()
        stamps.deallocate()
        states.deallocate()
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

    /// A scratch buffer of at least `capacity` states for the automaton's scan.
    func stateBuffer(capacity: Int) -> UnsafeMutablePointer<UInt32> {
        if capacity > stateCapacity {
            states.deallocate()
            stateCapacity = max(capacity, 2 * stateCapacity)
            states = .allocate(capacity: stateCapacity)
        }
        return states
    }

    /// Whether `entry` matched the current caption.
    func matched(_ entry: Int) -> Bool { stamps[entry] == generation }

    /// Adds this tally's counts to `total`.
    func add(to total: inout [Int]) {
        for entry in 0..<entryCount { total[entry] += counts[entry] }
    }
}
