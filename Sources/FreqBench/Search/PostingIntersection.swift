/// Intersection of sorted, distinct id arrays: the kernel of every multi-word count.
///
/// Lists of similar length are merged branch-free (one compare per step, no
/// mispredictions); when one list is over 32 times longer, each id of the short one is
/// found by galloping (exponential then binary search) in the long one.
public enum PostingIntersection {
    /// Writes `a ∩ b` to `output` (room for `min(a.count, b.count)` ids) and returns its size.
    /// `output` may be `a`'s own storage.
    public static func intersect(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>,
                                 into output: UnsafeMutablePointer<UInt32>) -> Int {
        let (short, long) = a.count <= b.count ? (a, b) : (b, a)
        guard let s = short.baseAddress, let l = long.baseAddress, !short.isEmpty else { return 0 }
        if short.count * 32 < long.count {
            return gallop(s, short.count, l, long.count, into: output)
        }
        return merge(s, short.count, l, long.count, into: output)
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
