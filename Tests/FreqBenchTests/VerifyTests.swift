import Foundation
import Testing
@testable import FreqBench

/// `freqbench verify`: the paper suite over ../shared/upstream, the output lines and verdict,
/// and `--results` on altered and unaltered copies of released files.
@Suite("Verify")
struct VerifyTests {
    func tolerances() throws -> ResultTolerances {
        try ResultTolerances.read(contentsOf: DataPaths.repositoryRoot.appendingPathComponent("Golden/tolerances.json"))
    }

    @Test("the paper suite passes on the released data, with every documented deviation reported as such")
    func paperSuitePasses() throws {
        let outcome = PaperSuite.run(data: try UpstreamFixture.shared())
        let failures = outcome.checks.filter { $0.status == .failed }
        #expect(failures.isEmpty, "\(failures.map(Verification.line))")
        func checks(_ suite: String, _ status: Check.Status) -> [Check] { outcome.checks.filter { $0.suite == suite && $0.status == status } }
        #expect(checks("paper.figures", .passed).count == 160)
        // 54 laion400m + 48 t2i computed-but-different, and the rampp0.7 laion400m "RN50" file.
        #expect(checks("paper.figures", .expectedDeviation).count == 103)
        #expect(checks("paper.correlations", .passed).count == 5)
        #expect(checks("paper.correlations", .expectedDeviation).count == 3)
        #expect(checks("paper.letitwag", .passed).count == 6)
        #expect(checks("paper.misalignment", .passed).count == 10)
        #expect(checks("paper.longtail", .passed).count == 9)
        let rho = outcome.checks.filter { $0.suite == "paper.rho" }
        #expect(rho.count == PaperRhoExpectations.all.count)
        // laion400m text/image (§6) and the laion400m 0.7 threshold plot are not reproducible from the released counts.
        #expect(rho.filter { $0.status == .expectedDeviation }.count == 9)
        let vitL = rho.first { $0.name == "zero-shot/laion400m/text/ensemble/ViT-L-14" }
        #expect(vitL?.status == .expectedDeviation)
        #expect(vitL?.got.contains("0.8003") == true)
        #expect(outcome.plots.contains { $0.title == "zero-shot · cc3m · image · ensemble [1:-1]" && $0.series.count == 2 })
        let skipped = checks("paper.figures", .skipped)
        #expect(skipped.contains { $0.detail.contains("t2i_evaluations/t2i_exp_aesthetics.json") && $0.name == "not-computed/t2i/exp_aesthetics" && $0.got == "72 figures" })
        #expect(skipped.contains { $0.name == "unreleased-here/zero-shot/yfcc15m" && $0.got == "48 figures" })
    }

    @Test("an altered released figure file fails, naming the file")
    func alteredFigureFails() throws {
        let upstream = try SharedData.upstream()
        let folder = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let name = "log-linear-all-datasets-plot-counttype_rampp0.7_prompttype_ensemble_ptdataset_cc3m_model_RN50"
        var figure = try FigureData.read(contentsOf: upstream.appendingPathComponent("figures/\(name).json"))
        figure.cumMeans[3] *= 1 + 1e-9
        try JSONWriter().write(figure.json(source: name + ".pkl"), to: folder.appendingPathComponent(name + ".json"))
        let spec = try #require(FigureCatalog.all.first { $0.name == name })
        let status = FigureStatus(spec: spec, outcome: try FigureComputation(data: UpstreamData(root: upstream)).compute(spec))
        let checks = PaperSuite.figureChecks([status], releasedFolder: folder)
        #expect(checks.count == 1)
        #expect(checks.first?.status == .failed)
        #expect(checks.first?.name == name)
    }

