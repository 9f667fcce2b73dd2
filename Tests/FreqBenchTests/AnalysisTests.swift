import Foundation
import Testing
@testable import FreqBench

/// The numeric rules of the paper's analyses (upstream README §3, §4). Reference values were
/// computed with the system Python (numpy 2.4.6, scipy 1.17.1), e.g.
/// `python3 -c "import scipy.special as s; print(repr(float(s.betainc(a, b, x))))"`,
/// `scipy.stats.pearsonr(x, y)`, `scipy.stats.spearmanr(a, b)`, `numpy.linspace(lo, hi, n)`
/// and `numpy.linalg.lstsq`; each test names its call.
@Suite("Analysis")
struct AnalysisTests {
    /// |a − b| ≤ tolerance · max(|a|, |b|).
    func close(_ a: Double, _ b: Double, relative tolerance: Double = 1e-13) -> Bool {
        a == b || abs(a - b) <= tolerance * max(abs(a), abs(b))
    }

    @Test("linspace edges: multiply then add, last edge forced to hi (bit-identical to numpy)")
    func linspaceEdges() {
        // numpy.linspace(0.0, 13.691301293257059, 12) and numpy.linspace(1.0986122886681098, 12.200155171766136, 8)
        #expect(LogBinning.edges(from: 0, to: 13.691301293257059, count: 12) == [
            0.0, 1.2446637539324599, 2.4893275078649197, 3.73399126179738, 4.9786550157298395, 6.223318769662299,
            7.46798252359476, 8.712646277527218, 9.957310031459679, 11.20197378539214, 12.446637539324598, 13.691301293257059,
        ])
        #expect(LogBinning.edges(from: 1.0986122886681098, to: 12.200155171766136, count: 8) == [
            1.0986122886681098, 2.684546986253542, 4.270481683838975, 5.856416381424407, 7.44235107900984,
            9.028285776595272, 10.614220474180703, 12.200155171766136,
        ])
    }

    @Test("digitize right=True: bin = number of edges strictly below x")
    func digitizeRight() {
        let edges = [0.0, 1.0, 2.0, 3.0]
        #expect(LogBinning.binIndex(of: 0.0, edges: edges) == 0)
        #expect(LogBinning.binIndex(of: 0.5, edges: edges) == 1)
        #expect(LogBinning.binIndex(of: 1.0, edges: edges) == 1)   // (edges[0], edges[1]]
        #expect(LogBinning.binIndex(of: 1.0000001, edges: edges) == 2)
        #expect(LogBinning.binIndex(of: 3.0, edges: edges) == 3)
    }

    @Test("counts are clamped to ≥ 1 before the log; zero counts share bin 0 with count 1")
    func clampBeforeLog() {
        #expect(LogBinning.logCount(0) == 0)
        #expect(LogBinning.logCount(1) == 0)
        #expect(LogBinning.logCount(20) == log(20.0))
    }

    @Test("figure data: per-bin mean and population std, empty bins 0, exp_bins = exp(edges)")
    func figureDataPerBin() throws {
        // ln counts 0, 0, ln 100 ≈ 4.6, ln 10000 ≈ 9.2 over 4 bins of width ≈ 3.07: bins 0, 0, 2, 3; bin 1 empty.
        let figure = try LogBinning.figureData(counts: [0, 1, 100, 10_000], performances: [10, 20, 50, 80], binCount: 4)
        #expect(figure.cumMeans == [15, 0, 50, 80])
        #expect(figure.cumStds == [5, 0, 0, 0])
        #expect(figure.expBins.count == 4)
        #expect(figure.expBins[0] == 1)
        #expect(close(figure.expBins[3], 10_000))
        #expect(close(figure.expBins[1], pow(10_000, 1.0 / 3)))
    }

    @Test("figure data rejects mismatched or empty input")
    func figureDataErrors() {
        #expect(throws: FreqBenchError.self) { try LogBinning.figureData(counts: [1, 2], performances: [1], binCount: 7) }
        #expect(throws: FreqBenchError.self) { try LogBinning.figureData(counts: [], performances: [], binCount: 7) }
    }

    @Test("regularized incomplete beta matches scipy.special.betainc(a, b, x)", arguments: [
        (0.3, 2.0, 0.5, 0.03784096948581308),
        (0.9, 5.0, 0.5, 0.3166429150200122),
        (0.05, 0.5, 0.5, 0.14356629312870628),
        (0.999, 100.0, 0.5, 0.6550435163244294),
        (0.5, 3.5, 2.25, 0.2864149041703394),
        (0.0019, 4.0, 0.5, 3.566176297429237e-12),
    ])
    func incompleteBeta(x: Double, a: Double, b: Double, expected: Double) {
        let value = IncompleteBeta.regularized(x: x, a: a, b: b)
        #expect(close(value, expected, relative: 1e-12), "I_\(x)(\(a), \(b)) = \(value), scipy \(expected)")
    }

    @Test("Pearson r and two-sided p match scipy.stats.pearsonr")
    func pearson() throws {
        let x = [0.0, 1.2, 2.5, 3.1, 4.8, 5.0, 6.7, 7.7, 9.1, 10.4]
        let y = [3.0, 2.9, 5.1, 4.4, 6.8, 7.9, 8.1, 7.5, 9.9, 12.0]
        let correlation = try PearsonCorrelation(x, y)
        #expect(close(correlation.r, 0.9631744074515654))
        #expect(close(correlation.pValue, 7.695815431150474e-06, relative: 1e-11))
        let four = try PearsonCorrelation([0.0, 1.2, 2.5, 3.1], [1.0, 3.0, 2.0, 4.5])
        #expect(close(four.r, 0.7585950669665853))
        #expect(close(four.pValue, 0.2414049330334147, relative: 1e-12))
        #expect(throws: FreqBenchError.self) { try PearsonCorrelation([1, 1, 1], [1, 2, 3]) }
    }

    @Test("legend text: two decimals, ** when p < 0.05")
    func legendText() throws {
        let significant = try PearsonCorrelation([0.0, 1.2, 2.5, 3.1, 4.8, 5.0, 6.7, 7.7, 9.1, 10.4],
                                                 [3.0, 2.9, 5.1, 4.4, 6.8, 7.9, 8.1, 7.5, 9.9, 12.0])
        #expect(significant.legendText == "0.96**")
        let notSignificant = try PearsonCorrelation([0.0, 1.2, 2.5, 3.1], [1.0, 3.0, 2.0, 4.5])
        #expect(notSignificant.legendText == "0.76")
    }

    @Test("Spearman ρ with average ranks for ties matches scipy.stats.spearmanr")
    func spearman() throws {
        let a = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9]
        let b = [2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5, 9, 0, 4]
        // scipy.stats.rankdata(a)
        #expect(SpearmanCorrelation.averageRanks(a.map(Double.init)) == [4.5, 1.5, 6, 1.5, 8, 14, 3, 10, 8, 4.5, 8, 12, 14, 11, 14])
        let correlation = try SpearmanCorrelation(a, b)
        #expect(close(correlation.rho, 0.17916174391114706))
        #expect(close(correlation.pValue, 0.5228912570529161, relative: 1e-12))
    }

    @Test("least-squares line equals numpy.linalg.lstsq (LAPACK dgelsd)")
    func leastSquares() throws {
        let line = try LeastSquaresLine(x: [1, 2, 3, 4], y: [3, 5, 7, 9])
        #expect(close(line.slope, 2, relative: 1e-14))
        #expect(close(line.intercept, 1, relative: 1e-14))
        #expect(line.value(at: 10) == line.slope * 10 + line.intercept)
        #expect(throws: FreqBenchError.self) { try LeastSquaresLine(x: [1], y: [1]) }
    }

    @Test("figure slices follow Python slicing: [1:-1], [2:-1], [0:-4], [-4:]")
    func slices() {
        let bins = Array(0..<12)
        #expect(FigureSlice.interior.apply(bins) == Array(1...10))
        #expect(FigureSlice.laion400m.apply(bins) == Array(2...10))
        #expect(FigureSlice.synthci30m.apply(bins) == Array(0...7))
        #expect(FigureSlice.lastFour.apply(Array(0..<7)) == [3, 4, 5, 6])
        #expect(FigureSlice.zeroShotPlot(pretraining: "laion400m") == .laion400m)
        #expect(FigureSlice.zeroShotPlot(pretraining: "synthci30m") == .synthci30m)
        #expect(FigureSlice.zeroShotPlot(pretraining: "cc3m") == .interior)
        #expect(FigureSlice.interior.description == "[1:-1]")
    }

    @Test("dataset lists ZS18 / ZS17 in notebook order, bin counts 12 / 8 / 7")
    func datasetListsAndBins() {
        #expect(PaperDatasetList.zeroShot18.count == 18)
        #expect(PaperDatasetList.zeroShot18.first == "imagenet")
        #expect(PaperDatasetList.zeroShot18.last == "ucf101")
        #expect(!PaperDatasetList.zeroShot18.contains("imagenet-r"))
        #expect(PaperDatasetList.zeroShot17 == PaperDatasetList.zeroShot18.filter { $0 != "imagenet-sketch" })
        #expect(PaperDatasetList.retrieval == ["coco", "flickr"])
        #expect(FigureBinCount.zeroShot == 12 && FigureBinCount.thresholdSweep == 8 && FigureBinCount.retrievalAndTextToImage == 7)
    }

    @Test("model key: the first key in file order containing PT and model; legacy rule: first containing PT")
    func modelKeyRule() {
        let keys = ["backboneViT-B-32_pretrainedlaion400m", "backboneRN50_pretrainedcc3m", "backboneViT-B-16_pretrainedlaion400m",
                    "backboneRN50_pretrainedcc12m"]
        #expect(ModelKeyRule.firstContainingPretrainingAndModel.select(from: keys, pretraining: "cc3m", model: "RN50") == "backboneRN50_pretrainedcc3m")
        #expect(ModelKeyRule.firstContainingPretrainingAndModel.select(from: keys, pretraining: "laion400m", model: "RN50") == nil)
        #expect(ModelKeyRule.firstContainingPretraining.select(from: keys, pretraining: "laion400m", model: "RN50") == "backboneViT-B-32_pretrainedlaion400m")
        #expect(ModelKeyRule.firstContainingPretraining.select(from: keys.reversed(), pretraining: "laion400m", model: "RN50") == "backboneViT-B-16_pretrainedlaion400m")
        #expect(ModelKeyRule.exactModelName.select(from: ["a_b", "a"], pretraining: "x", model: "a") == "a")
    }

    @Test("cifar10 results say plane, counts say airplane; no other dataset is renamed")
    func conceptNameFix() {
        #expect(ConceptNameFix.renames(for: "cifar10") == ["plane": "airplane"])
        #expect(ConceptNameFix.renames(for: "cifar100").isEmpty)
    }

    // MARK: Analyses over the released data (expectations: upstream README §4.8–§4.10)

    @Test("long-tail reference numbers (§4.8): (concepts, max count, counts > 0)")
    func longTail() throws {
        let data = try UpstreamFixture.shared()
        let expected: [String: [(Int, Int, Int)]] = [
            "lemmatized": [(3469, 99257, 2144), (3469, 265103, 2403), (3469, 338788, 2617)],
            "rampp0.7": [(3469, 883195, 2488), (3469, 2786551, 2577), (3469, 4844483, 2613)],
            "integrated_tlemmatized_i0.7": [(3469, 83002, 1425), (3469, 182586, 1770), (3469, 82173, 1706)],
        ]
        for (countType, rows) in expected {
            for (pretraining, row) in zip(LongTailStatistics.pretrainingSets, rows) {
                let statistics = try LongTailStatistics(data: data, pretraining: pretraining, countType: countType)
                #expect(statistics.conceptCount == row.0 && statistics.maximumCount == row.1 && statistics.nonZeroCount == row.2,
                        "\(pretraining) \(countType)")
                #expect(statistics.normalizedDescending.first == 1)
                #expect(statistics.normalizedDescending.count == row.2)
            }
        }
    }

    @Test("correlations between pretraining frequencies (§4.9) reproduce 0.9637908005672169 and 0.7924258926755035 exactly")
    func pretrainingCorrelations() throws {
        let data = try UpstreamFixture.shared()
        let cc12mImage = try PretrainingFrequencyVector(data: data, list: .image, pretraining: "cc12m")
        let yfccImage = try PretrainingFrequencyVector(data: data, list: .image, pretraining: "yfcc15m")
        #expect(cc12mImage.counts.count == 3811 && yfccImage.counts.count == 3811)
        #expect(try PretrainingFrequencyVector.spearman(yfccImage, cc12mImage).rho == 0.9637908005672169)
        let cc3mText = try PretrainingFrequencyVector(data: data, list: .text, pretraining: "cc3m")
        let cc12mText = try PretrainingFrequencyVector(data: data, list: .text, pretraining: "cc12m")
        #expect(cc3mText.counts.count == 3775 && cc12mText.counts.count == 3775)
        #expect(try PretrainingFrequencyVector.spearman(cc3mText, cc12mText).rho == 0.7924258926755035)
        // Deduplication keeps the first occurrence in file order; cc3m's image list includes t2icoco.
        #expect(Set(cc3mText.concepts).count == cc3mText.concepts.count)
        let cc3mImage = try PretrainingFrequencyVector(data: data, list: .image, pretraining: "cc3m")
        #expect(cc3mImage.files.contains("search_counts/t2icoco_cc3m_rampp0.7_search_counts.json"))
        #expect(cc3mImage.files == cc3mImage.files.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        // laion400m: the released counts give 3810 concepts (the notebook's state had 3776): ρ 0.6462 and 0.7242.
        let laionImage = try PretrainingFrequencyVector(data: data, list: .image, pretraining: "laion400m")
        let cc3mIntegrated = try PretrainingFrequencyVector(data: data, list: .integrated, pretraining: "cc3m")
        #expect(laionImage.counts.count == 3810 && cc3mIntegrated.counts.count == 3775)
        #expect(abs(try PretrainingFrequencyVector.spearman(laionImage, cc3mIntegrated).rho - 0.6462) < 5e-5)
        #expect(abs(try PretrainingFrequencyVector.spearman(laionImage, cc12mImage).rho - 0.7242) < 5e-5)
    }

    @Test("Let-It-Wag fits (§4.10): slopes to 1 ulp of the printed ones, intercepts, 9 + 31 models")
    func letItWag() throws {
        let fit = try LetItWagFit(data: try UpstreamFixture.shared())
        #expect(fit.models.count == 40)
        #expect(fit.droppedImageNetAccuracy == 38.554)
        #expect(fit.below50Count == 9 && fit.above50Count == 31)
        #expect(abs(fit.below50.slope - 0.6030346846828196) <= 0.6030346846828196.ulp)
        #expect(abs(fit.above50.slope - 1.5776268224701806) <= 1.5776268224701806.ulp)
        #expect(abs(fit.above50.intercept - -65.65996500201716) <= 4 * 65.65996500201716.ulp)
        #expect(abs(fit.below50.intercept - -7.590398240953838) <= 8 * 7.590398240953838.ulp)
        let rn50 = fit.models.first { $0.key == "backboneRN50_pretrainedcc3m" }
        #expect(rn50?.backbone == "RN50" && rn50?.pretraining == "cc3m")
        #expect(rn50?.imageNetAccuracy == 20.094 && rn50?.letItWagAccuracy == 3.73639846743295)
    }
}
