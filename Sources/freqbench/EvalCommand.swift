import ArgumentParser
import Foundation
import FreqBench

/// `freqbench eval`: zero-shot classification and retrieval evaluation.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate zero-shot classification and retrieval from features.",
        subcommands: [EvalZeroShotCommand.self, EvalRetrievalCommand.self, EvalEncodeCommand.self, EvalCheckpointsCommand.self])
}

extension ScoringPrecision: ExpressibleByArgument {}
extension PromptMode: ExpressibleByArgument {}

/// Where class names and templates come from.
enum CatalogSource: String, ExpressibleByArgument {
    case clipBenchmark = "clip-benchmark", clipRocket = "clip-rocket", upstream

    /// Loads `dataset` from `directory`, or from the shared data's default place.
    func load(dataset: String, directory: String?, prompt: PromptMode) throws -> PromptCatalog {
        switch self {
        case .clipBenchmark:
            return try PromptCatalog.clipBenchmark(directory.map { URL(fileURLWithPath: $0) } ?? DataPaths.clipBenchmark, dataset: dataset)
        case .upstream:
            return try PromptCatalog.upstream(directory.map { URL(fileURLWithPath: $0) } ?? DataPaths.upstream, dataset: dataset,
                                              prompt: prompt == .ensemble ? .ensemble : prompt)
        case .clipRocket:
            guard let directory else { throw ValidationError("--catalog clip-rocket needs --catalog-dir (labels.json, templates.json, dataset_catalog.json)") }
            return try PromptCatalog.clipRocket(URL(fileURLWithPath: directory), dataset: dataset)
        }
    }
}

/// `freqbench eval zeroshot FEATURES --model-key KEY --out RESULTS.json`.
struct EvalZeroShotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zeroshot",
        abstract: "Zero-shot top-1 accuracy (full and per class) from image and text features.",
        discussion: """
        FEATURES is an HDF5 file (image_features N×D, labels N, classnames C, text_features C×P×D) or a \
        directory of torch tensors (image_features.pt, labels.pt, text_features.pt, classnames.json). \
        The four tensor paths can also be given one by one. The model's entry is merged into --out \
        (other model keys are kept).
        """)

    @Argument(help: "Features: an HDF5 file or a directory of .pt tensors.")
    var features: String?

    @Option(help: "Image features tensor (.pt), N×D.") var imageFeatures: String?
    @Option(help: "Labels tensor (.pt), N integers.") var labels: String?
    @Option(help: "Text features tensor (.pt), C×P×D or C×D.") var textFeatures: String?
    @Option(help: "Class names: a JSON array of C strings.") var classnames: String?

    @Option(help: "Model key, e.g. backboneRN50_pretrainedcc3m.") var modelKey: String
    @Option(help: "Upstream-shaped results JSON to write (merged with existing keys).") var out: String
    @Option(help: "Logit precision: float32 or fp16 (as upstream's autocast).") var precision: ScoringPrecision = .float32
    @Option(help: "Dataset name recorded in the CLIP_benchmark-shaped file.") var dataset: String?
    @Option(help: "Also write a CLIP_benchmark-shaped JSON with every metric here.") var benchmarkOut: String?
    @Option(help: "Image rows scored per batch.") var batchRows: Int = 4096
    @Option(help: "Check the class names against a catalog: clip-benchmark, clip-rocket or upstream.") var catalog: CatalogSource?
    @Option(help: "The catalog's directory (default: the shared data).") var catalogDir: String?
    @Option(help: "The dataset's name in the catalog (default: --dataset).") var catalogDataset: String?
    @Flag(help: "Print a JSON summary of every metric on stdout.") var json = false

    func run() throws {
        let input: ZeroShotFeatures
        if let features {
            input = try ZeroShotFeatures.read(URL(fileURLWithPath: features))
        } else if let imageFeatures, let labels, let textFeatures, let classnames {
            input = try ZeroShotFeatures.readTensors(
                imageFeatures: URL(fileURLWithPath: imageFeatures), labels: URL(fileURLWithPath: labels),
                textFeatures: URL(fileURLWithPath: textFeatures), classnames: URL(fileURLWithPath: classnames))
        } else {
            throw ValidationError("give FEATURES, or all of --image-features, --labels, --text-features and --classnames")
        }
        if let catalog {
            guard let name = catalogDataset ?? dataset else { throw ValidationError("--catalog needs --catalog-dataset or --dataset") }
            try catalog.load(dataset: name, directory: catalogDir, prompt: .ensemble).check(input.classnameSource)
        }
        let progress = ProgressBar("zero-shot", total: input.images.rowCount)
        let outcome = try ZeroShotScorer(precision: precision, batchRows: batchRows).score(input, progress: progress)
        progress.finish()
        let outURL = URL(fileURLWithPath: out)
        try EvaluationResultsFile.merge(ZeroShotReport.entry(outcome), modelKey: modelKey, kind: .classwise, into: outURL,
                                        classnames: input.classnameSource)
        let datasetName = dataset ?? URL(fileURLWithPath: features ?? imageFeatures ?? "features").deletingPathExtension().lastPathComponent
        let provenance = Provenance.current()
        if let benchmarkOut {
            try JSONWriter(indent: 4).write(
                ZeroShotReport.clipBenchmark(outcome, dataset: datasetName, modelKey: modelKey, provenance: provenance),
                to: URL(fileURLWithPath: benchmarkOut))
        }
        if json {
            print(JSONWriter(indent: 2).string(.object([
                "model_key": .string(modelKey), "out": .string(outURL.path),
                "metrics": ZeroShotReport.metrics(outcome), "provenance": provenance.json,
            ])))
        } else {
            print(String(format: "%@: top-1 %.2f%%, top-%d %.2f%% over %d samples (%d tied) -> %@",
                         modelKey, outcome.fullAccuracy, outcome.topK, outcome.topKAccuracy, outcome.samples, outcome.tiedTop1, outURL.path))
        }
    }
}

