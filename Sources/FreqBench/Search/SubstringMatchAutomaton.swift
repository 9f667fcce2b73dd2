import Foundation

/// An Aho–Corasick automaton over UTF-8 bytes that finds, in one pass over a caption, every
/// entry whose MetaCLIP pattern `" " + entry + " "` occurs in the caption spaced as
/// `MetaCLIPSpacing` says (the spacing is applied on the fly, without a copy of the caption).
///
/// Layout (memory is the point: MetaCLIP curates with 500,000 entries; and the scan's speed is
/// the latency of one dependent load per byte):
///
/// - **Byte classes.** Only bytes that occur in some pattern get a class (1…K); every other byte
///   is class 0, which no state has an edge for.
/// - **Double array.** The trie of patterns is stored as a double array of 8-byte cells: the
///   state is its cell index; its child on class c is cell `base + c` if that cell's `check` is
///   the state. Bases are placed first-fit in breadth-first order, so the shallow states, which
///   most bytes visit, share a few cache lines.
/// - **Failure links** (4 bytes per cell): on a missing edge the scan follows them as classic
///   Aho–Corasick does. Every pattern starts with a space, so a state's failure is the longest
///   proper suffix of its string that begins with a space: inside a word it is the root, after
///   a word's closing space it is the state `" "`, deeper only inside multi-word prefixes. Two
///   bits of `base` mark the first two cases, whose next state needs no failure link: from the
///   root it is `" "` on a space and the root otherwise, from `" "` it is read from a dense
///   row (one entry per class). Only the rare third case walks the links.
/// - **Outputs.** Every pattern ends with a space, so matches end only where the scan reads a
///   space (a space, TAB, LF or CR of the caption, or a space the spacing inserts). There, if
///   the high bit of the state's `base` says it has outputs, the scan writes the state to a
///   buffer; the output lists of the buffered states are read after the scan, off its chain of
///   dependent loads. A state's list holds every entry ending there (its own, then those of its
///   failure state; states without their own entries share their failure state's list); a list
///   of one entry (the common case) is stored in place of its offset.
///
/// The wrapped characters (`,.;:?!` and backtick) are scanned as the three bytes
/// `" " p " "`; TAB, LF and CR as a space.
public final class SubstringMatchAutomaton: Sendable {
    /// One double-array cell: `base` (high bit: the state has outputs) and `check` (the
    /// parent state, or `UInt32.max` for a free cell).
    struct Cell: Sendable {
        var base: UInt32
        var check: UInt32
    }

    /// The entries, in the order given (ids are positions here).
    public let entries: [String]
    /// Trie states (the root included).
    public let stateCount: Int
    /// Double-array cells (states plus unused cells).
    public var cellCount: Int { cells.count }
    /// Byte classes in use (bytes occurring in some pattern).
    public let classCount: Int
    /// Bytes held by the automaton's arrays.
    public var memoryBytes: Int {
        cells.count * MemoryLayout<Cell>.stride + failure.count * 4 + outputStart.count * 4 + outputs.count * 4
            + spaceRowState.count * 4 + spaceRowBase.count * 4 + inputClass.count + wrappedClass.count
    }

    static let outputFlag: UInt32 = 0x8000_0000
    /// The state's failure is the root.
    static let failRootFlag: UInt32 = 0x4000_0000
    /// The state's failure is the state `" "`.
    static let failSpaceFlag: UInt32 = 0x2000_0000
    static let baseMask: UInt32 = 0x1FFF_FFFF
    static let wrappedMarker: UInt8 = 0xFF
    /// In `outputStart`: the value is the state's only entry (low 31 bits), not an offset.
    static let singleOutput: UInt32 = 0x8000_0000

    let cells: [Cell]
    let failure: [UInt32]
    /// Per cell: offset in `outputs` of its list (`[count, entry ids...]`), 0 for none, or
    /// `singleOutput | entry` for a list of one entry.
    let outputStart: [UInt32]
    let outputs: [UInt32]
    /// Per input byte: its class, the space class for space/TAB/LF/CR, `wrappedMarker` for a wrapped character.
    let inputClass: [UInt8]
    /// Per wrapped character: its class (0 when no pattern holds it).
    let wrappedClass: [UInt8]
    let spaceClass: UInt8
    /// The state after the caption's leading space (the root's only child, state `" "`); 0 with no entries.
    let startState: UInt32
    /// Per class: the state the automaton goes to from state `" "`, and that state's `base`.
    let spaceRowState: [UInt32]
    let spaceRowBase: [UInt32]

