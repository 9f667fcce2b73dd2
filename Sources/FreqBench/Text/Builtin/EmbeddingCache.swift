import Synchronization

/// The per-token-type work of `TaggerNetwork`, kept across chunks and threads: for each
/// (text, special-case NORM, space after) its mixed embedding followed by the first encoder
/// layer's three block products.
///
/// Entries live in one fixed arena of `capacity` slots, allocated once and filled as types
/// are first seen (untouched pages cost no memory), so readers get a plain pointer: no
/// array per entry, no reference counting in the inner loops. A slot is written before its
/// key is published under the lock and never changes afterwards, so a pointer handed out
/// stays valid and unchanged for the cache's lifetime. When the arena is full, new types
/// are computed per chunk and not kept.
final class EmbeddingCache: @unchecked Sendable {
    // @unchecked: `storage` is written only in slots reserved under `state`'s lock and
    // published (made readable) under the same lock afterwards.
    struct Key: Hashable, Sendable {
        var text: String
        var norm: String?
        var spaceAfter: Bool
    }

    private struct State {
        var slots: [Key: Int] = [:]
        var reserved = 0
    }

    /// Floats per entry.
    let entrySize: Int
    /// The most entries kept.
    let capacity: Int
    private let storage: UnsafeMutablePointer<Float>
    private let state = Mutex(State())

    init(entrySize: Int, capacity: Int) {
        self.entrySize = entrySize
        self.capacity = capacity
        // Huge pages asked for: readers gather rows from entries all over the arena, and
        // 2 MiB pages keep those reads (and first touches) from missing the TLB page by page.
        let count = max(1, capacity * entrySize)
        storage = HugePages.allocate(byteCount: count * MemoryLayout<Float>.stride).bindMemory(to: Float.self, capacity: count)
        // No rehashing while the cache fills.
        state.withLock { $0.slots.reserveCapacity(capacity) }
    }

    deinit { storage.deallocate() }

    /// The cached entry of every key, nil where the type has not been computed yet.
    func entries(_ keys: [Key]) -> [UnsafePointer<Float>?] {
        state.withLock { state in
            keys.map { key in state.slots[key].map { UnsafePointer(storage + $0 * entrySize) } }
        }
    }

    /// Reserves slots for `count` new entries, in one run of the arena: returns where the
    /// run starts and how many of the entries fit (the first `kept`; none once the arena is
    /// full). The caller writes the entries there, then publishes them with `publish`.
    func reserve(_ count: Int) -> (slots: UnsafeMutablePointer<Float>, kept: Int) {
        let first = state.withLock { state -> Int in
            let start = state.reserved
            state.reserved = min(capacity, start + count)
            return start
        }
        return (storage + min(first, capacity) * entrySize, max(0, min(count, capacity - first)))
    }

    /// Makes the entries written at `slots` (from `reserve`, one per key, in order) readable
    /// and returns where each key's entry is read from now on.
    func publish(_ keys: ArraySlice<Key>, at slots: UnsafeMutablePointer<Float>) -> [UnsafePointer<Float>] {
        let first = (slots - storage) / entrySize
        return state.withLock { state in
            keys.enumerated().map { index, key in
                // Another thread may have stored the same type meanwhile; either copy is equal.
                let slot = state.slots[key] ?? (first + index)
                state.slots[key] = slot
                return UnsafePointer(storage + slot * entrySize)
            }
        }
    }
}
