import Foundation

/// Everything zero-shot classification needs, read from features instead of a model:
/// image features (streamed), labels, class names and per-class per-prompt text features.
///
/// HDF5 layout (see docs/FORMATS.md, "Zero-shot features"): `image_features` N×D, `labels` N
/// (integer class indices, or class names from `classnames`), `classnames` C strings, `text_features` C×P×D raw embeddings (or C×D, one prompt),
/// or — when classes have different numbers of prompts (clip-rocket synonym lists) — (ΣPᵢ)×D
/// with `prompt_counts` C (class i's prompts are the next Pᵢ rows).
/// Torch layout: a directory with `image_features.pt`, `labels.pt`, `text_features.pt` and
/// `classnames.json` (a JSON array of strings), or those four paths given one by one.
public struct ZeroShotFeatures: Sendable {
    public let images: any FeatureRows
    /// Class index of each image, in 0..<classnames.count.
    public let labels: [Int]
    public let classnames: [String]
    /// Raw text embeddings, row-major: class 0's prompts, then class 1's, …; `promptCounts[i]`
    /// rows of `dimension` values for class i.
    public let textFeatures: [Float]
    /// Prompts (text embedding rows) of each class; all equal unless synonym lists differ in length.
    public let promptCounts: [Int]
    /// The file the text features came from, for messages.
    public let textOrigin: String
    /// The class names and the file (and dataset) they were read from, for agreement checks.
    public let classnameSource: ClassNameSource

    /// Prompts per class when every class has the same number (C×P×D text features); nil otherwise.
    public var promptCount: Int? {
        guard let first = promptCounts.first, promptCounts.allSatisfy({ $0 == first }) else { return nil }
        return first
    }

