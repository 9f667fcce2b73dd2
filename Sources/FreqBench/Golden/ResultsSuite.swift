import Collections
import Foundation

/// The results suite of `freqbench verify --results DIR`: a user's own re-run outputs
/// (search counts, zero-shot and retrieval result JSONs, named as upstream) against the
/// paper's released files, value by value, then the figures and plot ρ recomputed from the
/// user's files side by side with the paper's.
public enum ResultsSuite {
    /// The upstream subfolders a results folder may mirror (files may also lie flat in it).
    public static let subfolders = ["search_counts", "zero_shot_evaluations", "retrieval_evaluations"]
    /// How many deviating concepts of one file are listed one by one.
    public static let listedDeviationsPerFile = 50

    /// The user's files, keyed by the upstream path they correspond to (e.g.
    /// `search_counts/cifar10_cc3m_lemmatized_search_counts.json`).
    public static func userFiles(in results: URL) throws -> [String: URL] {
        try scan(results).recognized
    }

    /// The recognized files (by upstream path) and the JSON files whose names or folders match
    /// no upstream file kind (reported as skipped, so nothing is ignored silently).
    static func scan(_ results: URL) throws -> (recognized: [String: URL], unrecognized: [String]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: results.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FreqBenchError("results folder not found", file: results.path)
        }
        var files: [String: URL] = [:]
        var unrecognized: [String] = []
        for folder in [""] + subfolders {
            let directory = folder.isEmpty ? results : results.appendingPathComponent(folder)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { continue }
            for name in names.sorted() where name.hasSuffix(".json") {
                guard let upstreamFolder = upstreamFolder(of: name), folder.isEmpty || folder == upstreamFolder else {
                    unrecognized.append(folder.isEmpty ? name : "\(folder)/\(name)")
                    continue
                }
                files["\(upstreamFolder)/\(name)"] = directory.appendingPathComponent(name)
            }
        }
        return (files, unrecognized)
    }

    /// The upstream folder of a file name: `*_search_counts.json` → search_counts,
    /// `{coco,flickr}_{i2t,t2i}_k=K_results.json` → retrieval_evaluations, other `*_results.json` → zero-shot.
    public static func upstreamFolder(of fileName: String) -> String? {
        if fileName.hasSuffix("_search_counts.json") { return "search_counts" }
        guard fileName.hasSuffix("_results.json") else { return nil }
        if fileName.contains("_i2t_k=") || fileName.contains("_t2i_k=") { return "retrieval_evaluations" }
        return "zero_shot_evaluations"
    }

    /// Runs the suite against the released files in `upstream`.
    public static func run(results: URL, upstream: URL, tolerances: ResultTolerances) -> PaperSuite.Outcome {
        run(results: results, paper: UpstreamData(root: upstream), tolerances: tolerances)
    }

    /// Runs the suite against the released files of `paper`.
    public static func run(results: URL, paper: UpstreamData, tolerances: ResultTolerances) -> PaperSuite.Outcome {
        let upstream = paper.root
        let files: [String: URL]
        let unrecognized: [String]
        do { (files, unrecognized) = try scan(results) } catch {
            return PaperSuite.Outcome(checks: [Check(suite: "results", name: "inputs", status: .failed, detail: "\(error)")], plots: [])
        }
        guard !files.isEmpty else {
            return PaperSuite.Outcome(checks: [Check(suite: "results", name: "inputs", status: .failed,
                                                     detail: "no *_search_counts.json or *_results.json files in \(results.path) or its \(subfolders.joined(separator: ", ")) subfolders")], plots: [])
        }
        let user = UpstreamData(base: paper, overrides: files)
        var checks: [Check] = unrecognized.map {
            Check(suite: "results.files", name: $0, status: .skipped,
                  detail: "not compared: the name (or its folder) matches no *_search_counts.json, zero-shot or retrieval *_results.json file")
        }
        for path in files.keys.sorted() {
            guard paper.exists(path) else {
                checks.append(Check(suite: "results.files", name: path, status: .skipped, detail: "no upstream golden of that name in \(upstream.path)"))
                continue
            }
            do {
                if path.hasPrefix("search_counts/") {
                    checks += try compareCounts(path, user: user, paper: paper, tolerances: tolerances)
                } else {
                    let tolerance = path.hasPrefix("retrieval_evaluations/") ? tolerances.retrievalRecallFraction : tolerances.zeroShotAccuracyPercent
                    checks += try compareResults(path, user: user, paper: paper, tolerance: tolerance)
                }
            } catch {
                checks.append(Check(suite: "results.files", name: path, status: .failed, detail: "\(error)"))
            }
        }
        let (figureChecks, plots) = sideBySide(files: Set(files.keys), user: user, paper: paper, tolerances: tolerances)
        checks += figureChecks
        return PaperSuite.Outcome(checks: checks, plots: plots)
    }

    // MARK: Files

    static func compareCounts(_ path: String, user: UpstreamData, paper: UpstreamData, tolerances: ResultTolerances) throws -> [Check] {
        let mine = try user.counts(path), theirs = try paper.counts(path)
        var deviations: [Check] = []
        for (concept, expected) in theirs {
            guard let got = mine[concept] else {
                deviations.append(Check(suite: "results.counts", name: "\(path): \"\(concept)\"", status: .failed,
                                        expected: String(expected), got: "missing", detail: "concept missing from your file"))
                continue
            }
            if !tolerances.countMatches(got, expected) {
                deviations.append(Check(suite: "results.counts", name: "\(path): \"\(concept)\"", status: .failed,
                                        expected: String(expected), got: String(got), deviation: Double(got - expected),
                                        detail: "count differs by \(got - expected >= 0 ? "+" : "")\(got - expected)"
                                            + (tolerances.countRelative > 0 ? " (beyond relative tolerance \(tolerances.countRelative))" : " (counts compare exactly)")))
            }
        }
        for concept in mine.keys where theirs[concept] == nil {
            deviations.append(Check(suite: "results.counts", name: "\(path): \"\(concept)\"", status: .failed,
                                    expected: "absent", got: String(mine[concept] ?? 0), detail: "concept not in the paper's file"))
        }
        return summarize(path, suite: "results.counts", deviations: deviations, compared: "\(theirs.count) concepts")
    }

    static func compareResults(_ path: String, user: UpstreamData, paper: UpstreamData, tolerance: Double) throws -> [Check] {
        let mine = try user.results(path), theirs = try paper.results(path)
        let mineFull = try user.fullValues(path), theirsFull = try paper.fullValues(path)
        var deviations: [Check] = []
        var compared = 0
        var unknownModels: [String] = []
        for (model, values) in mine {
            guard let reference = theirs[model] else { unknownModels.append(model); continue }
            compared += 1
            if let got = mineFull[model], let expected = theirsFull[model], !within(got, expected, tolerance) {
                deviations.append(Check(suite: "results.accuracy", name: "\(path): \(model): full", status: .failed,
                                        expected: "\(expected)", got: "\(got)", deviation: got - expected,
                                        detail: "differs by \(signed(got - expected)) (tolerance \(tolerance))"))
            }
            for (concept, expected) in reference {
                guard let got = values[concept] else {
                    deviations.append(Check(suite: "results.accuracy", name: "\(path): \(model): \"\(concept)\"", status: .failed,
                                            expected: "\(expected)", got: "missing", detail: "concept missing from your file"))
                    continue
                }
                if !within(got, expected, tolerance) {
                    deviations.append(Check(suite: "results.accuracy", name: "\(path): \(model): \"\(concept)\"", status: .failed,
                                            expected: "\(expected)", got: "\(got)", deviation: got - expected,
                                            detail: "differs by \(signed(got - expected)) (tolerance \(tolerance))"))
                }
            }
            for concept in values.keys where reference[concept] == nil {
                deviations.append(Check(suite: "results.accuracy", name: "\(path): \(model): \"\(concept)\"", status: .failed,
                                        expected: "absent", got: "\(values[concept] ?? 0)", detail: "concept not in the paper's file"))
            }
        }
        var checks = summarize(path, suite: "results.accuracy", deviations: deviations,
                               compared: "\(compared) model\(compared == 1 ? "" : "s") of \(theirs.count)")
        if !unknownModels.isEmpty {
            checks.append(Check(suite: "results.accuracy", name: "\(path): other models", status: .skipped,
                                detail: "not in the paper's file, not compared: \(unknownModels.joined(separator: ", "))"))
        }
        return checks
    }

    /// One pass line for a file without deviations; otherwise one failure per deviation
    /// (the first `listedDeviationsPerFile`) and one line with the total.
    static func summarize(_ path: String, suite: String, deviations: [Check], compared: String) -> [Check] {
        if deviations.isEmpty {
            return [Check(suite: suite, name: path, status: .passed, detail: "\(compared) compared")]
        }
        var checks = Array(deviations.prefix(listedDeviationsPerFile))
        if deviations.count > listedDeviationsPerFile {
            checks.append(Check(suite: suite, name: path, status: .failed,
                                detail: "\(deviations.count) deviations in all; \(deviations.count - listedDeviationsPerFile) more not listed"))
        }
        return checks
    }

    /// |got − expected| ≤ tolerance; two NaNs (a class without test samples in both) agree.
    static func within(_ got: Double, _ expected: Double, _ tolerance: Double) -> Bool {
        if got.isNaN || expected.isNaN { return got.isNaN && expected.isNaN }
        return abs(got - expected) <= tolerance
    }

    static func signed(_ value: Double) -> String { (value >= 0 ? "+" : "") + String(format: "%.6g", value) }

    // MARK: Figures and ρ side by side

    /// Every figure that reads one of the user's files, recomputed from them and compared with
    /// the same figure from the paper's files; and every plotted ρ among them.
    static func sideBySide(files: Set<String>, user: UpstreamData, paper: UpstreamData, tolerances: ResultTolerances) -> ([Check], [ReportPlot]) {
        let affected = FigureCatalog.all.filter { spec in FigureComputation.inputs(of: spec).contains { files.contains($0) } }
        let userComputation = FigureComputation(data: user), paperComputation = FigureComputation(data: paper)
        var checks: [Check] = []
        var userFigures: [String: FigureData] = [:]
        var paperFigures: [String: FigureData] = [:]
        var notComputed: [String: Int] = [:]
        for spec in affected {
            do {
                guard case .computed(let theirs, _) = try paperComputation.compute(spec) else { continue }
                guard case .computed(let mine, _) = try userComputation.compute(spec) else {
                    notComputed["your files give no figure data (model key or inputs missing)", default: 0] += 1
                    continue
                }
                userFigures[spec.name] = mine
                paperFigures[spec.name] = theirs
                let tolerance = spec.kind == .retrieval ? tolerances.retrievalRecallFraction : tolerances.zeroShotAccuracyPercent
                let binsMatch = zip(mine.expBins, theirs.expBins).allSatisfy { abs($0 - $1) <= 1e-12 * max(abs($0), abs($1)) + tolerances.countRelative * abs($1) }
                let meanDeviation = zip(mine.cumMeans, theirs.cumMeans).map { abs($0 - $1) }.max() ?? 0
                let pass = binsMatch && mine.expBins.count == theirs.expBins.count && meanDeviation <= tolerance
                checks.append(Check(suite: "results.figures", name: spec.name, status: pass ? .passed : .failed,
                                    expected: "paper: cum_means \(list(theirs.cumMeans))", got: "yours: cum_means \(list(mine.cumMeans))",
                                    deviation: meanDeviation,
                                    detail: (binsMatch ? "" : "bin edges differ (counts changed); ") + "max |Δ cum_means| \(String(format: "%.3g", meanDeviation)) (tolerance \(tolerance))"))
            } catch {
                checks.append(Check(suite: "results.figures", name: spec.name, status: .failed, detail: "\(error)"))
            }
        }
        for (reason, count) in notComputed {
            checks.append(Check(suite: "results.figures", name: "\(count) figure\(count == 1 ? "" : "s")", status: .skipped, detail: reason))
        }
        var plots: [String: ReportPlot] = [:]
        var order: [String] = []
        for expectation in PaperRhoExpectations.all {
            guard let spec = FigureCatalog.all.first(where: {
                $0.kind == expectation.kind && $0.countType == expectation.countType && $0.prompt == expectation.prompt
                    && $0.pretraining == expectation.pretraining && $0.model == expectation.model
            }), let mine = userFigures[spec.name], let theirs = paperFigures[spec.name] else { continue }
            do {
                let yours = try PlotSeries(name: "\(expectation.model) (yours)", figure: mine, slice: expectation.slice)
                let paperSeries = try PlotSeries(name: "\(expectation.model) (paper's data)", figure: theirs, slice: expectation.slice)
                let difference = abs(yours.rho - paperSeries.rho)
                checks.append(Check(suite: "results.rho", name: expectation.name, status: difference <= tolerances.plotRho ? .passed : .failed,
                                    expected: "paper's data: r = \(String(format: "%.4f", paperSeries.rho)) \(paperSeries.legend)" + (expectation.shown.map { ", paper shows \($0)" } ?? ""),
                                    got: "yours: r = \(String(format: "%.4f", yours.rho)) \(yours.legend)", deviation: difference,
                                    detail: "|Δr| \(String(format: "%.2g", difference)) (tolerance \(tolerances.plotRho))"))
                if plots[expectation.plot] == nil {
                    order.append(expectation.plot)
                    plots[expectation.plot] = ReportPlot(title: expectation.plot.replacingOccurrences(of: "/", with: " · ") + " \(expectation.slice): yours vs the paper's data",
                                                         yLabel: expectation.kind == .retrieval ? "Avg. Recall@k" : "Avg. Zero-Shot Accuracy (%)", series: [])
                }
                plots[expectation.plot]?.series += [ReportPlot.Series(paperSeries), ReportPlot.Series(yours)]
            } catch {
                checks.append(Check(suite: "results.rho", name: expectation.name, status: .failed, detail: "\(error)"))
            }
        }
        return (checks, order.compactMap { plots[$0] })
    }

    static func list(_ values: [Double]) -> String {
        "[" + values.map { String(format: "%.4g", $0) }.joined(separator: ", ") + "]"
    }
}