/// `freqbench eval retrieval FEATURES --dataset NAME --concepts CONCEPTS.json --model-key KEY --out-dir DIR`.
struct EvalRetrievalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "Text-to-image and image-to-text recall@1/5/10, full and per concept.",
        discussion: """
        FEATURES is an HDF5 file with image_features I×D and text_features (5·I)×D; caption t belongs to \
        image t/5. Writes NAME_{t2i,i2t}_k={1,5,10}_results.json into --out-dir, merging this model's \
        entry with the keys already there. Ties in similarity go to the lower index.
        """)

    @Argument(help: "Retrieval features (HDF5).") var features: String?
    @Option(help: "Image features tensor (.pt) instead of FEATURES.") var imageFeatures: String?
    @Option(help: "Caption features tensor (.pt) instead of FEATURES.") var textFeatures: String?
    @Option(help: "Dataset name used in the output file names (coco, flickr).") var dataset: String
    @Option(help: "CONCEPTS.json from `freqbench concepts retrieval`.") var concepts: String
    @Option(help: "Model key, e.g. backboneRN50_pretrainedcc3m.") var modelKey: String
    @Option(help: "Directory for the six result files.") var outDir: String
    @Option(help: "Captions per image.") var captionsPerImage: Int = 5
    @Option(help: "Also write a CLIP_benchmark-shaped JSON (recall@1/5/10 both ways) here.") var benchmarkOut: String?
    @Flag(help: "Print a JSON summary on stdout.") var json = false

    func run() throws {
        let input: RetrievalFeatures
        if let features {
            input = try RetrievalFeatures.readHDF5(URL(fileURLWithPath: features), captionsPerImage: captionsPerImage)
        } else if let imageFeatures, let textFeatures {
            input = try RetrievalFeatures.readTensors(imageFeatures: URL(fileURLWithPath: imageFeatures),
                                                      textFeatures: URL(fileURLWithPath: textFeatures), captionsPerImage: captionsPerImage)
        } else {
            throw ValidationError("give FEATURES, or both --image-features and --text-features")
        }
        let conceptMap = try RetrievalConcepts.read(URL(fileURLWithPath: concepts))
        try conceptMap.validate(captionCount: input.captions.rowCount, imageCount: input.images.rowCount, file: concepts)
        let progress = ProgressBar("retrieval", total: input.captions.rowCount + input.images.rowCount)
        let outcome = try RetrievalScorer().score(input, progress: progress)
        progress.finish()
        let files = try RetrievalReport.write(outcome, concepts: conceptMap, dataset: dataset, modelKey: modelKey,
                                              into: URL(fileURLWithPath: outDir))
        if let benchmarkOut {
            try JSONWriter(indent: 4).write(RetrievalReport.clipBenchmark(outcome, dataset: dataset, modelKey: modelKey, provenance: Provenance.current()),
                                            to: URL(fileURLWithPath: benchmarkOut))
        }
        var summary = [(String, JSONValue)]()
        for direction in RetrievalDirection.allCases {
            for k in RetrievalReport.defaultKs {
                let full = RetrievalReport.entry(outcome, direction: direction, k: k, concepts: conceptMap).full
                summary.append(("\(direction.rawValue)_k=\(k)", full.map { .double($0) } ?? .null))
            }
        }
        if json {
            print(JSONWriter(indent: 2).string(.object([
                "model_key": .string(modelKey), "dataset": .string(dataset),
                "recall": .object(.init(uniqueKeysWithValues: summary)),
                "files": .array(files.map { .string($0.path) }), "provenance": Provenance.current().json,
            ])))
        } else {
            print(summary.map { "\($0.0) \($0.1.doubleValue.map { String(format: "%.4f", $0) } ?? "-")" }.joined(separator: ", "))
        }
    }
}

