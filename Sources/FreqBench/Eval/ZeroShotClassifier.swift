import Foundation

/// The zero-shot classifier: one unit vector per class, built from prompt embeddings.
///
/// As CLIP_benchmark's `zero_shot_classifier`: each prompt's text embedding is L2-normalized,
/// the class's embeddings are averaged over its prompt templates, and the mean is normalized
/// again. A classifier matrix given directly (C×D) is the one-template case.
public struct ZeroShotClassifier: Sendable, Equatable {
    /// Row-major C×D unit vectors, one row per class.
    public let weights: [Float]
    public let classCount: Int
    public let dimension: Int

    /// Builds the classifier from `classCount × promptCount × dimension` raw text embeddings.
    public init(textFeatures: [Float], classCount: Int, promptCount: Int, dimension: Int, file: String? = nil) throws {
        guard classCount > 0, promptCount > 0, dimension > 0,
              textFeatures.count == classCount * promptCount * dimension else {
            throw FreqBenchError("text features: \(textFeatures.count) values do not fill \(classCount) classes × \(promptCount) prompts × \(dimension) dimensions",
                                 file: file, location: "dataset text_features")
        }
        if let bad = textFeatures.firstIndex(where: { !$0.isFinite }) {
            let row = bad / dimension
            throw FreqBenchError("text feature value \(textFeatures[bad]) is not finite",
                                 file: file, location: "dataset text_features, class \(row / promptCount), prompt \(row % promptCount)")
        }
        var normalized = textFeatures
        VectorNormalization.normalizeRows(&normalized, dimension: dimension)
        var weights = [Float](repeating: 0, count: classCount * dimension)
        for classIndex in 0..<classCount {
            // torch's mean(dim=0): sum over prompts in order, then divide by the count.
            for prompt in 0..<promptCount {
                let source = (classIndex * promptCount + prompt) * dimension
                for d in 0..<dimension { weights[classIndex * dimension + d] += normalized[source + d] }
            }
            for d in 0..<dimension { weights[classIndex * dimension + d] /= Float(promptCount) }
        }
        VectorNormalization.normalizeRows(&weights, dimension: dimension)
        self.weights = weights
        self.classCount = classCount
        self.dimension = dimension
    }
}
