/// The k largest values of a row of logits, ties going to the lower column: the row's top-k
/// classes, as `torch.topk` on CPU orders them (sort by value descending, then index).
///
/// One scan in column order offers values to a sorted list of k; a value enters a full list
/// only when strictly above its k-th (an equal later column loses the tie) and is placed after
/// equal values already there. Any scan that offers every member of the true top-k in column
/// order ends with the same list, so most values can be skipped unseen:
///
/// 1. The maxima of the row's 16-value groups (4-lane vector maxima) give a lower bound: the
///    k-th largest group maximum is ≤ the row's k-th best, since k different groups hold a value
///    at least that large.
/// 2. A second pass compares 16 values at a time with the bound and offers only the quads that
///    hold a value ≥ it — usually a handful per row instead of a branch per value.
///
/// Rows with fewer than k full groups, or with a NaN, take the plain scan (4-lane tests against
/// the running k-th best), which has the same result.
enum TopKSelection {
    /// Fills `topValues[0..<n]` and `topIndices[0..<n]` (n = min(k, count), returned) with the
    /// top of `values[0..<count]`, best first. Both outputs hold at least `k` elements.
    static func select(_ values: UnsafePointer<Float>, count: Int, k: Int,
                       topValues: UnsafeMutablePointer<Float>, topIndices: UnsafeMutablePointer<Int>) -> Int {
        var list = SortedList(k: k, values: topValues, indices: topIndices)
        let raw = UnsafeRawPointer(values)
        let stride = MemoryLayout<Float>.stride
        let groups = count / 16
        if k > 0, groups >= k, let bound = groupBound(raw, groups: groups, k: k, scratch: list) {
            // Pass 2: offer, in column order, every value ≥ the bound.
            let threshold = SIMD4<Float>(repeating: bound)
            var column = 0
            while column + 16 <= count {
                let offset = column * stride
                let q0 = raw.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self) .>= threshold
                let q1 = raw.loadUnaligned(fromByteOffset: offset + 4 * stride, as: SIMD4<Float>.self) .>= threshold
                let q2 = raw.loadUnaligned(fromByteOffset: offset + 8 * stride, as: SIMD4<Float>.self) .>= threshold
                let q3 = raw.loadUnaligned(fromByteOffset: offset + 12 * stride, as: SIMD4<Float>.self) .>= threshold
                if any((q0 .| q1) .| (q2 .| q3)) {
                    offer(q0, from: column, of: values, atLeast: bound, to: &list)
                    offer(q1, from: column + 4, of: values, atLeast: bound, to: &list)
                    offer(q2, from: column + 8, of: values, atLeast: bound, to: &list)
                    offer(q3, from: column + 12, of: values, atLeast: bound, to: &list)
                }
                column += 16
            }
            while column < count {
                if values[column] >= bound { list.offer(values[column], column) }
                column += 1
            }
            return list.filled
        }
        // The plain scan: fill with the first k, then test 16 at a time against the k-th best.
        var column = 0
        while column < count, list.filled < k {
            list.offer(values[column], column)
            column += 1
        }
        while column + 16 <= count {
            let offset = column * stride
            let threshold = SIMD4<Float>(repeating: list.kth)
            let q0 = raw.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self) .> threshold
            let q1 = raw.loadUnaligned(fromByteOffset: offset + 4 * stride, as: SIMD4<Float>.self) .> threshold
            let q2 = raw.loadUnaligned(fromByteOffset: offset + 8 * stride, as: SIMD4<Float>.self) .> threshold
            let q3 = raw.loadUnaligned(fromByteOffset: offset + 12 * stride, as: SIMD4<Float>.self) .> threshold
            if any((q0 .| q1) .| (q2 .| q3)) {
                for lane in column..<column + 16 { list.offer(values[lane], lane) }
            }
            column += 16
        }
        while column < count {
            list.offer(values[column], column)
            column += 1
        }
        return list.filled
    }

    /// Offers the four values from `first` that are ≥ `bound`, when the quad's mask has any.
    @inline(__always)
    private static func offer(_ quad: SIMDMask<SIMD4<Float.SIMDMaskScalar>>, from first: Int, of values: UnsafePointer<Float>,
                              atLeast bound: Float, to list: inout SortedList) {
        guard any(quad) else { return }
        for lane in first..<first + 4 where values[lane] >= bound { list.offer(values[lane], lane) }
    }

    /// The k-th largest of the group maxima, or nil when a group holds a NaN. `scratch` is an
    /// empty list of k whose storage (the caller's output, overwritten afterwards) holds the maxima.
    private static func groupBound(_ raw: UnsafeRawPointer, groups: Int, k: Int, scratch: SortedList) -> Float? {
        var maxima = scratch
        let stride = MemoryLayout<Float>.stride
        var nan = SIMDMask<SIMD4<Float.SIMDMaskScalar>>(repeating: false)
        for group in 0..<groups {
            let offset = group * 16 * stride
            let v0 = raw.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
            let v1 = raw.loadUnaligned(fromByteOffset: offset + 4 * stride, as: SIMD4<Float>.self)
            let v2 = raw.loadUnaligned(fromByteOffset: offset + 8 * stride, as: SIMD4<Float>.self)
            let v3 = raw.loadUnaligned(fromByteOffset: offset + 12 * stride, as: SIMD4<Float>.self)
            nan = nan .| (v0 .!= v0) .| (v1 .!= v1) .| (v2 .!= v2) .| (v3 .!= v3)
            let m01 = v0.replacing(with: v1, where: v1 .> v0)
            let m23 = v2.replacing(with: v3, where: v3 .> v2)
            let m = m01.replacing(with: m23, where: m23 .> m01)
            let high = Swift.max(Swift.max(m[0], m[1]), Swift.max(m[2], m[3]))
            maxima.offer(high, group)
        }
        guard !any(nan), maxima.filled == k else { return nil }
        return maxima.kth
    }

    /// A list of at most k (value, column) pairs sorted by value descending, ties by arrival.
    private struct SortedList {
        let k: Int
        let values: UnsafeMutablePointer<Float>
        let indices: UnsafeMutablePointer<Int>
        var filled = 0
        /// The k-th best value once full (−∞ before).
        var kth = -Float.infinity

        init(k: Int, values: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Int>) {
            self.k = k
            self.values = values
            self.indices = indices
        }

        /// Inserts `value` when the list is not full or it is strictly above the k-th best.
        @inline(__always)
        mutating func offer(_ value: Float, _ column: Int) {
            guard filled < k || value > kth else { return }
            var position = filled < k ? filled : k - 1
            while position > 0, value > values[position - 1] {
                values[position] = values[position - 1]
                indices[position] = indices[position - 1]
                position -= 1
            }
            values[position] = value
            indices[position] = column
            if filled < k { filled += 1 }
            kth = values[filled - 1]
        }
    }
}
