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

    /// Stores freshly computed entries (`values`: `entrySize` floats per key, in order) while
    /// there is room, and returns where each one is readable from now on: its slot, or nil
    /// when it was not kept (the caller keeps using its own copy).
    func store(_ keys: [Key], values: UnsafePointer<Float>) -> [UnsafePointer<Float>?] {
        let first = state.withLock { state -> Int in
            let start = state.reserved
            state.reserved = min(capacity, start + keys.count)
            return start
        }
        let kept = min(keys.count, capacity - first)
        if kept <= 0 { return Array(repeating: nil, count: keys.count) }
        (storage + first * entrySize).update(from: values, count: kept * entrySize)
        return state.withLock { state in
            (0..<keys.count).map { index -> UnsafePointer<Float>? in
                guard index < kept else { return nil }
                // Another thread may have stored the same type meanwhile; either copy is equal.
                let slot = state.slots[keys[index]] ?? (first + index)
                state.slots[keys[index]] = slot
                return UnsafePointer(storage + slot * entrySize)
            }
        }
    }
}
