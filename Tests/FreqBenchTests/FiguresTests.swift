import Foundation
import Testing
@testable import FreqBench

/// `freqbench figures` on the released data: the catalog of all 820 figure names, the
/// released cc3m/cc12m figure files reproduced, and status.tsv explaining every other name.
@Suite("Figures")
struct FiguresTests {
    @Test("the catalog has all 820 released names: 208 zero-shot, 204 retrieval, 408 t2i, no duplicates")
    func catalog() {
        #expect(FigureCatalog.all.count == 820)
        #expect(FigureCatalog.zeroShot.count == 208)
        #expect(FigureCatalog.retrieval.count == 204)
        #expect(FigureCatalog.textToImage.count == 408)
        #expect(Set(FigureCatalog.all.map(\.name)).count == 820)
        let released = FigureCatalog.all.first { $0.countType == "integrated_rampp0.5" && $0.pretraining == "cc12m" && $0.model == "RN50" }
        #expect(released?.name == "log-linear-all-datasets-plot-counttype_integrated_rampp0.5_prompttype_class_ptdataset_cc12m_model_RN50")
        #expect(released?.searchCountType == "integrated_tlemmatized_i0.5")
        #expect(released?.binCount == 8)
    }

    @Test("every released figure file in upstream/figures is in the catalog")
    func releasedFilesAreCataloged() throws {
        let folder = try SharedData.upstream("figures")
        let released = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
        #expect(released.count == 160)
        let names = Set(FigureCatalog.all.map { $0.name + ".json" })
        for file in released { #expect(names.contains(file), "\(file) is not in the catalog") }
    }

    @Test("figures on ../shared/upstream reproduce all 160 released files (rel 1e-12) and status.tsv explains all 820 names")
    func reproducesReleasedFigures() throws {
        let upstream = try SharedData.upstream()
        let output = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: output) }
        let statuses = try FigureGeneration.run(data: try UpstreamFixture.shared(), output: output)