    @Test("a missing upstream folder gives one SKIP line and no failure")
    func missingUpstream() throws {
        let empty = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: empty) }
        let report = Verification.run(.init(upstream: empty, tolerances: try tolerances(), fixtures: false))
        #expect(report.checks.count == 1)
        #expect(report.checks.first?.status == .skipped)
        #expect(!report.failed)
        #expect(report.checks.first.map(Verification.line)?.hasPrefix("SKIP paper/upstream") == true)
    }

    @Test("output lines and summary carry the status tag, suite/name and the verdict")
    func lines() {
        let checks = [
            Check(suite: "paper.rho", name: "a", status: .passed, expected: "0.98**", got: "0.98**"),
            Check(suite: "paper.figures", name: "b", status: .expectedDeviation, detail: "older counts"),
            Check(suite: "paper.figures", name: "c", status: .failed, detail: "differs"),
        ]
        #expect(Verification.line(checks[0]) == "PASS paper.rho/a  got: 0.98**  expected: 0.98**")
        #expect(Verification.line(checks[1]) == "XDEV paper.figures/b  (older counts)")
        #expect(Verification.summary(checks).hasSuffix("1 passed, 1 failed, 1 expected deviations, 0 skipped — FAILED"))
        #expect(Verification.Report(checks: checks, plots: []).failed)
        #expect(!Verification.Report(checks: Array(checks.prefix(2)), plots: []).failed)
    }

    @Test("the tolerances file is read, and a bad one is rejected naming the member")
    func tolerancesFile() throws {
        let values = try tolerances()
        #expect(values.zeroShotAccuracyPercent > 0 && values.retrievalRecallFraction > 0 && values.plotRho > 0)
        let folder = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = folder.appendingPathComponent("tolerances.json")
        try #"{"zero_shot_accuracy_percent": -1, "retrieval_recall_fraction": 0.01, "plot_rho": 0.01}"#.write(to: bad, atomically: false, encoding: .utf8)
        #expect { try ResultTolerances.read(contentsOf: bad) } throws: { error in
            (error as? FreqBenchError)?.location == "member zero_shot_accuracy_percent"
        }
    }

    @Test("accuracy comparison: within the tolerance passes, NaN agrees only with NaN")
    func accuracyWithin() {
        #expect(ResultsSuite.within(50.4, 50.0, 0.5))
        #expect(!ResultsSuite.within(50.6, 50.0, 0.5))
        #expect(ResultsSuite.within(.nan, .nan, 0.5))
        #expect(!ResultsSuite.within(.nan, 50.0, 0.5))
        #expect(!ResultsSuite.within(50.0, .nan, 0.5))
    }

    /// Copies released files into a results folder: counts in search_counts/, one zero-shot file flat.
    func makeResults(alter: Bool) throws -> URL {
        let upstream = try SharedData.upstream()
        let results = try TemporaryDirectory.make()
        let countsFolder = results.appendingPathComponent("search_counts")
        try FileManager.default.createDirectory(at: countsFolder, withIntermediateDirectories: true)
        for name in ["cifar10_cc3m_rampp0.7_search_counts.json", "dtd_cc3m_rampp0.7_search_counts.json"] {
            try FileManager.default.copyItem(at: upstream.appendingPathComponent("search_counts/\(name)"), to: countsFolder.appendingPathComponent(name))
        }
        try FileManager.default.copyItem(at: upstream.appendingPathComponent("zero_shot_evaluations/eurosat_ensemble_results.json"),
                                         to: results.appendingPathComponent("eurosat_ensemble_results.json"))
        guard alter else { return results }
        // One count and one accuracy changed; the rest untouched.
        let countsURL = countsFolder.appendingPathComponent("cifar10_cc3m_rampp0.7_search_counts.json")
        var counts = try JSONParser.parse(contentsOf: countsURL)
        guard case .object(var members) = counts, let dog = members["dog"]?.intValue else { throw FreqBenchError("unexpected counts file") }
        members["dog"] = .number(JSONNumber(dog + 7))
        counts = .object(members)
        try JSONWriter().write(counts, to: countsURL)
        let resultsURL = results.appendingPathComponent("eurosat_ensemble_results.json")
        guard case .object(var models) = try JSONParser.parse(contentsOf: resultsURL),
              case .object(var entry) = models["backboneRN50_pretrainedcc3m"],
              case .object(var classwise) = entry["classwise"], let forest = classwise["Forest"]?.doubleValue else {
            throw FreqBenchError("unexpected results file")
        }
        classwise["Forest"] = .number(JSONNumber(forest + 2.5))
        entry["classwise"] = .object(classwise)
        models["backboneRN50_pretrainedcc3m"] = .object(entry)
        try JSONWriter().write(.object(models), to: resultsURL)
        return results
    }

    @Test("--results on unaltered copies passes, and recomputes the affected figures and ρ side by side")
    func unalteredResultsPass() throws {
        let results = try makeResults(alter: false)
        defer { try? FileManager.default.removeItem(at: results) }
        let report = Verification.Report(outcome: ResultsSuite.run(results: results, paper: try UpstreamFixture.shared(), tolerances: try tolerances()))
        #expect(!report.failed, "\(report.checks.filter { $0.status == .failed }.map(Verification.line))")
        #expect(report.checks.filter { $0.suite == "results.counts" && $0.status == .passed }.count == 2)
        #expect(report.checks.contains { $0.suite == "results.accuracy" && $0.name == "zero_shot_evaluations/eurosat_ensemble_results.json" && $0.status == .passed })
        #expect(report.checks.contains { $0.suite == "results.figures" && $0.status == .passed })
        #expect(report.checks.contains { $0.suite == "results.rho" && $0.name == "zero-shot/cc3m/image/ensemble/RN50" && $0.status == .passed })
        #expect(!report.plots.isEmpty)
    }

    @Test("--results on altered copies fails and names exactly the altered files, concepts and deviations")
    func alteredResultsFail() throws {
        let results = try makeResults(alter: true)
        defer { try? FileManager.default.removeItem(at: results) }
        let report = Verification.Report(outcome: ResultsSuite.run(results: results, paper: try UpstreamFixture.shared(), tolerances: try tolerances()))
        #expect(report.failed)
        let fileFailures = report.checks.filter { ($0.suite == "results.counts" || $0.suite == "results.accuracy") && $0.status == .failed }
        #expect(fileFailures.map(\.name) == [
            "search_counts/cifar10_cc3m_rampp0.7_search_counts.json: \"dog\"",
            "zero_shot_evaluations/eurosat_ensemble_results.json: backboneRN50_pretrainedcc3m: \"Forest\"",
        ])
        #expect(fileFailures.first?.deviation == 7)
        #expect(fileFailures.first?.detail.contains("+7") == true)
        #expect(abs((fileFailures.last?.deviation ?? 0) - 2.5) < 1e-9)
        // The untouched copy passes; the figures that read the altered files are recomputed and compared.
        #expect(report.checks.contains { $0.name == "search_counts/dtd_cc3m_rampp0.7_search_counts.json" && $0.status == .passed })
        #expect(report.checks.contains { $0.suite == "results.figures" })
        // With a count tolerance the +7 on dog passes.
        var loose = try tolerances()
        loose.countRelative = 0.5
        let tolerant = Verification.Report(outcome: ResultsSuite.run(results: results, paper: try UpstreamFixture.shared(), tolerances: loose))
        #expect(!tolerant.checks.contains { $0.suite == "results.counts" && $0.status == .failed })
    }
}