    /// Builds the automaton for `entries` (repeats allowed: each is reported under its own id).
    public init(entries: [String]) throws {
        guard entries.count < Int(Self.singleOutput) else { throw FreqBenchError("too many entries: \(entries.count)") }
        self.entries = entries
        // 1. Byte classes, in byte order (so class sequences sort as the bytes do).
        var present = [Bool](repeating: false, count: 256)
        present[Int(MetaCLIPSpacing.space)] = true
        for entry in entries { for byte in entry.utf8 { present[Int(byte)] = true } }
        var patternClass = [UInt8](repeating: 0, count: 256)
        var classes = 0
        for byte in 0..<256 where present[byte] {
            classes += 1
            patternClass[byte] = UInt8(classes)
        }
        // Valid UTF-8 never holds 0xC0, 0xC1, 0xF5...0xFF, so at most 243 classes: below the marker.
        guard classes < Int(Self.wrappedMarker) else { throw FreqBenchError("internal: too many byte classes (\(classes))") }
        classCount = classes
        let space = patternClass[Int(MetaCLIPSpacing.space)]
        spaceClass = space
        var input = patternClass
        for byte in MetaCLIPSpacing.spaced { input[Int(byte)] = space }
        var wrapped = [UInt8](repeating: 0, count: 256)
        for byte in MetaCLIPSpacing.wrapped {
            input[Int(byte)] = Self.wrappedMarker
            wrapped[Int(byte)] = patternClass[Int(byte)]
        }
        inputClass = input
        wrappedClass = wrapped

        // 2. The trie, built from the patterns in sorted order (children come in class order).
        var keys: [UInt8] = []
        var keyStart: [Int] = [0]
        for entry in entries {
            keys.append(space)
            for byte in entry.utf8 { keys.append(patternClass[Int(byte)]) }
            keys.append(space)
            keyStart.append(keys.count)
        }
        let order = Self.sortedOrder(keys: keys, starts: keyStart)
        let trie = try Self.buildTrie(keys: keys, starts: keyStart, order: order)
        stateCount = trie.label.count

        // 3. Double-array placement, breadth-first.
        let breadthFirst = Self.breadthFirstOrder(trie)
        let placement = Self.placeBases(trie, order: breadthFirst)
        let cellTotal = placement.end + classes + 1
        guard cellTotal <= Int(Self.baseMask) else { throw FreqBenchError("too many entries: \(cellTotal) automaton cells") }
        var cellOf = [UInt32](repeating: 0, count: trie.label.count)
        var builtCells = [Cell](repeating: Cell(base: 0, check: UInt32.max), count: cellTotal)
        builtCells[0].base = UInt32(placement.base[0])
        for stored in breadthFirst {
            let node = Int(stored)
            var child = trie.firstChild[node]
            while child >= 0 {
                let cell = Int(placement.base[node]) + Int(trie.label[Int(child)])
                cellOf[Int(child)] = UInt32(cell)
                builtCells[cell] = Cell(base: UInt32(placement.base[Int(child)]), check: cellOf[node])
                child = trie.nextSibling[Int(child)]
            }
        }

        // 4. Failure links and output lists, breadth-first (a failure state is shallower).
        var builtFailure = [UInt32](repeating: 0, count: cellTotal)
        var builtOutputStart = [UInt32](repeating: 0, count: cellTotal)
        var builtOutputs: [UInt32] = [0]
        for stored in breadthFirst {
            let node = Int(stored)
            let cell = Int(cellOf[node])
            if node != 0 {
                let own = trie.ownEntries(node, order: order)
                let inherited = Int(builtOutputStart[Int(builtFailure[cell])])
                if !own.isEmpty {
                    let inheritedCount = inherited == 0 ? 0 : Int(builtOutputs[inherited])
                    builtOutputStart[cell] = UInt32(builtOutputs.count)
                    builtOutputs.append(UInt32(own.count + inheritedCount))
                    builtOutputs.append(contentsOf: own.map { UInt32($0) })
                    if inheritedCount > 0 { builtOutputs.append(contentsOf: builtOutputs[(inherited + 1)...(inherited + inheritedCount)]) }
                } else {
                    builtOutputStart[cell] = UInt32(inherited)
                }
                if builtOutputStart[cell] != 0 { builtCells[cell].base |= Self.outputFlag }
            }
            var child = trie.firstChild[node]
            while child >= 0 {
                let label = UInt32(trie.label[Int(child)])
                let childCell = Int(cellOf[Int(child)])
                var target: UInt32 = 0
                if node != 0 {
                    var state = builtFailure[cell]
                    while true {
                        let next = (builtCells[Int(state)].base & Self.baseMask) + label
                        if builtCells[Int(next)].check == state { target = next; break }
                        if state == 0 { break }
                        state = builtFailure[Int(state)]
                    }
                }
                builtFailure[childCell] = target
                child = trie.nextSibling[Int(child)]
            }
        }
        // 5. Flags for the two common failures, and the row of state " ".
        let start = entries.isEmpty ? 0 : (builtCells[0].base & Self.baseMask) + UInt32(space)
        for stored in breadthFirst {
            let node = Int(stored)
            let cell = Int(cellOf[node])
            if builtFailure[cell] == 0 {
                builtCells[cell].base |= Self.failRootFlag
            } else if builtFailure[cell] == start {
                builtCells[cell].base |= Self.failSpaceFlag
            }
        }
        var rowState = [UInt32](repeating: 0, count: classes + 1)
        var rowBase = [UInt32](repeating: builtCells[0].base, count: classes + 1)
        if start != 0 {
            for byteClass in 0...classes {
                let next = (builtCells[Int(start)].base & Self.baseMask) + UInt32(byteClass)
                if builtCells[Int(next)].check == start {
                    rowState[byteClass] = next
                } else if byteClass == Int(space) {
                    rowState[byteClass] = start
                } else {
                    continue
                }
                rowBase[byteClass] = builtCells[Int(rowState[byteClass])].base
            }
        }
        // A list of one entry is stored in place: the entry id with the high bit set.
        for cell in builtOutputStart.indices where builtOutputStart[cell] != 0 && builtOutputs[Int(builtOutputStart[cell])] == 1 {
            builtOutputStart[cell] = Self.singleOutput | builtOutputs[Int(builtOutputStart[cell]) + 1]
        }
        cells = builtCells
        failure = builtFailure
        outputStart = builtOutputStart
        outputs = builtOutputs
        startState = start
        spaceRowState = rowState
        spaceRowBase = rowBase
    }

