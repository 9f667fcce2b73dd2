/// One shard of a sharded index build: the records whose id is `index` modulo `count`.
///
/// Sharding is over records (id mod N), so every shard reads the whole corpus (ids stay
/// global and each shard computes the same corpus digest) but annotates only its own
/// records; `index merge` then interleaves the shards' posting lists.
public struct ShardSpec: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    /// The whole corpus as one shard.
    public static let whole = ShardSpec(uncheckedIndex: 0, count: 1)

    public init(index: Int, count: Int) throws {
        guard count >= 1, count <= Int(UInt32.max), index >= 0, index < count else {
            throw FreqBenchError("invalid shard \(index)/\(count): expected I/N with 0 <= I < N")
        }
        self.index = index
        self.count = count
    }

    private init(uncheckedIndex: Int, count: Int) {
        self.index = uncheckedIndex
        self.count = count
    }

    /// Parses `I/N`, e.g. `0/4`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw FreqBenchError("invalid shard '\(text)': expected I/N, e.g. 0/4")
        }
        try self.init(index: index, count: count)
    }

    /// Whether record `id` belongs to this shard.
    @inline(__always)
    public func contains(_ id: Int) -> Bool { id % count == index }

    public var description: String { "\(index)/\(count)" }
}
