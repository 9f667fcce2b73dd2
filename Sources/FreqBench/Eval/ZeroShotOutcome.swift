/// The counts a zero-shot run produces, and the metrics derived from them.
///
/// Everything is kept as integer counts (so runs compare exactly, whatever the thread count);
/// accuracies are derived as upstream did: `100 * correct / samples` in double precision.
public struct ZeroShotOutcome: Sendable, Equatable {
    public let classnames: [String]
    public let precision: ScoringPrecision
    /// k of the top-k accuracy: 5, or the class count when there are fewer classes.
    public let topK: Int
    /// Test samples per class.
    public internal(set) var support: [Int]
    /// Samples of each class whose top-1 prediction is that class.
    public internal(set) var correctTop1: [Int]
    /// Samples of each class whose class is among the top-k predictions.
    public internal(set) var correctTopK: [Int]
    /// Samples predicted (top-1) as each class.
    public internal(set) var predicted: [Int]
    /// Samples whose largest logit is shared by more than one class (the lower class index wins).
    public internal(set) var tiedTop1: Int

    init(classnames: [String], precision: ScoringPrecision) {
        let count = classnames.count
        self.classnames = classnames
        self.precision = precision
        self.topK = min(5, count)
        support = Array(repeating: 0, count: count)
        correctTop1 = support
        correctTopK = support
        predicted = support
        tiedTop1 = 0
    }

    mutating func merge(_ other: ZeroShotOutcome) {
        for index in support.indices {
            support[index] += other.support[index]
            correctTop1[index] += other.correctTop1[index]
            correctTopK[index] += other.correctTopK[index]
            predicted[index] += other.predicted[index]
        }
        tiedTop1 += other.tiedTop1
    }

    /// Number of scored samples.
    public var samples: Int { support.reduce(0, +) }
    /// Samples whose top-1 prediction is right.
    public var totalCorrectTop1: Int { correctTop1.reduce(0, +) }
    /// Samples whose class is among the top-k predictions.
    public var totalCorrectTopK: Int { correctTopK.reduce(0, +) }

    /// Top-1 accuracy over samples, in percent (upstream's `full`).
    public var fullAccuracy: Double { percent(totalCorrectTop1, samples) ?? .nan }
    /// Top-k accuracy over samples, in percent.
    public var topKAccuracy: Double { percent(totalCorrectTopK, samples) ?? .nan }
    /// Top-1 accuracy of each class in percent (upstream's `classwise`); nil for a class without samples.
    public var classwiseAccuracy: [Double?] { support.indices.map { percent(correctTop1[$0], support[$0]) } }
    /// Recall of each class (fraction); nil without samples.
    public var recall: [Double?] { support.indices.map { fraction(correctTop1[$0], support[$0]) } }
    /// Precision of each class (fraction of its predictions that are right); nil when never predicted.
    public var classPrecision: [Double?] { support.indices.map { fraction(correctTop1[$0], predicted[$0]) } }
    /// Mean recall over the classes that have samples (scikit-learn's balanced accuracy), a fraction.
    public var meanPerClassRecall: Double {
        let values = recall.compactMap { $0 }
        return values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    private func percent(_ count: Int, _ total: Int) -> Double? {
        total == 0 ? nil : Double(100 * count) / Double(total)
    }

    private func fraction(_ count: Int, _ total: Int) -> Double? {
        total == 0 ? nil : Double(count) / Double(total)
    }
}
