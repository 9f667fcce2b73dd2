import Foundation

/// The Let-It-Wag analysis (`let_it_wag_eval.ipynb`, upstream README §4.10): ImageNet
/// accuracy against accuracy on the long-tailed Let-It-Wag test set for 40 models, with a
/// least-squares line each for models below and above 50 % ImageNet accuracy.
public struct LetItWagFit: Sendable, Equatable {
    /// One model: (backbone, pretraining, ImageNet %, Let-It-Wag %).
    public struct Model: Sendable, Equatable {
        public var key: String
        public var backbone: String
        public var pretraining: String
        public var imageNetAccuracy: Double
        public var letItWagAccuracy: Double
    }

    /// The model dropped from the ImageNet results before fitting.
    public static let droppedModel = "backboneViT-B-32_pretrainedlaion200m_train_test_sim_normalized"
    /// ImageNet accuracies the notebook hard-codes from open_clip's results table (models
    /// without an ImageNet ensemble result upstream).
    public static let hardCodedImageNetAccuracies: [String: [String: Double]] = [
        "openai": ["RN50": 59.82, "RN101": 62.28, "ViT-B-32": 63.32, "ViT-B-16": 68.34, "ViT-L-14": 75.54],
        "siglip": ["ViT-B-16": 78.49, "SO400M": 83.44, "ViT-L-16": 82.07],
        "metaclip400m": ["ViT-B-32": 65.58, "ViT-B-16": 70.80, "ViT-L-14": 76.20],
        "metaclip2.5b": ["ViT-B-32": 67.66, "ViT-B-16": 72.12, "ViT-L-14": 79.17, "ViT-H-14": 80.51],
        "commonpool": ["ViT-B-32": 23.04, "ViT-B-16": 57.77, "ViT-L-14": 76.37],
        "dfn": ["ViT-B-16": 76.24, "ViT-H-14": 83.44],
    ]
    public static let imageNetResults = "zero_shot_evaluations/imagenet_ensemble_results.json"
    public static let letItWagResults = "let_it_wag_datasets/evaluations/let_it_wag_ensemble_results.json"

    /// The models in sorted key order.
    public var models: [Model]
    /// The ImageNet value of the dropped model (printed as 38.554).
    public var droppedImageNetAccuracy: Double
    /// The fit over models with ImageNet < 50 and the one over ImageNet > 50.
    public var below50: LeastSquaresLine
    public var above50: LeastSquaresLine
    public var below50Count: Int
    public var above50Count: Int

    public init(data: UpstreamData) throws {
        var imageNet = try data.fullValues(Self.imageNetResults)
        guard let dropped = imageNet.removeValue(forKey: Self.droppedModel) else {
            throw FreqBenchError("model \(Self.droppedModel) is missing", file: data.url(for: Self.imageNetResults).path)
        }
        droppedImageNetAccuracy = dropped
        for (pretraining, backbones) in Self.hardCodedImageNetAccuracies {
            for (backbone, accuracy) in backbones { imageNet["backbone\(backbone)_pretrained\(pretraining)"] = accuracy }
        }
        let letItWag = try data.fullValues(Self.letItWagResults)
        models = try imageNet.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { key in
            guard let liw = letItWag[key], let accuracy = imageNet[key] else {
                throw FreqBenchError("model \(key) is missing", file: data.url(for: Self.letItWagResults).path)
            }
            let fields = key.split(separator: "_", omittingEmptySubsequences: false)
            return Model(key: key, backbone: String(fields.first ?? "").replacingOccurrences(of: "backbone", with: ""),
                         pretraining: String(fields.last ?? "").replacingOccurrences(of: "pretrained", with: ""),
                         imageNetAccuracy: accuracy, letItWagAccuracy: liw)
        }
        let low = models.filter { $0.imageNetAccuracy < 50 }
        let high = models.filter { $0.imageNetAccuracy > 50 }
        below50 = try LeastSquaresLine(x: low.map(\.imageNetAccuracy), y: low.map(\.letItWagAccuracy))
        above50 = try LeastSquaresLine(x: high.map(\.imageNetAccuracy), y: high.map(\.letItWagAccuracy))
        below50Count = low.count
        above50Count = high.count
    }
}
