import Foundation

/// The content of an image index in memory: for each (threshold, tag), the sorted sample ids
/// tagged with that tag at that threshold.
///
/// This is the narrow interface between building/merging and storage: one sorted list of
/// sample ids per key, keys ordered threshold-major (`key(threshold:tag:)`), tags in file order.
/// The lists are stored one after another in `ids`; list `k` is `ids[offsets[k]..<offsets[k+1]]`.
public struct ImagePostings: Sendable, Equatable {
    public var precision: TagPrecision
    /// Ascending.
    public var thresholds: [TagThreshold]
    /// Tag names in column order of the probabilities.
    public var tags: [String]
    /// Number of samples (probability rows) the index covers.
    public var sampleCount: Int
    /// Whether a sample id may occur more than once in a list (upstream's concatenation of
    /// shard hits; see `--allow-duplicate-ids`).
    public var duplicateIDsAllowed: Bool
    /// All lists, concatenated.
    public var ids: [UInt32]
    /// `thresholds.count * tags.count + 1` list boundaries into `ids`.
    public var offsets: [Int]

    public init(precision: TagPrecision, thresholds: [TagThreshold], tags: [String], sampleCount: Int,
                duplicateIDsAllowed: Bool, ids: [UInt32] = [], offsets: [Int]? = nil) {
        self.precision = precision
        self.thresholds = thresholds
        self.tags = tags
        self.sampleCount = sampleCount
        self.duplicateIDsAllowed = duplicateIDsAllowed
        self.ids = ids
        self.offsets = offsets ?? [Int](repeating: 0, count: thresholds.count * tags.count + 1)
    }

    /// The list index of (threshold `t`, tag `j`).
    @inline(__always)
    public func key(threshold t: Int, tag j: Int) -> Int { t * tags.count + j }

    /// Number of lists.
    public var listCount: Int { offsets.count - 1 }

    /// List `key`.
    public func list(_ key: Int) -> ArraySlice<UInt32> { ids[offsets[key]..<offsets[key + 1]] }

    /// The total number of postings.
    public var postingCount: Int { ids.count }

    /// Sorts every list and returns the first sample id that occurs twice in one list, if any.
    mutating func sortAndFindDuplicate() -> UInt32? {
        var duplicate: UInt32?
        let offsets = self.offsets
        ids.withUnsafeMutableBufferPointer { all in
            for key in 0..<(offsets.count - 1) {
                var list = UnsafeMutableBufferPointer(rebasing: all[offsets[key]..<offsets[key + 1]])
                if !Self.isSorted(UnsafeBufferPointer(list)) { list.sort() }
                if duplicate == nil, let repeated = Self.firstRepeat(UnsafeBufferPointer(list)) { duplicate = repeated }
            }
        }
        return duplicate
    }

    static func isSorted<C: Collection>(_ list: C) -> Bool where C.Element == UInt32 {
        var previous: UInt32 = 0
        var first = true
        for id in list {
            if !first, id < previous { return false }
            previous = id
            first = false
        }
        return true
    }

    static func firstRepeat<C: Collection>(_ sorted: C) -> UInt32? where C.Element == UInt32 {
        var previous: UInt32 = 0
        var first = true
        for id in sorted {
            if !first, id == previous { return id }
            previous = id
            first = false
        }
        return nil
    }
}
