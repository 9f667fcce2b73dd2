import Foundation

extension FixtureStage {
    /// The Analysis stage over `Fixtures/analysis/upstream` (a miniature upstream tree made by
    /// `Fixtures/analysis/make_fixture.py`): for RN50 and ViT-B-16 on pretraining set
    /// `fixture`, the zero-shot figure data (12 bins, lemmatized counts, class prompt, datasets
    /// cifar10 — with its plane/airplane rename —, fixture-alpha, fixture-beta), Pearson r and p
    /// and the least-squares line on the `[1:-1]` slice, and Spearman ρ and p of the raw
    /// (count, accuracy) pairs. Goldens come from the numpy/scipy reference
    /// `Fixtures/analysis/reference.py`.
    public static let analysis = FixtureStage(
        name: "analysis",
        summary: "figure data, Pearson/least-squares fit and Spearman over the miniature upstream tree in Fixtures/analysis",
        reference: { context in
            try FixtureReferenceScript(script: "analysis/reference.py", arguments: ["{fixtures}/analysis/upstream"])
                .outputs(in: context, tolerance: AnalysisFixture.tolerance(of:))
        },
        run: { context in
            try AnalysisFixture.outputs(upstream: context.fixtures.appendingPathComponent("analysis/upstream", isDirectory: true))
        })
}

/// The computation behind `FixtureStage.analysis`, through the same `FigureComputation` that
/// `freqbench figures` uses.
enum AnalysisFixture {
    static let datasets = ["cifar10", "fixture-alpha", "fixture-beta"]
    static let models = ["RN50", "ViT-B-16"]

    /// Figure data compares as the paper suite does (relative 1e-12); correlations, p-values
    /// and fits leave room for the reference's different (scipy/numpy) formulas (1e-9).
    static func tolerance(of output: String) -> GoldenTolerance {
        output.hasPrefix("figure-") ? GoldenTolerance(relative: 1e-12) : GoldenTolerance(relative: 1e-9)
    }

    static func outputs(upstream: URL) throws -> [FixtureStage.Output] {
        let computation = FigureComputation(data: UpstreamData(root: upstream))
        var outputs: [FixtureStage.Output] = []
        for model in models {
            let spec = FigureSpec(kind: .zeroShot, countType: "lemmatized", prompt: "class", pretraining: "fixture", model: model,
                                  datasets: datasets, binCount: 12, modelKeyRule: .firstContainingPretrainingAndModel)
            guard case .pairs(let counts, let performances) = try computation.pairs(of: spec) else {
                throw FreqBenchError("fixture inputs incomplete or without a \(model)/fixture model key", file: upstream.path)
            }
            let figure = try LogBinning.figureData(counts: counts, performances: performances, binCount: spec.binCount)
            outputs.append(FixtureStage.Output(name: "figure-\(model)", value: .object([
                "exp_bins": .array(figure.expBins.map { .double($0) }),
                "cum_means": .array(figure.cumMeans.map { .double($0) }),
                "cum_stds": .array(figure.cumStds.map { .double($0) }),
            ]), tolerance: tolerance(of: "figure-\(model)")))
            let slice = FigureSlice.interior
            let logBins = slice.apply(figure.expBins).map { Foundation.log($0) }
            let means = slice.apply(figure.cumMeans)
            let pearson = try PearsonCorrelation(logBins, means)
            let line = try LeastSquaresLine(x: logBins, y: means)
            let spearman = try SpearmanCorrelation(counts.map(Double.init), performances)
            outputs.append(FixtureStage.Output(name: "fit-\(model)", value: .object([
                "pairs": .int(counts.count),
                "slice": .string(slice.description),
                "pearson_r": .double(pearson.r),
                "pearson_p": .double(pearson.pValue),
                "slope": .double(line.slope),
                "intercept": .double(line.intercept),
                "spearman_rho": .double(spearman.rho),
                "spearman_p": .double(spearman.pValue),
            ]), tolerance: tolerance(of: "fit-\(model)")))
        }
        return outputs
    }
}