    // MARK: Scanning

    /// The ids of the entries found in `caption`, each once, ascending.
    public func matches(in caption: String) -> [Int] {
        var text = caption
        return withScanner { scanner in
            let found: [UInt32] = text.withUTF8 { bytes in
                [UInt32](unsafeUninitializedCapacity: Self.stateBufferCapacity(bytes.count)) { buffer, count in
                    count = buffer.baseAddress.map { scanner.scan(bytes, into: $0) } ?? 0
                }
            }
            var ids = Set<Int>()
            for state in found {
                let start = scanner.outputStart[Int(state)]
                if start & Self.singleOutput != 0 {
                    ids.insert(Int(start & ~Self.singleOutput))
                } else {
                    for offset in 1...Int(scanner.outputs[Int(start)]) { ids.insert(Int(scanner.outputs[Int(start) + offset])) }
                }
            }
            return ids.sorted()
        }
    }

    /// How many states `Scanner.scan` may write for a caption of `bytes` bytes (two spaces per
    /// byte at most, and the final space).
    static func stateBufferCapacity(_ bytes: Int) -> Int { 2 * bytes + 1 }

    /// Calls `body` with a `Scanner` over this automaton's arrays (valid only inside `body`).
    /// Taking the views once for many captions keeps the per-caption cost to the scan itself.
    func withScanner<Result>(_ body: (Scanner) throws -> Result) rethrows -> Result {
        try cells.withUnsafeBufferPointer { cells in
            try failure.withUnsafeBufferPointer { failure in
                try outputStart.withUnsafeBufferPointer { outputStart in
                    try outputs.withUnsafeBufferPointer { outputs in
                        try inputClass.withUnsafeBufferPointer { classes in
                            try wrappedClass.withUnsafeBufferPointer { wrapped in
                                try spaceRowState.withUnsafeBufferPointer { rowState in
                                    try spaceRowBase.withUnsafeBufferPointer { rowBase in
                                        try body(Scanner(cells: cells, failure: failure, outputStart: outputStart, outputs: outputs,
                                                         classes: classes, wrapped: wrapped, rowState: rowState, rowBase: rowBase,
                                                         space: UInt32(spaceClass), start: startState))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Views of the automaton's arrays, and the scan over them.
    struct Scanner {
        let cells: UnsafeBufferPointer<Cell>
        let failure: UnsafeBufferPointer<UInt32>
        let outputStart: UnsafeBufferPointer<UInt32>
        let outputs: UnsafeBufferPointer<UInt32>
        let classes: UnsafeBufferPointer<UInt8>
        let wrapped: UnsafeBufferPointer<UInt8>
        let rowState: UnsafeBufferPointer<UInt32>
        let rowBase: UnsafeBufferPointer<UInt32>
        let space: UInt32
        let start: UInt32

        /// Counts the entries found in `caption` into `tally`, each entry at most once
        /// (afterwards, entry e matched iff `tally.matched(e)`).
        @inline(__always)
        func tally(_ caption: UnsafeBufferPointer<UInt8>, into tally: SubstringMatchTally) {
            let generation = tally.nextGeneration()
            let found = tally.stateBuffer(capacity: SubstringMatchAutomaton.stateBufferCapacity(caption.count))
            let foundCount = scan(caption, into: found)
            guard foundCount > 0, let starts = outputStart.baseAddress, let list = outputs.baseAddress else { return }
            let stamps = tally.stamps
            let counts = tally.counts
            @inline(__always) func count(_ entry: Int) {
                if stamps[entry] != generation {
                    stamps[entry] = generation
                    counts[entry] += 1
                }
            }
            for index in 0..<foundCount {
                let start = starts[Int(found[index])]
                if start & SubstringMatchAutomaton.singleOutput != 0 {
                    count(Int(start & ~SubstringMatchAutomaton.singleOutput))
                } else {
                    let first = Int(start)
                    for offset in 1...Int(list[first]) { count(Int(list[first + offset])) }
                }
            }
        }

        /// Runs the automaton over the spaced caption and writes to `found` every state with
        /// outputs that a space leads to (a match ends only on a space), in order; returns how
        /// many. `found` must hold `stateBufferCapacity(caption.count)` states. The output
        /// lists are read afterwards, off the scan's chain of dependent loads.
        @inline(__always)
        func scan(_ caption: UnsafeBufferPointer<UInt8>, into found: UnsafeMutablePointer<UInt32>) -> Int {
            guard start != 0, let cells = cells.baseAddress, let failure = failure.baseAddress, let classes = classes.baseAddress,
                  let wrapped = wrapped.baseAddress, let rowState = rowState.baseAddress, let rowBase = rowBase.baseAddress else { return 0 }
            let space = space
            let start = start
            let startBase = cells[Int(start)].base
            let rootBase = cells[0].base
            var state = start
            var base = startBase
            var count = 0
            @inline(__always) func step(_ byteClass: UInt32) {
                var next = (base & SubstringMatchAutomaton.baseMask) &+ byteClass
                var cell = cells[Int(next)]
                if cell.check == state {
                    state = next
                    base = cell.base
                    return
                }
                while true {
                    if base & SubstringMatchAutomaton.failRootFlag != 0 {
                        if byteClass == space { state = start; base = startBase } else { state = 0; base = rootBase }
                        return
                    }
                    if base & SubstringMatchAutomaton.failSpaceFlag != 0 {
                        state = rowState[Int(byteClass)]
                        base = rowBase[Int(byteClass)]
                        return
                    }
                    state = failure[Int(state)]
                    base = cells[Int(state)].base
                    next = (base & SubstringMatchAutomaton.baseMask) &+ byteClass
                    cell = cells[Int(next)]
                    if cell.check == state {
                        state = next
                        base = cell.base
                        return
                    }
                }
            }
            @inline(__always) func record() {
                if base & SubstringMatchAutomaton.outputFlag != 0 {
                    found[count] = state
                    count &+= 1
                }
            }
            for byte in caption {
                let byteClass = UInt32(classes[Int(byte)])
                if byteClass != UInt32(SubstringMatchAutomaton.wrappedMarker) {
                    step(byteClass)
                    if byteClass == space { record() }
                } else {
                    step(space)
                    record()
                    step(UInt32(wrapped[Int(byte)]))
                    step(space)
                    record()
                }
            }
            step(space)
            record()
            return count
        }
    }

    // MARK: Construction

    /// The trie under construction: per node its class label, first child, next sibling
    /// (children in class order), and the range of `order` holding the entries ending there.
    struct Trie {
        var label: [UInt8] = [0]
        var firstChild: [Int32] = [-1]
        var nextSibling: [Int32] = [-1]
        var ownFirst: [Int32] = [-1]
        var ownCount: [Int32] = [0]

        func ownEntries(_ node: Int, order: [Int32]) -> ArraySlice<Int32> {
            let first = Int(ownFirst[node])
            return first < 0 ? [] : order[first..<(first + Int(ownCount[node]))]
        }
    }

    /// Entry ids sorted by their key bytes (ties by id, so repeats keep their input order).
    static func sortedOrder(keys: [UInt8], starts: [Int]) -> [Int32] {
        var order = (0..<Int32(starts.count - 1)).map { $0 }
        keys.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return }
            order.sort { a, b in
                let startA = starts[Int(a)], lengthA = starts[Int(a) + 1] - startA
                let startB = starts[Int(b)], lengthB = starts[Int(b) + 1] - startB
                let common = memcmp(base + startA, base + startB, min(lengthA, lengthB))
                if common != 0 { return common < 0 }
                if lengthA != lengthB { return lengthA < lengthB }
                return a < b
            }
        }
        return order
    }

    static func buildTrie(keys: [UInt8], starts: [Int], order: [Int32]) throws -> Trie {
        var trie = Trie()
        var lastChild: [Int32] = [-1]
        var path: [Int32] = [0]  // nodes along the previous key: path[d] is at depth d
        var previous: ArraySlice<UInt8> = []
        for (rank, entry) in order.enumerated() {
            let key = keys[starts[Int(entry)]..<starts[Int(entry) + 1]]
            var common = 0
            while common < key.count, common < previous.count,
                  key[key.startIndex + common] == previous[previous.startIndex + common] { common += 1 }
            path.removeSubrange((common + 1)...)
            for depth in common..<key.count {
                let parent = Int(path[depth])
                let node = Int32(trie.label.count)
                guard node < Int32.max else { throw FreqBenchError("too many entries: the trie exceeds 2^31 states") }
                trie.label.append(key[key.startIndex + depth])
                trie.firstChild.append(-1)
                trie.nextSibling.append(-1)
                trie.ownFirst.append(-1)
                trie.ownCount.append(0)
                lastChild.append(-1)
                if lastChild[parent] < 0 { trie.firstChild[parent] = node } else { trie.nextSibling[Int(lastChild[parent])] = node }
                lastChild[parent] = node
                path.append(node)
            }
            let terminal = Int(path[key.count])
            if trie.ownFirst[terminal] < 0 { trie.ownFirst[terminal] = Int32(rank) }
            trie.ownCount[terminal] += 1
            previous = key
        }
        return trie
    }

    static func breadthFirstOrder(_ trie: Trie) -> [UInt32] {
        var order: [UInt32] = [0]
        order.reserveCapacity(trie.label.count)
        var position = 0
        while position < order.count {
            var child = trie.firstChild[Int(order[position])]
            while child >= 0 {
                order.append(UInt32(child))
                child = trie.nextSibling[Int(child)]
            }
            position += 1
        }
        return order
    }

    /// First-fit double-array bases in breadth-first order, on a bitmap of used cells.
    /// `end` is one past the last used cell.
    static func placeBases(_ trie: Trie, order: [UInt32]) -> (base: [UInt32], end: Int) {
        var base = [UInt32](repeating: 0, count: trie.label.count)
        var used: [UInt64] = [1]  // cell 0: the root
        var end = 1
        var searchStart = 1  // no free cell below it
        func isUsed(_ cell: Int) -> Bool {
            let word = cell >> 6
            return word < used.count && used[word] & (1 << UInt64(cell & 63)) != 0
        }
        func markUsed(_ cell: Int) {
            let word = cell >> 6
            while word >= used.count { used.append(0) }
            used[word] |= 1 << UInt64(cell & 63)
        }
        func nextFree(_ from: Int) -> Int {
            var word = from >> 6
            guard word < used.count else { return from }
            var bits = ~used[word] & (~0 << UInt64(from & 63))
            while bits == 0 {
                word += 1
                guard word < used.count else { return word << 6 }
                bits = ~used[word]
            }
            return word << 6 + bits.trailingZeroBitCount
        }
        var labels: [Int] = []
        for stored in order {
            let node = Int(stored)
            labels.removeAll(keepingCapacity: true)
            var child = trie.firstChild[node]
            while child >= 0 {
                labels.append(Int(trie.label[Int(child)]))
                child = trie.nextSibling[Int(child)]
            }
            guard let first = labels.first else { continue }
            searchStart = nextFree(searchStart)
            var cell = nextFree(max(searchStart, first))
            var attempts = 0
            while true {
                let candidate = cell - first
                if labels.dropFirst().allSatisfy({ !isUsed(candidate + $0) }) { break }
                attempts += 1
                // Bounded search: past a crowded stretch, place it after the last used cell
                // (every cell from `end` on is free, so that always fits).
                cell = attempts < 256 ? nextFree(cell + 1) : max(end, first)
            }
            let chosen = cell - first
            base[node] = UInt32(chosen)
            for label in labels {
                markUsed(chosen + label)
                end = max(end, chosen + label + 1)
            }
        }
        return (base, end)
    }
}
