import Foundation

/// The zero-shot classifier: one unit vector per class, built from prompt embeddings.
///
/// As CLIP_benchmark's `zero_shot_classifier`: each prompt's text embedding is L2-normalized,
/// the class's embeddings are averaged over its prompt templates, and the mean is normalized
/// again. A classifier matrix given directly (C×D) is the one-template case. Classes may have
/// different numbers of prompts (clip-rocket's synonym lists: every template × every synonym).
public struct ZeroShotClassifier: Sendable, Equatable {
    /// Row-major C×D unit vectors, one row per class.
    public let weights: [Float]
    public let classCount: Int
    public let dimension: Int
    /// Classes whose weights are all zero: their text features are all zero (or their prompts'
    /// unit vectors cancel out), so every logit for them is 0 and they are predicted only where
    /// no other class scores above 0 — almost never. `ZeroShotScorer` warns about them.
    public let zeroClasses: [Int]

    /// Builds the classifier from `classCount × promptCount × dimension` raw text embeddings.
    public init(textFeatures: [Float], classCount: Int, promptCount: Int, dimension: Int, file: String? = nil) throws {
        guard classCount > 0, promptCount > 0, dimension > 0,
              textFeatures.count == classCount * promptCount * dimension else {
            throw FreqBenchError("text features: \(textFeatures.count) values do not fill \(classCount) classes × \(promptCount) prompts × \(dimension) dimensions",
                                 file: file, location: "dataset text_features")
        }
        try self.init(textFeatures: textFeatures, promptCounts: Array(repeating: promptCount, count: classCount), dimension: dimension, file: file)
    }

    /// Builds the classifier from raw text embeddings with `promptCounts[i]` consecutive rows for
    /// class i — clip-rocket's synonym lists give classes different numbers of prompts (every
    /// template × every synonym), and each class is the renormalized mean of its own unit vectors.
    public init(textFeatures: [Float], promptCounts: [Int], dimension: Int, file: String? = nil) throws {
        let rows = promptCounts.reduce(0, +)
        guard !promptCounts.isEmpty, promptCounts.allSatisfy({ $0 > 0 }), dimension > 0, textFeatures.count == rows * dimension else {
            throw FreqBenchError("text features: \(textFeatures.count) values do not fill \(rows) prompt rows (\(promptCounts.count) classes) × \(dimension) dimensions",
                                 file: file, location: "dataset text_features")
        }
        let classStarts = promptCounts.reduce(into: [0]) { $0.append($0[$0.count - 1] + $1) }
        if let bad = textFeatures.firstIndex(where: { !$0.isFinite }) {
            let row = bad / dimension
            let classIndex = classStarts.lastIndex(where: { $0 <= row }) ?? 0
            throw FreqBenchError("text feature value \(textFeatures[bad]) is not finite",
                                 file: file, location: "dataset text_features, class \(classIndex), prompt \(row - classStarts[classIndex])")
        }
        var normalized = textFeatures
        VectorNormalization.normalizeRows(&normalized, dimension: dimension)
        let classCount = promptCounts.count
        var weights = [Float](repeating: 0, count: classCount * dimension)
        for classIndex in 0..<classCount {
            // torch's mean(dim=0): sum over prompts in order, then divide by the count.
            for row in classStarts[classIndex]..<classStarts[classIndex + 1] {
                let source = row * dimension
                for d in 0..<dimension { weights[classIndex * dimension + d] += normalized[source + d] }
            }
            for d in 0..<dimension { weights[classIndex * dimension + d] /= Float(promptCounts[classIndex]) }
        }
        VectorNormalization.normalizeRows(&weights, dimension: dimension)
        self.zeroClasses = (0..<classCount).filter { classIndex in
            weights[(classIndex * dimension)..<((classIndex + 1) * dimension)].allSatisfy { $0 == 0 }
        }
        self.weights = weights
        self.classCount = classCount
        self.dimension = dimension
    }
}
