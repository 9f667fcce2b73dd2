import Dispatch
import Foundation

/// Scores image features against a zero-shot classifier, streaming over the rows.
///
/// Per batch of rows: L2-normalize the image features, one BLAS sgemm for
/// `logits = 100 · features · classifierᵀ`, then (in parallel over row chunks) top-1 and top-k
/// by descending logit with ties going to the lower class index. Memory is bounded by the batch
/// size, not by N: the feature and logit buffers are allocated once and reused. Results are
/// integer counts, identical for any batch size or thread count.
public struct ZeroShotScorer: Sendable {
    public var precision: ScoringPrecision
    /// Rows read and multiplied at a time.
    public var batchRows: Int
    /// Worker count for the per-row ranking (the sgemm uses OpenBLAS's own threads).
    public var workers: Int
    /// Where warnings go (classes with all-zero text features); standard error by default.
    public var warn: @Sendable (String) -> Void = ZeroShotScorer.warnOnStandardError

    /// Writes `message` and a newline to standard error.
    public static let warnOnStandardError: @Sendable (String) -> Void = { message in
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    public init(precision: ScoringPrecision = .float32, batchRows: Int = 4096,
                workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.precision = precision
        self.batchRows = max(1, batchRows)
        self.workers = max(1, workers)
    }

    /// Builds the classifier from the features' text embeddings and scores every image.
    public func score(_ features: ZeroShotFeatures, progress: ProgressBar? = nil) throws -> ZeroShotOutcome {
        let classifier = try ZeroShotClassifier(
            textFeatures: features.textFeatures, promptCounts: features.promptCounts,
            dimension: features.images.dimension, file: features.textOrigin)
        return try score(images: features.images, labels: features.labels, classifier: classifier,
                         classnames: features.classnames, progress: progress)
    }

    /// The warning for classes whose classifier weights are all zero, naming them (nil: none).
    static func zeroClassWarning(_ classes: [Int], classnames: [String]) -> String? {
        guard !classes.isEmpty else { return nil }
        let shown = classes.prefix(10).map { "\($0) \(JSONWriter().string(.string(classnames[$0])))" }.joined(separator: ", ")
        let more = classes.count > 10 ? " and \(classes.count - 10) more" : ""
        return "warning: \(classes.count == 1 ? "class" : "\(classes.count) classes") \(shown)\(more) "
            + "\(classes.count == 1 ? "has" : "have") all-zero text features: every logit for \(classes.count == 1 ? "it" : "them") is 0, "
            + "so \(classes.count == 1 ? "it is" : "they are") almost never predicted (check the text features or the prompts)"
    }

    /// Scores `images` (one row per label) against `classifier`.
    ///
    /// Per batch: the rows are checked and normalized (rows split over the workers) into a
    /// buffer reused for every batch and multiplied by one sgemm (OpenBLAS's own threads, as
    /// set by `BLAS.threads`) into one of two logits buffers; the batch is then ranked in the
    /// background while the next batch is normalized and multiplied into the other buffer, so
    /// the ranking fills the time OpenBLAS's threads would otherwise spin idle between calls.
    /// Every step is per row, so the counts do not depend on batch size, workers or timing.
    public func score(images: any FeatureRows, labels: [Int], classifier: ZeroShotClassifier,
                      classnames: [String], progress: ProgressBar? = nil) throws -> ZeroShotOutcome {
        precondition(labels.count == images.rowCount && classifier.dimension == images.dimension && classnames.count == classifier.classCount)
        if let warning = Self.zeroClassWarning(classifier.zeroClasses, classnames: classnames) { warn(warning) }
        var weights = classifier.weights
        precision.round(&weights)
        var outcome = ZeroShotOutcome(classnames: classnames, precision: precision)
        let capacity = min(batchRows, images.rowCount)
        guard capacity > 0 else { return outcome }
        let classCount = classifier.classCount
        let features = UnsafeMutableBufferPointer<Float>.allocate(capacity: capacity * images.dimension)
        let logits = [UnsafeMutableBufferPointer<Float>.allocate(capacity: capacity * classCount),
                      UnsafeMutableBufferPointer<Float>.allocate(capacity: capacity * classCount)]
        let ranked = UnsafeMutablePointer<ZeroShotOutcome>.allocate(capacity: 1)
        defer { features.deallocate(); logits.forEach { $0.deallocate() }; ranked.deallocate() }
        // The batch being ranked in the background: its rows, and the group to wait on.
        var pending: (rows: Int, group: DispatchGroup)?
        func collect() {
            guard let (rows, group) = pending else { return }
            group.wait()
            outcome.merge(ranked.move())
            progress?.advance(by: rows)
            pending = nil
        }
        // On an error, the background ranking still reads the buffers: wait before freeing them.
        defer { pending?.group.wait(); if pending != nil { ranked.deinitialize(count: 1) } }
        var start = 0
        var batch = 0
        while start < images.rowCount {
            let range = start..<min(start + batchRows, images.rowCount)
            let buffer = logits[batch % 2]
            try multiply(images: images, rows: range, weights: weights, classCount: classCount, features: features, logits: buffer)
            collect()
            let group = DispatchGroup()
            let source = UncheckedConstBuffer(base: UnsafePointer(buffer.baseAddress))
            let slot = UncheckedBuffer(base: ranked)
            let count = range.count * classCount
            DispatchQueue.global(qos: .userInitiated).async(group: group) {
                guard let base = source.base, let slot = slot.base else { return }
                slot.initialize(to: rank(UnsafeBufferPointer(start: base, count: count), labels: labels, rows: range, classnames: classnames))
            }
            pending = (range.count, group)
            start = range.upperBound
            batch += 1
        }
        collect()
        return outcome
    }

    /// The logits of rows `rows`: `range.count × classCount`, row-major, in this scorer's precision.
    public func logits(images: any FeatureRows, rows: Range<Int>, classifier: ZeroShotClassifier) throws -> [Float] {
        var weights = classifier.weights
        precision.round(&weights)
        let classCount = classifier.classCount
        let features = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, rows.count * images.dimension))
        defer { features.deallocate() }
        var result = [Float](repeating: 0, count: rows.count * classCount)
        try result.withUnsafeMutableBufferPointer { logits in
            try multiply(images: images, rows: rows, weights: weights, classCount: classCount, features: features, logits: logits)
        }
        // In fp16 mode the ranking rounds each logits row to half before comparing; do the same here.
        precision.round(&result)
        return result
    }

    /// Reads, checks and normalizes rows `range` into `features`, then `logits = 100 · features · weightsᵀ`
    /// (not yet rounded to half in fp16 mode: `rank` does that row by row).
    private func multiply(images: any FeatureRows, rows range: Range<Int>, weights: [Float], classCount: Int,
                          features: UnsafeMutableBufferPointer<Float>, logits: UnsafeMutableBufferPointer<Float>) throws {
        let dimension = images.dimension
        let rowCount = range.count
        guard rowCount > 0, let a = features.baseAddress, let c = logits.baseAddress else { return }
        // Each chunk normalizes its rows from the source into `features` (one pass: no separate
        // copy) and notes its first non-finite value.
        let chunks = chunkCount(rows: rowCount, work: dimension)
        let firstBad = UnsafeMutablePointer<(index: Int, value: Float)>.allocate(capacity: chunks)
        defer { firstBad.deallocate() }
        let badSlots = UncheckedBuffer(base: firstBad)
        let output = UncheckedBuffer(base: a)
        let precision = self.precision
        try images.withRows(range, scratch: features) { source in
            let input = UncheckedConstBuffer(base: source.baseAddress)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                guard let input = input.base, let output = output.base, let badSlots = badSlots.base else { return }
                let lower = rowCount * chunk / chunks
                let upper = rowCount * (chunk + 1) / chunks
                var bad: (index: Int, value: Float) = (.max, 0)
                for row in lower..<upper {
                    let values = input + row * dimension
                    let normalized = output + row * dimension
                    // torch.nn.functional.normalize: x / max(‖x‖₂, 1e-12).
                    let sum = Self.sumOfSquares(values, count: dimension)
                    if !sum.isFinite, let index = (0..<dimension).first(where: { !values[$0].isFinite }) {
                        bad = (row * dimension + index, values[index])
                        break
                    }
                    let norm = max(sum.squareRoot(), 1e-12)
                    for index in 0..<dimension { normalized[index] = values[index] / norm }
                    if precision == .fp16 {
                        for index in 0..<dimension { normalized[index] = Float(Float16(normalized[index])) }
                    }
                }
                (badSlots + chunk).initialize(to: bad)
            }
        }
        if let bad = (0..<chunks).map({ firstBad[$0] }).min(by: { $0.index < $1.index }), bad.index != .max {
            let location = (images.origin.location.map { $0 + ", " } ?? "") + "row \(range.lowerBound + bad.index / dimension)"
            throw FreqBenchError("feature value \(bad.value) is not finite", file: images.origin.file, location: location)
        }
        weights.withUnsafeBufferPointer { b in
            guard let b = b.baseAddress else { return }
            // beta = 0: every element of the logits is written, so the buffer needs no clearing.
            BLAS.sgemm(a, b, c, m: rowCount, n: classCount, k: dimension, transposeB: true, alpha: 100)
        }
    }

    /// Σ xᵢ² of one row in 16 interleaved partial sums (four 4-lane accumulators, lane i of
    /// accumulator j summing elements 16·n + 4·j + i), then the accumulators pairwise, the lanes
    /// in order, and the tail past the last full 16 in order — a fixed order, so every row's norm
    /// is the same whatever the batch or worker count, and a vector loop rather than one long
    /// dependent chain of additions.
    @inline(__always)
    static func sumOfSquares(_ values: UnsafePointer<Float>, count: Int) -> Float {
        let raw = UnsafeRawPointer(values)
        let stride = MemoryLayout<Float>.stride
        var a0 = SIMD4<Float>(), a1 = SIMD4<Float>(), a2 = SIMD4<Float>(), a3 = SIMD4<Float>()
        var index = 0
        while index + 16 <= count {
            let offset = index * stride
            let v0 = raw.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
            let v1 = raw.loadUnaligned(fromByteOffset: offset + 4 * stride, as: SIMD4<Float>.self)
            let v2 = raw.loadUnaligned(fromByteOffset: offset + 8 * stride, as: SIMD4<Float>.self)
            let v3 = raw.loadUnaligned(fromByteOffset: offset + 12 * stride, as: SIMD4<Float>.self)
            a0 += v0 * v0
            a1 += v1 * v1
            a2 += v2 * v2
            a3 += v3 * v3
            index += 16
        }
        let lanes = (a0 + a1) + (a2 + a3)
        var sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
        while index < count {
            sum += values[index] * values[index]
            index += 1
        }
        return sum
    }

    /// Row chunks for the workers: four per worker (`concurrentPerform` hands them out as workers
    /// free up, so one worker descheduled by other processes does not hold up the batch), but no
    /// chunk under ~256 rows of `work` 1,000.
    private func chunkCount(rows: Int, work: Int) -> Int {
        min(4 * workers, max(1, rows * max(work, 1) / 256_000))
    }

    /// Top-1/top-k counts of one batch of logits, computed over row chunks in parallel; each
    /// row's top-k (ties to the lower class index) by `TopKSelection`.
    func rank(_ logits: UnsafeBufferPointer<Float>, labels: [Int], rows: Range<Int>, classnames: [String]) -> ZeroShotOutcome {
        let classCount = classnames.count
        let rowCount = rows.count
        guard rowCount > 0, logits.count == rowCount * classCount, let base = logits.baseAddress else {
            return ZeroShotOutcome(classnames: classnames, precision: precision)
        }
        let chunks = chunkCount(rows: rowCount, work: classCount)
        let storage = UnsafeMutablePointer<ZeroShotOutcome>.allocate(capacity: chunks)
        defer { storage.deallocate() }
        let partials = UncheckedBuffer(base: storage)
        let precision = self.precision
        let source = UncheckedConstBuffer(base: base)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            guard let logits = source.base, let partials = partials.base else { return }
            var partial = ZeroShotOutcome(classnames: classnames, precision: precision)
            let k = partial.topK
            let topValues = UnsafeMutablePointer<Float>.allocate(capacity: k)
            let topIndices = UnsafeMutablePointer<Int>.allocate(capacity: k)
            let halfRow = UnsafeMutablePointer<Float>.allocate(capacity: precision == .fp16 ? classCount : 0)
            defer { topValues.deallocate(); topIndices.deallocate(); halfRow.deallocate() }
            let lower = rowCount * chunk / chunks
            let upper = rowCount * (chunk + 1) / chunks
            for row in lower..<upper {
                var values = logits + row * classCount
                if precision == .fp16 {
                    for column in 0..<classCount { halfRow[column] = Float(Float16(values[column])) }
                    values = UnsafePointer(halfRow)
                }
                let filled = TopKSelection.select(values, count: classCount, k: k, topValues: topValues, topIndices: topIndices)
                let label = labels[rows.lowerBound + row]
                let top = topIndices[0]
                partial.support[label] += 1
                partial.predicted[top] += 1
                if top == label { partial.correctTop1[label] += 1 }
                if (0..<filled).contains(where: { topIndices[$0] == label }) { partial.correctTopK[label] += 1 }
                // Another class with the top logit sits second (it lost on index).
                if filled > 1, topValues[1] == topValues[0] { partial.tiedTop1 += 1 }
            }
            (partials + chunk).initialize(to: partial)
        }
        var outcome = ZeroShotOutcome(classnames: classnames, precision: precision)
        for chunk in 0..<chunks {
            outcome.merge(storage[chunk])
            (storage + chunk).deinitialize(count: 1)
        }
        return outcome
    }
}
