import CRoaring

/// CRoaring measured on the same data as FreqBench's own postings codec: serialized size
/// (portable format, after run optimisation) and intersection-count speed.
public enum RoaringComparison {
    /// Total portable serialized bytes of one run-optimized bitmap per posting list.
    public static func serializedBytes(_ lists: [[UInt32]]) -> Int {
        var total = 0
        for ids in lists {
            guard let bitmap = makeBitmap(ids) else { continue }
            total += roaring_bitmap_portable_size_in_bytes(bitmap)
            roaring_bitmap_free(bitmap)
        }
        return total
    }

    /// Seconds per `roaring_bitmap_and_cardinality` of `a` and `b` (best of `repeats`),
    /// and the cardinality.
    public static func intersectionSeconds(_ a: [UInt32], _ b: [UInt32], repeats: Int) -> (seconds: Double, count: Int) {
        guard let left = makeBitmap(a), let right = makeBitmap(b) else { return (0, 0) }
        defer { roaring_bitmap_free(left); roaring_bitmap_free(right) }
        var best = Double.infinity
        var count = 0
        for _ in 0..<repeats {
            let start = ContinuousClock.now
            count = Int(roaring_bitmap_and_cardinality(left, right))
            best = min(best, (ContinuousClock.now - start).seconds)
        }
        return (best, count)
    }

    private static func makeBitmap(_ ids: [UInt32]) -> UnsafeMutablePointer<roaring_bitmap_t>? {
        let bitmap = ids.withUnsafeBufferPointer { roaring_bitmap_of_ptr($0.count, $0.baseAddress) }
        if let bitmap { _ = roaring_bitmap_run_optimize(bitmap) }
        return bitmap
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
