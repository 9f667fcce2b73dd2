import Foundation

/// Evaluates every checkpoint of a training run into one `evaluation_metrics_all.csv`
/// (ProtoCLIP's table: a row per checkpoint, a column per metric), resumably.
///
/// Checkpoints are the entries of a directory, in natural name order (`epoch_2` before
/// `epoch_10`): a TorchScript file (`.pt`, `.ts`, `.jit`) is encoded on each evaluation set
/// (a directory with `images.pt`, `labels.pt`, `classnames.json` and optionally
/// `templates.json`); a directory is a checkpoint whose zero-shot features were computed
/// elsewhere, holding `<dataset>.h5` per dataset. Finished rows are kept: after each
/// checkpoint the CSV is rewritten atomically, so a killed run continues where it stopped.
public struct CheckpointSeries: Sendable {
    /// One checkpoint: a model to run, or a directory of precomputed features.
    public enum Checkpoint: Sendable, Equatable {
        case model(URL)
        case features(URL)
    }

    /// A dataset to encode with model checkpoints.
    public struct EvaluationSet: Sendable {
        public let name: String
        public let images: URL
        public let labels: URL
        public let catalog: PromptCatalog

        /// Reads the set directory `images.pt`, `labels.pt`, `classnames.json`, `templates.json` (optional).
        public init(directory: URL) throws {
            name = directory.lastPathComponent
            images = directory.appendingPathComponent("images.pt")
            labels = directory.appendingPathComponent("labels.pt")
            let classnamesURL = directory.appendingPathComponent("classnames.json")
            let classnames = try ClassNameList.read(classnamesURL)
            let templatesURL = directory.appendingPathComponent("templates.json")
            let templates = FileManager.default.fileExists(atPath: templatesURL.path) ? try ClassNameList.read(templatesURL) : []
            catalog = PromptCatalog(dataset: name, classnames: classnames, templates: templates, classnamesFile: classnamesURL.path)
        }
    }

    public let directory: URL
    /// Datasets evaluated from feature directories (`<dataset>.h5`).
    public var featureDatasets: [String]
    /// Datasets evaluated with model checkpoints.
    public var evaluationSets: [EvaluationSet]
    public var prompt: PromptMode
    public var precision: ScoringPrecision
    public var vocabulary: URL

    public init(directory: URL, featureDatasets: [String] = [], evaluationSets: [EvaluationSet] = [],
                prompt: PromptMode = .ensemble, precision: ScoringPrecision = .float32,
                vocabulary: URL = ClipTokenizer.defaultVocabulary) {
        self.directory = directory
        self.featureDatasets = featureDatasets
        self.evaluationSets = evaluationSets
        self.prompt = prompt
        self.precision = precision
        self.vocabulary = vocabulary
    }

    /// The checkpoints in `directory`, in natural name order (other files are ignored).
    public static func discover(_ directory: URL) throws -> [(name: String, checkpoint: Checkpoint)] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
            throw FreqBenchError("cannot list the checkpoint directory", file: directory.path)
        }
        var found = [(name: String, checkpoint: Checkpoint)]()
        for name in names where !name.hasPrefix(".") {
            let url = directory.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                found.append((name, .features(url)))
            } else if ["pt", "ts", "jit"].contains(url.pathExtension) {
                found.append((url.deletingPathExtension().lastPathComponent, .model(url)))
            }
        }
        return found.sorted { naturalOrder($0.name, $1.name) }
    }

    /// Compares names with digit runs as numbers (`epoch_2` < `epoch_10`), then bytewise.
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        func parts(_ text: String) -> [(Bool, String)] {
            var result = [(Bool, String)]()
            for character in text {
                let digit = character.isASCII && character.isNumber
                if let last = result.last, last.0 == digit { result[result.count - 1].1.append(character) } else { result.append((digit, String(character))) }
            }
            return result
        }
        let (left, right) = (parts(a), parts(b))
        for (x, y) in zip(left, right) where x.1 != y.1 {
            if x.0 && y.0, let m = Int(x.1), let n = Int(y.1), m != n { return m < n }
            return x.1 < y.1
        }
        return left.count != right.count ? left.count < right.count : a < b
    }

    /// The CSV columns: `checkpoint`, then per dataset top-1, top-5 and mean per-class recall (percent).
    public var header: [String] {
        ["checkpoint"] + (featureDatasets + evaluationSets.map(\.name)).flatMap {
            ["\($0)-zeroshot-top1", "\($0)-zeroshot-top5", "\($0)-zeroshot-mean-per-class-recall"]
        }
    }

    /// Evaluates the checkpoints missing from `csv` (at most `limit` of them) and rewrites it after
    /// each; returns the names evaluated in this call.
    @discardableResult
    public func run(csv: URL, limit: Int? = nil, progress: ProgressBar? = nil) throws -> [String] {
        let checkpoints = try Self.discover(directory)
        var rows = try EvaluationMetricsTable.read(csv, header: header)
        var evaluated = [String]()
        var classLists = [String: ClassNameSource]()
        for (name, checkpoint) in checkpoints where rows[name] == nil {
            if let limit, evaluated.count >= limit { break }
            rows[name] = try evaluate(checkpoint, classLists: &classLists)
            let order = Dictionary(uniqueKeysWithValues: checkpoints.enumerated().map { ($1.name, $0) })
            try EvaluationMetricsTable.write(rows, header: header, order: { order[$0] ?? Int.max }, to: csv)
            evaluated.append(name)
            progress?.advance()
        }
        return evaluated
    }

    /// The metrics of one checkpoint. `classLists` holds the class names each dataset had at
    /// the first checkpoint evaluated: a later checkpoint's `<dataset>.h5` must agree with them,
    /// since a CSV column is one dataset's metric across the run.
    private func evaluate(_ checkpoint: Checkpoint, classLists: inout [String: ClassNameSource]) throws -> [String] {
        let scorer = ZeroShotScorer(precision: precision)
        var values = [String]()
        func append(_ outcome: ZeroShotOutcome) {
            values += [outcome.fullAccuracy, outcome.topKAccuracy, 100 * outcome.meanPerClassRecall].map(JSONNumber.format)
        }
        switch checkpoint {
        case .features(let folder):
            guard evaluationSets.isEmpty else {
                throw FreqBenchError("a feature directory cannot be evaluated on model evaluation sets", file: folder.path)
            }
            for dataset in featureDatasets {
                let features = try ZeroShotFeatures.readHDF5(folder.appendingPathComponent("\(dataset).h5"))
                if let first = classLists[dataset] {
                    try features.classnameSource.requireAgreement(with: first)
                } else {
                    classLists[dataset] = features.classnameSource
                }
                append(try scorer.score(features))
            }
        case .model(let url):
            guard featureDatasets.isEmpty else {
                throw FreqBenchError("a model checkpoint needs evaluation sets, not feature datasets", file: url.path)
            }
            let encoder = ZeroShotModelEncoder(module: try TorchScriptModule(url), tokenizer: try ClipTokenizer(vocabulary: vocabulary))
            for set in evaluationSets {
                append(try scorer.score(try encoder.features(images: set.images, labels: set.labels, catalog: set.catalog, mode: prompt)))
            }
        }
        return values
    }
}
