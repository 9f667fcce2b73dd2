import Dispatch
import Foundation

/// Scores image features against a zero-shot classifier, streaming over the rows.
///
/// Per batch of rows: L2-normalize the image features, one BLAS sgemm for
/// `logits = 100 · features · classifierᵀ`, then (in parallel over row chunks) top-1 and top-k
/// by descending logit with ties going to the lower class index. Memory is bounded by the batch
/// size, not by N. Results are integer counts, identical for any batch size or thread count.
public struct ZeroShotScorer: Sendable {
    public var precision: ScoringPrecision
    /// Rows read and multiplied at a time.
    public var batchRows: Int
    /// Worker count for the per-row ranking (the sgemm uses OpenBLAS's own threads).
    public var workers: Int

    public init(precision: ScoringPrecision = .float32, batchRows: Int = 4096,
                workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.precision = precision
        self.batchRows = max(1, batchRows)
        self.workers = max(1, workers)
    }

    /// Builds the classifier from the features' text embeddings and scores every image.
    public func score(_ features: ZeroShotFeatures, progress: ProgressBar? = nil) throws -> ZeroShotOutcome {
        let classifier = try ZeroShotClassifier(
            textFeatures: features.textFeatures, classCount: features.classnames.count,
            promptCount: features.promptCount, dimension: features.images.dimension, file: features.textOrigin)
        return try score(images: features.images, labels: features.labels, classifier: classifier,
                         classnames: features.classnames, progress: progress)
    }

    /// Scores `images` (one row per label) against `classifier`.
    public func score(images: any FeatureRows, labels: [Int], classifier: ZeroShotClassifier,
                      classnames: [String], progress: ProgressBar? = nil) throws -> ZeroShotOutcome {
        precondition(labels.count == images.rowCount && classifier.dimension == images.dimension && classnames.count == classifier.classCount)
        var weights = classifier.weights
        precision.round(&weights)
        var outcome = ZeroShotOutcome(classnames: classnames, precision: precision)
        var start = 0
        while start < images.rowCount {
            let range = start..<min(start + batchRows, images.rowCount)
            let logits = try self.logits(images: images, rows: range, weights: weights, classCount: classifier.classCount)
            outcome.merge(rank(logits, labels: labels, rows: range, classnames: classnames))
            progress?.advance(by: range.count)
            start = range.upperBound
        }
        return outcome
    }

    /// The logits of rows `rows`: `range.count × classCount`, row-major, in this scorer's precision.
    public func logits(images: any FeatureRows, rows: Range<Int>, classifier: ZeroShotClassifier) throws -> [Float] {
        var weights = classifier.weights
        precision.round(&weights)
        return try logits(images: images, rows: rows, weights: weights, classCount: classifier.classCount)
    }

    private func logits(images: any FeatureRows, rows range: Range<Int>, weights: [Float], classCount: Int) throws -> [Float] {
        let dimension = images.dimension
        var features = try images.rows(range)
        try images.requireFinite(features, firstRow: range.lowerBound)
        VectorNormalization.normalizeRows(&features, dimension: dimension)
        precision.round(&features)
        // sgemm with beta = 0 writes every element, so the buffer need not be zero-filled first.
        var logits = [Float](unsafeUninitializedCapacity: range.count * classCount) { _, count in
            count = range.count * classCount
        }
        features.withUnsafeBufferPointer { a in
            weights.withUnsafeBufferPointer { b in
                logits.withUnsafeMutableBufferPointer { c in
                    guard let a = a.baseAddress, let b = b.baseAddress, let c = c.baseAddress else { return }
                    BLAS.sgemm(a, b, c, m: range.count, n: classCount, k: dimension, transposeB: true, alpha: 100)
                }
            }
        }
        precision.round(&logits)
        return logits
    }

    /// Top-1/top-k counts of one batch of logits, computed over row chunks in parallel.
    func rank(_ logits: [Float], labels: [Int], rows: Range<Int>, classnames: [String]) -> ZeroShotOutcome {
        let classCount = classnames.count
        let rowCount = rows.count
        guard rowCount > 0, logits.count == rowCount * classCount else { return ZeroShotOutcome(classnames: classnames, precision: precision) }
        let chunks = min(workers, max(1, rowCount / 256))
        let storage = UnsafeMutablePointer<ZeroShotOutcome>.allocate(capacity: chunks)
        defer { storage.deallocate() }
        let partials = UncheckedBuffer(base: storage)
        let precision = self.precision
        logits.withUnsafeBufferPointer { buffer in
            let logits = UncheckedConstBuffer(base: buffer.baseAddress)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                guard let logits = logits.base, let partials = partials.base else { return }
                var partial = ZeroShotOutcome(classnames: classnames, precision: precision)
                let k = partial.topK
                let topValues = UnsafeMutablePointer<Float>.allocate(capacity: k)
                let topIndices = UnsafeMutablePointer<Int>.allocate(capacity: k)
                defer { topValues.deallocate(); topIndices.deallocate() }
                let lower = rowCount * chunk / chunks
                let upper = rowCount * (chunk + 1) / chunks
                for row in lower..<upper {
                    let values = logits + row * classCount
                    var filled = 0
                    var kth = -Float.infinity
                    for column in 0..<classCount {
                        let value = values[column]
                        // Strictly greater than the k-th: an equal later column loses the tie.
                        guard filled < k || value > kth else { continue }
                        var position = filled < k ? filled : k - 1
                        while position > 0, value > topValues[position - 1] {
                            topValues[position] = topValues[position - 1]
                            topIndices[position] = topIndices[position - 1]
                            position -= 1
                        }
                        topValues[position] = value
                        topIndices[position] = column
                        if filled < k { filled += 1 }
                        kth = topValues[filled - 1]
                    }
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
        }
        var outcome = ZeroShotOutcome(classnames: classnames, precision: precision)
        for chunk in 0..<chunks {
            outcome.merge(storage[chunk])
            (storage + chunk).deinitialize(count: 1)
        }
        return outcome
    }
}
