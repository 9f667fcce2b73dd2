import ArgumentParser
import Foundation
import FreqBench

/// `freqbench eval`: zero-shot classification and retrieval evaluation.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate zero-shot classification and retrieval from features.",
        subcommands: [EvalZeroShotCommand.self, EvalRetrievalCommand.self])
}

extension ScoringPrecision: ExpressibleByArgument {}

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
        let progress = ProgressBar("zero-shot", total: input.images.rowCount)
        let outcome = try ZeroShotScorer(precision: precision, batchRows: batchRows).score(input, progress: progress)
        progress.finish()
        let outURL = URL(fileURLWithPath: out)
        try EvaluationResultsFile.merge(ZeroShotReport.entry(outcome), modelKey: modelKey, kind: .classwise, into: outURL)
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