    /// Checks shapes and label ranges; `labelsOrigin` names the labels' file in errors.
    ///
    /// `textShape` is C×P×D or C×D; with `promptCounts` (one count per class, uneven prompt
    /// lists) it is (ΣPᵢ)×D. `classnamesOrigin` says where the class names were read (default:
    /// the text features' file).
    public init(images: any FeatureRows, labels: [Int], labelsOrigin: (file: String, location: String?),
                classnames: [String], textFeatures: [Float], textShape: [Int], textOrigin: String,
                promptCounts: [Int]? = nil, classnamesOrigin: (file: String, location: String?)? = nil) throws {
        let textLocation = "dataset text_features"
        let counts: [Int]
        let dimension = textShape.last ?? 0
        if let promptCounts {
            guard textShape.count == 2 else {
                throw FreqBenchError("with prompt_counts, expected text features of shape prompts × dimension, found \(textShape)",
                                     file: textOrigin, location: textLocation)
            }
            guard promptCounts.count == classnames.count else {
                throw FreqBenchError("prompt_counts has \(promptCounts.count) classes but there are \(classnames.count) class names",
                                     file: textOrigin, location: "dataset prompt_counts")
            }
            if let bad = promptCounts.firstIndex(where: { $0 < 1 }) {
                throw FreqBenchError("class \(bad) has \(promptCounts[bad]) prompts: expected at least one",
                                     file: textOrigin, location: "dataset prompt_counts")
            }
            guard promptCounts.reduce(0, +) == textShape[0] else {
                throw FreqBenchError("prompt_counts add up to \(promptCounts.reduce(0, +)) prompts, but text_features has \(textShape[0]) rows",
                                     file: textOrigin, location: textLocation)
            }
            counts = promptCounts
        } else {
            guard textShape.count == 3 || textShape.count == 2 else {
                throw FreqBenchError("expected text features of shape classes × prompts × dimension (or classes × dimension), found \(textShape)",
                                     file: textOrigin, location: textLocation)
            }
            guard textShape[0] == classnames.count else {
                throw FreqBenchError("text features have \(textShape[0]) classes but there are \(classnames.count) class names",
                                     file: textOrigin, location: textLocation)
            }
            counts = Array(repeating: textShape.count == 3 ? textShape[1] : 1, count: classnames.count)
        }
        guard dimension == images.dimension else {
            throw FreqBenchError("feature dimension mismatch: text features have \(dimension), image features (\(images.origin.file)) have \(images.dimension)",
                                 file: textOrigin, location: textLocation)
        }
        guard labels.count == images.rowCount else {
            throw FreqBenchError("\(labels.count) labels for \(images.rowCount) image feature rows",
                                 file: labelsOrigin.file, location: labelsOrigin.location)
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classnames.count }) {
            throw FreqBenchError("label \(labels[bad]) out of range: expected 0..<\(classnames.count) (one per class name)",
                                 file: labelsOrigin.file, location: (labelsOrigin.location.map { $0 + ", " } ?? "") + "row \(bad)")
        }
        self.images = images
        self.labels = labels
        self.classnames = classnames
        self.textFeatures = textFeatures
        self.promptCounts = counts
        self.textOrigin = textOrigin
        let origin = classnamesOrigin ?? (textOrigin, nil)
        self.classnameSource = ClassNameSource(names: classnames, file: origin.file, location: origin.location)
    }

    /// Reads the HDF5 layout; image features stay on disk and are streamed by the scorer.
    public static func readHDF5(_ url: URL) throws -> ZeroShotFeatures {
        let file = try HDF5File.open(url)
        let images = try HDF5FeatureRows(try file.dataset("image_features"))
        let labelSet = try file.dataset("labels")
        guard labelSet.shape.count == 1 else {
            throw FreqBenchError("expected 1-D labels, found shape \(labelSet.shape)", file: url.path, location: "dataset labels")
        }
        let classnames = try file.dataset("classnames").readStrings()
        let labels: [Int]
        if labelSet.elementType == .string {
            // Labels given as class names: each must be one of `classnames`.
            let index = Dictionary(classnames.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            labels = try labelSet.readStrings().enumerated().map { row, name in
                guard let label = index[name] else {
                    throw FreqBenchError("class name \"\(name)\" is not in dataset classnames (\(classnames.count) names)",
                                         file: url.path, location: "dataset labels, row \(row)")
                }
                return label
            }
        } else {
            labels = try labelSet.readInt64().map { Int($0) }
        }
        let text = try file.dataset("text_features")
        let textValues = try text.readFloat32()
        var promptCounts: [Int]?
        if file.contains("prompt_counts") {
            let counts = try file.dataset("prompt_counts")
            guard counts.shape.count == 1 else {
                throw FreqBenchError("expected 1-D prompt_counts, found shape \(counts.shape)", file: url.path, location: "dataset prompt_counts")
            }
            promptCounts = try counts.readInt64().map { Int($0) }
        }
        return try ZeroShotFeatures(
            images: images, labels: labels, labelsOrigin: (url.path, "dataset labels"),
            classnames: classnames, textFeatures: textValues, textShape: text.shape, textOrigin: url.path,
            promptCounts: promptCounts, classnamesOrigin: (url.path, "dataset classnames"))
    }

    /// Reads torch `.pt` tensors (saved with `torch.save(tensor)`) and a JSON class-name list.
    public static func readTensors(imageFeatures: URL, labels: URL, textFeatures: URL, classnames: URL) throws -> ZeroShotFeatures {
        let image = try Torch.readTensor(imageFeatures)
        guard image.shape.count == 2 else {
            throw FreqBenchError("expected a 2-D image feature tensor, found shape \(image.shape)", file: imageFeatures.path)
        }
        let rows = try InMemoryFeatureRows(values: image.values, rowCount: image.shape[0], dimension: image.shape[1], file: imageFeatures.path)
        let labelTensor = try Torch.readTensor(labels)
        guard labelTensor.shape.count == 1 else {
            throw FreqBenchError("expected a 1-D label tensor, found shape \(labelTensor.shape)", file: labels.path)
        }
        let labelValues = try labelTensor.values.enumerated().map { index, value -> Int in
            guard value.isFinite, value == value.rounded(), abs(value) < 16_777_216 else {
                throw FreqBenchError("label \(value) is not an integer class index", file: labels.path, location: "element \(index)")
            }
            return Int(value)
        }
        let text = try Torch.readTensor(textFeatures)
        let names = try ClassNameList.read(classnames)
        return try ZeroShotFeatures(
            images: rows, labels: labelValues, labelsOrigin: (labels.path, nil),
            classnames: names, textFeatures: text.values, textShape: text.shape, textOrigin: textFeatures.path,
            classnamesOrigin: (classnames.path, nil))
    }

    /// Reads a directory holding `image_features.pt`, `labels.pt`, `text_features.pt`, `classnames.json`.
    public static func readTensorDirectory(_ directory: URL) throws -> ZeroShotFeatures {
        try readTensors(
            imageFeatures: directory.appendingPathComponent("image_features.pt"),
            labels: directory.appendingPathComponent("labels.pt"),
            textFeatures: directory.appendingPathComponent("text_features.pt"),
            classnames: directory.appendingPathComponent("classnames.json"))
    }

    /// Reads `url` as HDF5, or as a tensor directory when it is a directory.
    public static func read(_ url: URL) throws -> ZeroShotFeatures {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return try readTensorDirectory(url)
        }
        return try readHDF5(url)
    }
}

/// A JSON array of class names (`classnames.json`), read with errors that name the file.
public enum ClassNameList {
    public static func read(_ url: URL) throws -> [String] {
        let value = try JSONParser.parse(contentsOf: url)
        guard let items = value.arrayValue else {
            throw FreqBenchError("expected a JSON array of class names", file: url.path)
        }
        return try items.enumerated().map { index, item in
            guard let name = item.stringValue else {
                throw FreqBenchError("class name \(index) is not a string", file: url.path)
            }
            return name
        }
    }
}
