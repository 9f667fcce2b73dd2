/// One of N contiguous shards of a row range (`--shard I/N`), 0-based: shard I covers rows
/// `I*total/N ..< (I+1)*total/N`, so merging all N shards reproduces a single build.
public struct RowShard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, index >= 0, index < count else {
            throw FreqBenchError("shard \(index)/\(count) is not of the form I/N with 0 <= I < N")
        }
        self.index = index
        self.count = count
    }

    /// Parses `I/N`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw FreqBenchError("shard '\(text)' is not of the form I/N")
        }
        try self.init(index: index, count: count)
    }

    /// The rows of `total` this shard covers.
    public func rows(of total: Int) -> Range<Int> {
        (index * total / count)..<((index + 1) * total / count)
    }

    public var description: String { "\(index)/\(count)" }
}