/// `freqbench eval encode`: zero-shot features from a TorchScript model.
struct EvalEncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Compute zero-shot features (HDF5) with a TorchScript CLIP-like model.",
        discussion: """
        The model's encode_image runs on the preprocessed images (a .pt tensor, N×C×H×W) and its \
        encode_text on the CLIP-tokenized prompts of every class (needs the vocabulary: ci/setup-clip-vocab). \
        Class names and templates come from --classnames/--templates or a catalog. The output is the \
        "Zero-shot features" HDF5 layout that `eval zeroshot` reads.
        """)

    @Option(help: "TorchScript model with encode_image and encode_text.") var model: String
    @Option(help: "Preprocessed images (.pt), N×C×H×W.") var images: String
    @Option(help: "Labels (.pt), N integers.") var labels: String
    @Option(help: "Class names: a JSON array.") var classnames: String?
    @Option(help: "Templates with {c}: a JSON array (for --prompt ensemble).") var templates: String?
    @Option(help: "Catalog of class names and templates: clip-benchmark, clip-rocket or upstream.") var catalog: CatalogSource?
    @Option(help: "The catalog's directory (default: the shared data).") var catalogDir: String?
    @Option(help: "Dataset name in the catalog.") var dataset: String?
    @Option(help: "Prompts: simple, class or ensemble.") var prompt: PromptMode = .ensemble
    @Option(help: "Features file to write.") var out: String

    func run() throws {
        let promptCatalog: PromptCatalog
        if let catalog {
            guard let dataset else { throw ValidationError("--catalog needs --dataset") }
            promptCatalog = try catalog.load(dataset: dataset, directory: catalogDir, prompt: prompt)
            if let classnames { try promptCatalog.check(classnames: try ClassNameList.read(URL(fileURLWithPath: classnames)), file: classnames) }
        } else if let classnames {
            let names = try ClassNameList.read(URL(fileURLWithPath: classnames))
            let list = try templates.map { try ClassNameList.read(URL(fileURLWithPath: $0)) } ?? []
            promptCatalog = PromptCatalog(dataset: dataset ?? "dataset", classnames: names, templates: list)
        } else {
            throw ValidationError("give --classnames (and --templates) or --catalog with --dataset")
        }
        if prompt == .ensemble, promptCatalog.templates.isEmpty { throw ValidationError("--prompt ensemble needs templates") }
        let encoder = ZeroShotModelEncoder(module: try TorchScriptModule(URL(fileURLWithPath: model)), tokenizer: try ClipTokenizer())
        let features = try encoder.features(images: URL(fileURLWithPath: images), labels: URL(fileURLWithPath: labels),
                                            catalog: promptCatalog, mode: prompt)
        try ZeroShotFeaturesFile.write(features, to: URL(fileURLWithPath: out))
        let prompts = features.promptCount.map { "\($0)" } ?? "\(features.promptCounts.min() ?? 0)–\(features.promptCounts.max() ?? 0)"
        print("\(features.images.rowCount) images, \(features.classnames.count) classes × \(prompts) prompts, dimension \(features.images.dimension) -> \(out)")
    }
}

/// `freqbench eval checkpoints DIR`: every checkpoint of a run into evaluation_metrics_all.csv.
struct EvalCheckpointsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoints",
        abstract: "Evaluate every checkpoint in DIR into one evaluation_metrics_all.csv (resumable).",
        discussion: """
        Checkpoints are DIR's entries in natural order: TorchScript files (.pt, .ts, .jit), evaluated on each \
        --eval-set directory (images.pt, labels.pt, classnames.json, templates.json), or directories of \
        precomputed features (<dataset>.h5 for each --datasets name). Rows already in the CSV are kept; \
        the CSV is rewritten after each checkpoint, so a killed run continues where it stopped.
        """)

    @Argument(help: "Directory of checkpoints.") var directory: String
    @Option(help: "Datasets of feature-directory checkpoints, comma-separated (<dataset>.h5).") var datasets: String?
    @Option(help: "Evaluation set directory for model checkpoints (repeatable).") var evalSet: [String] = []
    @Option(help: "Prompts: simple, class or ensemble.") var prompt: PromptMode = .ensemble
    @Option(help: "Logit precision: float32 or fp16.") var precision: ScoringPrecision = .float32
    @Option(help: "CSV to write (default DIR/evaluation_metrics_all.csv).") var out: String?
    @Option(help: "Evaluate at most this many new checkpoints.") var limit: Int?
    @Flag(help: "Print a JSON summary on stdout.") var json = false

    func run() throws {
        let folder = URL(fileURLWithPath: directory)
        let series = CheckpointSeries(
            directory: folder,
            featureDatasets: datasets.map { $0.split(separator: ",").map(String.init) } ?? [],
            evaluationSets: try evalSet.map { try CheckpointSeries.EvaluationSet(directory: URL(fileURLWithPath: $0)) },
            prompt: prompt, precision: precision)
        let csv = out.map { URL(fileURLWithPath: $0) } ?? folder.appendingPathComponent("evaluation_metrics_all.csv")
        let total = try CheckpointSeries.discover(folder).count
        let progress = ProgressBar("checkpoints", total: total)
        let evaluated = try series.run(csv: csv, limit: limit, progress: progress)
        progress.finish()
        if json {
            print(JSONWriter(indent: 2).string(.object([
                "csv": .string(csv.path), "checkpoints": .int(total),
                "evaluated": .array(evaluated.map { .string($0) }), "provenance": Provenance.current().json,
            ])))
        } else {
            print("evaluated \(evaluated.count) of \(total) checkpoints -> \(csv.path)")
        }
    }
}
