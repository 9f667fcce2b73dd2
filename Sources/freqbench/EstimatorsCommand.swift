import ArgumentParser
import Foundation
import FreqBench

/// `freqbench estimators`: the published frequency estimators side by side.
struct EstimatorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimators",
        abstract: "Compare concept-frequency estimators (the paper's, clip-beyond-tail's, MetaCLIP's) on one concept list.",
        subcommands: [EstimatorsCompareCommand.self])
}

/// `freqbench estimators compare --counts NAME=FILE --counts NAME=FILE [--results R --model M] [--out J]`.
struct EstimatorsCompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Agreement of estimators' counts, their largest disagreements, and each one's fit of zero-shot accuracy against frequency.",
        discussion: """
            Each --counts is NAME=FILE: a JSON object concept -> count (the paper's search_counts, \
            FreqBench's search outputs) or concept<TAB>count lines (clip-beyond-tail's \
            class_frequency_*.txt). Concepts are matched by name (--normalize-names: lower case, _ and - as spaces). Per pair: Spearman ρ of the counts and \
            Pearson r of log10(1 + count) over the shared concepts, and the concepts with the largest \
            |log10((1+a)/(1+b))|. With --results (upstream's zero_shot_evaluations shape) each \
            estimator gets the paper's fit: its log-spaced bins, Pearson ρ of ln(frequency) and mean \
            accuracy, and the slope in accuracy points per decade of frequency. Markdown to stdout; \
            --out writes the JSON.

            Example:
              freqbench estimators compare \\
                  --counts paper=../shared/upstream/search_counts/imagenet_laion400m_lemmatized_search_counts.json \\
                  --counts beyond-tail=../shared/peers/clip-beyond-tail/metadata/freqs/class_frequency_laion400m_imagenet_ori.txt \\
                  --results ../shared/upstream/zero_shot_evaluations/imagenet_ensemble_results.json \\
                  --model ViT-B-32 --model laion400m --pretraining laion400m --out compare.json
            """)

    @Option(name: .customLong("counts"), help: "NAME=FILE: one estimator's counts (repeat; at least two).")
    var counts: [String] = []

    @Option(help: "A zero-shot results file: model key -> {full, classwise: concept -> accuracy}.")
    var results: String?

    @Option(help: "Pick the first model key of --results that contains this text (repeat: all must be contained).")
    var model: [String] = []

    @Option(help: "The pretraining set (the paper's plots drop different end bins for laion400m and synthci30m).")
    var pretraining = ""

    @Flag(help: "Join concepts by normalized name (lower case, _ and - as spaces): studies spell class names differently.")
    var normalizeNames = false

    @Option(help: "Disagreements listed per pair.")
    var top = 10

    @Option(help: "Write the comparison as JSON here.")
    var out: String?

    func validate() throws {
        guard top >= 0 else { throw ValidationError("--top must be ≥ 0") }
        for item in counts where !item.contains("=") || item.hasPrefix("=") || item.hasSuffix("=") {
            throw ValidationError("--counts takes NAME=FILE, got \"\(item)\"")
        }
        guard counts.count >= 2 || (counts.count == 1 && results != nil) else {
            throw ValidationError("give at least two --counts NAME=FILE (or one and --results)")
        }
        guard model.isEmpty || results != nil else { throw ValidationError("--model needs --results") }
    }

    func run() throws {
        let estimators = try counts.map { item -> EstimatorCounts in
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            return try EstimatorCounts.read(name: parts[0], from: URL(fileURLWithPath: parts[1]))
        }
        let accuracies = try results.map { try ZeroShotAccuracies.read(from: URL(fileURLWithPath: $0), modelParts: model) }
        let comparison = try EstimatorComparison(estimators: estimators, accuracies: accuracies, pretraining: pretraining,
                                                 topDisagreements: top, normalizingNames: normalizeNames)
        print(comparison.markdown, terminator: "")
        if let out {
            var document = comparison.json
            if case .object(var members) = document {
                members["tool"] = .string(ToolVersion.current)
                document = .object(members)
            }
            try JSONWriter(indent: 1).write(document, to: URL(fileURLWithPath: out))
        }
    }
}