        let folder = upstream.appendingPathComponent("figures")
        let released = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(released.count == 160)
        for file in released {
            let expected = try FigureData.read(contentsOf: folder.appendingPathComponent(file))
            let computedURL = output.appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: computedURL.path) else {
                Issue.record("\(file) was not computed")
                continue
            }
            let computed = try FigureData.read(contentsOf: computedURL)
            let deviation = computed.maximumRelativeDifference(to: expected)
            #expect(deviation <= 1e-12, "\(file): max relative difference \(deviation)")
            let source = try JSONParser.parse(contentsOf: computedURL)["source"]?.stringValue
            #expect(source == String(file.dropLast(".json".count)) + ".pkl")
        }

        // status.tsv: a header and one row per name, states tallied as upstream README §5.
        let table = try String(contentsOf: output.appendingPathComponent("status.tsv"), encoding: .utf8)
        let rows = table.split(separator: "\n").dropFirst()
        #expect(rows.count == 820)
        #expect(Set(rows.map { $0.split(separator: "\t").first ?? "" }).count == 820)
        func tally(_ kind: FigureKind) -> [FigureStatus.State: Int] {
            FigureGeneration.tally(statuses.filter { $0.spec.kind == kind })
        }
        #expect(tally(.zeroShot) == [.computed: 165, .computedWithVariant: 21, .notComputed: 4, .computedDiffersFromRelease: 18])
        #expect(tally(.retrieval) == [.computed: 168, .computedDiffersFromRelease: 36])
        #expect(tally(.textToImage) == [.computedWithVariant: 72, .notComputed: 288, .computedDiffersFromRelease: 48])
        let written = try FileManager.default.contentsOfDirectory(atPath: output.path).filter { $0.hasSuffix(".json") && $0.hasPrefix("log-linear") }
        #expect(written.count == 820 - 292)

        // What the status says of the files that are not computed.
        let byName = Dictionary(uniqueKeysWithValues: statuses.map { ($0.spec.name, $0) })
        let lowercased = byName["log-linear-all-datasets-plot-counttype_lowercased_prompttype_class_ptdataset_yfcc15m_model_RN50"]
        #expect(lowercased?.state == .notComputed)
        #expect(lowercased?.detail.contains("search_counts/imagenet_yfcc15m_lowercased_search_counts.json") == true)
        let legacy = byName["log-linear-all-datasets-plot-counttype_rampp0.7_prompttype_class_ptdataset_laion400m_model_RN50"]
        #expect(legacy?.state == .notComputed)
        #expect(legacy?.detail.contains("no model key") == true)
        let t2iAbsent = byName["log-linear-all-datasets-plot-counttype_integrated_rampp0.7_prompttype_exp_clip_ptdataset_laion_aesthetics_model_AlephAlpha_m-vader_t2i"]
        #expect(t2iAbsent?.detail.contains("t2i_evaluations/t2i_exp_clip.json") == true)
    }

    @Test("known upstream deviations are computed and show the documented evidence (max counts of the released inputs)")
    func knownDeviationEvidence() throws {
        let data = try UpstreamFixture.shared()
        let computation = FigureComputation(data: data)
        var checked = 0
        for spec in FigureCatalog.all {
            guard let deviation = spec.knownDeviation, let releasedMaximum = deviation.releasedMaximumCount, spec.model != "RN50" else { continue }
            guard case .computed(let figure, _) = try computation.compute(spec) else {
                Issue.record("\(spec.name) was not computed")
                continue
            }
            let maximum = figure.expBins.last ?? 0
            #expect(abs(maximum - Double(releasedMaximum)) <= 1e-6 * Double(releasedMaximum), "\(spec.name): max \(maximum)")
            checked += 1
        }
        #expect(checked == 54)
    }

    @Test("retrieval keeps the coco \"\" concept where the count file has it (946 vs 945 pairs)")
    func cocoEmptyConcept() throws {
        let computation = FigureComputation(data: try UpstreamFixture.shared())
        func pairs(_ countType: String) throws -> Int? {
            let spec = FigureCatalog.retrieval.first { $0.countType == countType && $0.pretraining == "cc3m" && $0.model == "RN50" && $0.prompt == "t2i_k=1" }
            guard let spec, case .computed(_, let count) = try computation.compute(spec) else { return nil }
            return count
        }
        #expect(try pairs("rampp0.7") == 946)
        #expect(try pairs("lemmatized") == 945)
    }

    @Test("cifar10 results' plane joins the counts' airplane (10 pairs, not 9)")
    func cifarPlane() throws {
        let computation = FigureComputation(data: try UpstreamFixture.shared())
        let spec = FigureSpec(kind: .zeroShot, countType: "rampp0.7", prompt: "class", pretraining: "cc3m", model: "RN50",
                              datasets: ["cifar10"], binCount: 7, modelKeyRule: .firstContainingPretrainingAndModel)
        guard case .pairs(let counts, _) = try computation.pairs(of: spec) else {
            Issue.record("cifar10 pairs not gathered")
            return
        }
        #expect(counts.count == 10)
    }

    @Test("legacy laion400m \"RN50\" = ViT-B-32/laion400m with 8 bins under the first-key-containing-PT rule")
    func legacyRN50() throws {
        let computation = FigureComputation(data: try UpstreamFixture.shared())
        for countType in ["rampp0.5", "rampp0.6"] {
            guard let legacy = FigureCatalog.zeroShot.first(where: { $0.countType == countType && $0.model == "RN50" && $0.pretraining == "laion400m" }) else {
                Issue.record("no legacy \(countType) spec")
                continue
            }
            #expect(legacy.modelKeyRule == .firstContainingPretraining)
            #expect(legacy.binCount == 8)
            var explicit = legacy
            explicit.model = "ViT-B-32"
            explicit.modelKeyRule = .firstContainingPretrainingAndModel
            let a = try computation.compute(legacy), b = try computation.compute(explicit)
            guard case .computed = a else { Issue.record("legacy \(countType) not computed"); continue }
            #expect(a == b)
        }
    }

    @Test("t2i figures use every concept (no ≤5-scores filter): 238, 300 and 408 pairs")
    func textToImageWithoutFilter() throws {
        let computation = FigureComputation(data: try UpstreamFixture.shared())
        for (metric, expected) in [("exp_lpips", 238), ("human_aesthetics", 300), ("human_align", 408)] {
            let spec = FigureCatalog.textToImage.first { $0.countType == "integrated_rampp0.7" && $0.prompt == metric }
            guard let spec, case .computed(_, let count) = try computation.compute(spec) else {
                Issue.record("t2i \(metric) not computed")
                continue
            }
            #expect(count == expected, "t2i \(metric)")
        }
    }

    @Test("ZS18 gathers 4469 concept entries and ZS17 3469")
    func datasetListTotals() throws {
        let computation = FigureComputation(data: try UpstreamFixture.shared())
        for (countType, expected) in [("rampp0.7", 4469), ("lemmatized", 3469)] {
            let spec = FigureCatalog.zeroShot.first { $0.countType == countType && $0.pretraining == "cc3m" && $0.model == "RN50" }
            guard let spec, case .computed(_, let count) = try computation.compute(spec) else {
                Issue.record("\(countType) not computed")
                continue
            }
            #expect(count == expected)
        }
    }
}
