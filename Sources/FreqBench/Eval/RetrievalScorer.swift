import Dispatch
import Foundation

/// The rank of every query's best positive, from which recall@k follows for any k.
///
/// Ranks count from 0: the number of candidates scoring strictly higher, plus those scoring
/// equal with a lower index (ties broken by the lower index). A query is correct at k when
/// its rank is below k.
public struct RetrievalOutcome: Sendable, Equatable {
    /// For each caption: the rank of its image among all images (text-to-image).
    public let textToImageRanks: [Int]
    /// For each image: the best rank of any of its captions among all captions (image-to-text).
    public let imageToTextRanks: [Int]

    /// Correctness of each query at k.
    public func correct(_ direction: RetrievalDirection, k: Int) -> [Bool] {
        ranks(direction).map { $0 < k }
    }

    public func ranks(_ direction: RetrievalDirection) -> [Int] {
        direction == .textToImage ? textToImageRanks : imageToTextRanks
    }
}

/// t2i (caption queries, image candidates) or i2t (image queries, caption candidates).
public enum RetrievalDirection: String, Sendable, CaseIterable {
    case textToImage = "t2i"
    case imageToText = "i2t"
}

/// Scores retrieval as CLIP_benchmark does: L2-normalized embeddings, similarity = dot product
/// in float32 (one sgemm per query batch), recall@k = a positive among the top k.
/// Memory is bounded by `batchRows` × the candidate count.
public struct RetrievalScorer: Sendable {
    public var batchRows: Int
    public var workers: Int

    public init(batchRows: Int = 1024, workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.batchRows = max(1, batchRows)
        self.workers = max(1, workers)
    }

    public func score(_ features: RetrievalFeatures, progress: ProgressBar? = nil) throws -> RetrievalOutcome {
        let perImage = features.captionsPerImage
        // Candidates are held normalized in memory (one side at a time); queries stream.
        let images = try normalizedAll(features.images)
        let t2i = try ranks(queries: features.captions, candidates: images, candidateCount: features.images.rowCount,
                            positives: { caption in caption / perImage..<caption / perImage + 1 }, progress: progress)
        let captions = try normalizedAll(features.captions)
        let i2t = try ranks(queries: features.images, candidates: captions, candidateCount: features.captions.rowCount,
                            positives: { image in image * perImage..<(image + 1) * perImage }, progress: progress)
        return RetrievalOutcome(textToImageRanks: t2i, imageToTextRanks: i2t)
    }

    /// Similarities of query rows `rows` against all candidates of the other side (for tests).
    public func similarities(_ features: RetrievalFeatures, textRows rows: Range<Int>) throws -> [Float] {
        let images = try normalizedAll(features.images)
        return try similarities(queries: features.captions, rows: rows, candidates: images, candidateCount: features.images.rowCount)
    }

    private func normalizedAll(_ rows: any FeatureRows) throws -> [Float] {
        var values = try rows.rows(0..<rows.rowCount)
        try rows.requireFinite(values, firstRow: 0)
        VectorNormalization.normalizeRows(&values, dimension: rows.dimension)
        return values
    }

    private func similarities(queries: any FeatureRows, rows range: Range<Int>, candidates: [Float], candidateCount: Int) throws -> [Float] {
        var batch = try queries.rows(range)
        try queries.requireFinite(batch, firstRow: range.lowerBound)
        VectorNormalization.normalizeRows(&batch, dimension: queries.dimension)
        var scores = [Float](repeating: 0, count: range.count * candidateCount)
        batch.withUnsafeBufferPointer { a in
            candidates.withUnsafeBufferPointer { b in
                scores.withUnsafeMutableBufferPointer { c in
                    guard let a = a.baseAddress, let b = b.baseAddress, let c = c.baseAddress else { return }
                    BLAS.sgemm(a, b, c, m: range.count, n: candidateCount, k: queries.dimension, transposeB: true)
                }
            }
        }
        return scores
    }

    private func ranks(queries: any FeatureRows, candidates: [Float], candidateCount: Int,
                       positives: @Sendable (Int) -> Range<Int>, progress: ProgressBar?) throws -> [Int] {
        var result = [Int](repeating: 0, count: queries.rowCount)
        var start = 0
        while start < queries.rowCount {
            let range = start..<min(start + batchRows, queries.rowCount)
            let scores = try similarities(queries: queries, rows: range, candidates: candidates, candidateCount: candidateCount)
            let chunks = min(workers, max(1, range.count / 16))
            result.withUnsafeMutableBufferPointer { output in
                let output = UncheckedBuffer(base: output.baseAddress)
                scores.withUnsafeBufferPointer { scores in
                    let scores = UncheckedConstBuffer(base: scores.baseAddress)
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        for row in range.count * chunk / chunks..<range.count * (chunk + 1) / chunks {
                            guard let base = scores.base.map({ $0 + row * candidateCount }) else { return }
                            var best = Int.max
                            for positive in positives(range.lowerBound + row) {
                                best = min(best, Self.rank(of: positive, in: base, count: candidateCount))
                            }
                            output.base?[range.lowerBound + row] = best
                        }
                    }
                }
            }
            progress?.advance(by: range.count)
            start = range.upperBound
        }
        return result
    }

    /// Candidates scoring above `target`, plus those scoring equal at a lower index.
    static func rank(of target: Int, in scores: UnsafePointer<Float>, count: Int) -> Int {
        let value = scores[target]
        var rank = 0
        for index in 0..<count {
            let score = scores[index]
            if score > value || (score == value && index < target) { rank += 1 }
        }
        return rank
    }
}

/// A raw pointer handed to `concurrentPerform` workers that write disjoint elements.
struct UncheckedBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>?
}

/// A raw pointer handed to `concurrentPerform` workers that only read.
struct UncheckedConstBuffer<Element>: @unchecked Sendable {
    let base: UnsafePointer<Element>?
}
