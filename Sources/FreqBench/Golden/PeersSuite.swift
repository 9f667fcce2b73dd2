import Foundation

/// The `peers` suite of `verify`: the paper's released counts against clip-beyond-tail's
/// released counts (../shared/peers) for every dataset and pretraining set both cover (names
/// joined normalized: lower case, `_` and `-` as spaces), with
/// the paper's released zero-shot results: per (dataset, pretraining, paper count type) a
/// check that the names join (≥ 90 % of the concepts shared) and, where the peers' README
/// states it (`Golden/peers/spearman.json`), that Spearman ρ is the stated one; per
/// (dataset, pretraining) a plot of accuracy against frequency with one series per estimator.
public enum PeersSuite {
    public static let suite = "peers"
    /// Paper dataset name → clip-beyond-tail's.
    static let datasets: [(paper: String, peer: String)] = [
        ("imagenet", "imagenet"), ("cub", "cub"), ("dtd", "dtd"),
        ("flowers102", "flowers102"), ("food101", "food101"), ("oxfordpets", "pets"),
    ]
    // (EuroSAT is left out: the two studies count different class descriptions, e.g. "Annual
    // Crop Land" against "farmland or agricultural land", so no names join.)
    static let pretrainingSets = ["laion400m", "cc12m"]
    static let paperCountTypes = ["lemmatized", "lowercased", "rampp0.7", "integrated_tlemmatized_i0.7"]
    /// The least share of a dataset's concepts both estimators must name.
    static let minimumSharedFraction = 0.9

    /// The stated values, `dataset/pretraining/count type` → ρ, and their tolerance.
    static func expectations(from url: URL) throws -> (values: [String: Double], tolerance: Double) {
        let document = try JSONParser.parse(contentsOf: url)
        guard let tolerance = document["tolerance"]?.doubleValue, let members = document["expected"]?.objectValue else {
            throw FreqBenchError("expected {\"tolerance\": number, \"expected\": {name: ρ}}", file: url.path)
        }
        var values: [String: Double] = [:]
        for (name, value) in members {
            guard let rho = value.doubleValue else { throw FreqBenchError("expected a number", file: url.path, location: name) }
            values[name] = rho
        }
        return (values, tolerance)
    }

    /// The checks and plots; a missing peers folder is one skipped check.
    public static func run(upstream: URL, peers: URL,
                           expectationsFile: URL = DataPaths.repositoryRoot.appendingPathComponent("Golden/peers/spearman.json")) -> PaperSuite.Outcome {
        let freqs = peers.appendingPathComponent("clip-beyond-tail/metadata/freqs")
        guard FileManager.default.fileExists(atPath: freqs.path) else {
            return PaperSuite.Outcome(checks: [Check(suite: suite, name: "inputs", status: .skipped,
                                                     detail: "no peers' data at \(freqs.path) (FREQBENCH_PEERS)")], plots: [])
        }
        var checks: [Check] = []
        var plots: [ReportPlot] = []
        let stated: (values: [String: Double], tolerance: Double)
        do { stated = try expectations(from: expectationsFile) } catch {
            return PaperSuite.Outcome(checks: [Check(suite: suite, name: "expectations", status: .failed, detail: "\(error)")], plots: [])
        }
        for (dataset, peerName) in datasets {
            for pretraining in pretrainingSets {
                let peerFile = [freqs.appendingPathComponent("class_frequency_\(pretraining)_\(peerName)_ori.txt"),
                                freqs.appendingPathComponent("class_frequency_\(pretraining)_\(peerName).txt")]
                    .first { FileManager.default.fileExists(atPath: $0.path) }
                let paperFiles = paperCountTypes.map { type in
                    (type, upstream.appendingPathComponent("search_counts/\(dataset)_\(pretraining)_\(type)_search_counts.json"))
                }.filter { FileManager.default.fileExists(atPath: $0.1.path) }
                guard let peerFile, !paperFiles.isEmpty else { continue }
                checks += PaperSuite.guarded(suite: suite) {
                    let peer = try EstimatorCounts.read(name: "beyond-tail", from: peerFile)
                    let paper = try paperFiles.map { try EstimatorCounts.read(name: "paper-\($0.0)", from: $0.1) }
                    let results = upstream.appendingPathComponent("zero_shot_evaluations/\(dataset)_ensemble_results.json")
                    let accuracies = FileManager.default.fileExists(atPath: results.path)
                        ? try ZeroShotAccuracies.read(from: results, modelParts: ["pretrained\(pretraining)"]) : nil
                    let comparison = try EstimatorComparison(estimators: paper + [peer], accuracies: accuracies,
                                                             pretraining: pretraining, topDisagreements: 3, normalizingNames: true)
                    var made: [Check] = []
                    for pair in comparison.agreements where pair.second == peer.name {
                        let key = "\(dataset)/\(pretraining)/\(pair.first.dropFirst("paper-".count))"
                        let paperCount = paper.first { $0.name == pair.first }?.counts.count ?? 0
                        let shared = Double(pair.sharedConcepts) / Double(max(1, min(peer.counts.count, paperCount)))
                        let worst = pair.disagreements.first.map { " most apart: \($0.concept) \($0.first) vs \($0.second)" } ?? ""
                        let got = String(format: "ρ = %.3f over %d concepts, Pearson r(log10 1+n) = %.3f;", pair.spearman.rho,
                                         pair.sharedConcepts, pair.pearsonOfLogs.r) + worst
                        var status: Check.Status = shared >= minimumSharedFraction ? .passed : .failed
                        var expected = String(format: "names join (≥ %.0f %% of the concepts shared)", minimumSharedFraction * 100)
                        var deviation: Double?
                        if let rho = stated.values[key] {
                            deviation = abs(pair.spearman.rho - rho)
                            expected += String(format: ", ρ = %.2f ± %.3f (peers' README)", rho, stated.tolerance)
                            if abs(pair.spearman.rho - rho) > stated.tolerance { status = .failed }
                        }
                        let paperFile = paperFiles.first { "paper-\($0.0)" == pair.first }?.1.lastPathComponent ?? ""
                        made.append(Check(suite: suite, name: key + " vs beyond-tail", status: status, expected: expected, got: got,
                                          deviation: deviation, detail: "\(paperFile) against \(peerFile.lastPathComponent)"))
                    }
                    if let accuracies, !comparison.fits.isEmpty {
                        plots.append(ReportPlot(title: "\(dataset) · \(pretraining) · estimators (\(accuracies.model))",
                                                xLabel: "concept frequency", yLabel: "zero-shot accuracy (%)",
                                                series: comparison.fits.map { ReportPlot.Series($0.series) }))
                    }
                    return made
                }
            }
        }
        return PaperSuite.Outcome(checks: checks, plots: plots)
    }
}
