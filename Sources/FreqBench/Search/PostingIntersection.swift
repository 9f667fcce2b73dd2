/// Intersection of sorted, distinct id arrays: the kernel of every multi-word count.
///
/// - one list over 32 times longer: each id of the short one is found by galloping
///   (exponential then binary search) in the long one;
/// - the short list dense over its id span (the usual case for frequent terms): it is
///   scattered into a bitmap over that span and the long list's ids inside the span are
///   tested against it — independent loads, no data-dependent branches, about 10× a merge;
/// - otherwise a branch-free merge.
public enum PostingIntersection {
    /// Writes `a ∩ b` to `output` (room for `min(a.count, b.count)` ids) and returns its size.
    /// `output` may be the storage of `a` or `b`. `bitmap` is scratch space, grown as needed.
    public static func intersect(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>,
                                 into output: UnsafeMutablePointer<UInt32>, bitmap: inout [UInt64]) -> Int {
        let (short, long) = a.count <= b.count ? (a, b) : (b, a)
        guard let s = short.baseAddress, let l = long.baseAddress, !short.isEmpty else { return 0 }
        if short.count * 32 < long.count {
            return gallop(s, short.count, l, long.count, into: output)
        }
        let words = Int(s[short.count - 1] >> 6) - Int(s[0] >> 6) + 1
        if words <= 4 * (short.count + long.count) {
            if bitmap.count < words { bitmap = [UInt64](repeating: 0, count: words) }
            return bitmap.withUnsafeMutableBufferPointer { scratch in
                guard let bits = scratch.baseAddress else { return 0 }
                return viaBitmap(s, short.count, l, long.count, bits: bits, into: output)
            }
        }
        return merge(s, short.count, l, long.count, into: output)
    }

    /// `intersect` with a temporary bitmap.
    public static func intersect(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>,
                                 into output: UnsafeMutablePointer<UInt32>) -> Int {
        var bitmap: [UInt64] = []
        return intersect(a, b, into: output, bitmap: &bitmap)
    }

    /// Scatters `a` into `bits` (one bit per id of its span), then keeps the ids of `b` whose
    /// bit is set. The store into `output` is unconditional; `k` advances only on a hit.
    static func viaBitmap(_ a: UnsafePointer<UInt32>, _ na: Int, _ b: UnsafePointer<UInt32>, _ nb: Int,
                          bits: UnsafeMutablePointer<UInt64>, into output: UnsafeMutablePointer<UInt32>) -> Int {
        let low = a[0], high = a[na - 1]
        let base = Int(low >> 6)
        let words = Int(high >> 6) - base + 1
        bits.update(repeating: 0, count: words)
        for i in 0..<na {
            let x = a[i]
            bits[Int(x >> 6) - base] |= 1 << UInt64(x & 63)
        }
        // The part of b inside [low, high].
        var lo = 0, hi = nb
        while lo < hi { let mid = (lo + hi) >> 1; if b[mid] < low { lo = mid + 1 } else { hi = mid } }
        let start = lo
        hi = nb
        while lo < hi { let mid = (lo + hi) >> 1; if b[mid] <= high { lo = mid + 1 } else { hi = mid } }
        let end = lo
        var k = 0
        var j = start
        while j < end && k < na {      // k < na keeps the unconditional store in bounds
            let y = b[j]
            output[k] = y
            k &+= Int(truncatingIfNeeded: (bits[Int(y >> 6) - base] >> UInt64(y & 63)) & 1)
            j += 1
        }
        return k
    }

    /// Branch-free merge. Inside the loop `k <= min(i, j)`, so the unconditional store stays
    /// within the output (and never overtakes the reads when `output` aliases an input).
    @inline(__always)
    static func merge(_ a: UnsafePointer<UInt32>, _ na: Int, _ b: UnsafePointer<UInt32>, _ nb: Int,
                      into output: UnsafeMutablePointer<UInt32>) -> Int {
        var i = 0, j = 0, k = 0
        while i < na && j < nb {
            let x = a[i], y = b[j]
            output[k] = x
            k &+= x == y ? 1 : 0
            i &+= x <= y ? 1 : 0
            j &+= y <= x ? 1 : 0
        }
        return k
    }

    static func gallop(_ a: UnsafePointer<UInt32>, _ na: Int, _ b: UnsafePointer<UInt32>, _ nb: Int,
                       into output: UnsafeMutablePointer<UInt32>) -> Int {
        var k = 0
        var low = 0
        for i in 0..<na {
            let x = a[i]
            // Exponential search for the first b[position] >= x, from `low`.
            var step = 1
            var high = low
            while high < nb && b[high] < x {
                low = high + 1
                high += step
                step <<= 1
            }
            high = min(high, nb)
            while low < high {
                let middle = (low + high) >> 1
                if b[middle] < x { low = middle + 1 } else { high = middle }
            }
            if low == nb { break }
            if b[low] == x {
                output[k] = x
                k += 1
                low += 1
            }
        }
        return k
    }
}
