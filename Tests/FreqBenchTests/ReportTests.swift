import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import FreqBench

@Suite("Report")
struct ReportTests {
    /// A report with every status, two suites, awkward text and two plots (5 series).
    static func sampleReport() -> Report {
        let checks = [
            Check(suite: "paper.figures", name: "cc3m/image/RN50", status: .passed, expected: "12 bins", got: "12 bins", deviation: 3.1e-14),
            Check(suite: "paper.figures", name: "laion400m/rampp0.7/RN50", status: .expectedDeviation, expected: "0.96", got: "0.91",
                  deviation: 0.05, detail: "released figures were made from older counts (§5)"),
            Check(suite: "paper.figures", name: "cc12m/<text>&\"quoted\"", status: .failed, expected: "0.5", got: "0.75",
                  deviation: 0.5, detail: "cum_means[3] differs: <b>not bold</b> & more"),
            Check(suite: "paper.rho", name: "cc3m/image/RN50", status: .passed, expected: "0.98**", got: "0.98**"),
            Check(suite: "paper.rho", name: "yfcc15m/t2i", status: .skipped, detail: "input absent upstream"),
            Check(suite: "paper.rho", name: "log-linear-all-datasets-plot-counttype_integrated_rampp0.7_prompttype_ensemble_ptdataset_laion200m_train_test_sim_normalized_model_ViT-B-32_retrieval",
                  status: .passed, expected: String(repeating: "0.9876543210", count: 12), got: "0.98**"),
        ]
        let provenance = Provenance(toolVersion: "9.9.9", gitCommit: String(repeating: "a", count: 40), gitDirty: true,
                                    libraries: ["openblas": "test"])
        let pin = Report.UpstreamPin(lockSHA256: String(repeating: "b", count: 64), repository: "https://example.invalid/upstream",
                                     commit: String(repeating: "c", count: 40))
        let bins = [1.0, 12.5, 160.0, 2_000.0, 25_000.0, 310_000.0]
        let plots = [
            ReportPlot(title: "cc3m · image", series: [
                ReportPlot.Series(name: "RN50", frequencies: bins, means: [5, 11, 17, 24, 30, 37],
                                  fit: ReportPlot.Fit(slope: 2.5, intercept: 5), rho: 0.9834, pValue: 0.0004),
                ReportPlot.Series(name: "ViT-B-16", frequencies: bins, means: [7, 13, 18, 27, 33, 40],
                                  fit: ReportPlot.Fit(slope: 2.6, intercept: 7), rho: 0.9712, pValue: 0.0011),
            ]),
            ReportPlot(title: "laion400m · text", yLabel: "Avg. Recall@1", series: [
                ReportPlot.Series(name: "ViT-B-32", frequencies: bins, means: [0.1, 0.2, 0.25, 0.3, 0.42, 0.5],
                                  fit: ReportPlot.Fit(slope: 0.03, intercept: 0.1), rho: 0.9489, pValue: 0.0511),
                ReportPlot.Series(name: "ViT-B-16", frequencies: bins, means: [0.12, 0.22, 0.27, 0.33, 0.45, 0.52], rho: 0.95, pValue: 0.01),
                ReportPlot.Series(name: "ViT-L-14", frequencies: bins, means: [0.15, 0.25, 0.3, 0.38, 0.49, 0.57]),
            ]),
        ]
        return Report(checks: checks, plots: plots, provenance: provenance, upstream: pin)
    }

    @Test("ρ is shown to 2 decimals with ** when p < 0.05")
    func rhoFormat() {
        #expect(ReportPlot.formatRho(0.9834, pValue: 0.0004) == "0.98**")
        #expect(ReportPlot.formatRho(0.9489, pValue: 0.0511) == "0.95")
        #expect(ReportPlot.formatRho(0.955, pValue: nil) == "0.95" || ReportPlot.formatRho(0.955, pValue: nil) == "0.96")
        #expect(ReportPlot.formatRho(-0.5, pValue: 0.2) == "-0.50")
    }

    @Test("verdict fails only on failed checks; counts cover every status")
    func verdictAndCounts() {
        let report = ReportTests.sampleReport()
        #expect(report.verdict == .failed)
        #expect(report.counts.map(\.count) == [3, 1, 1, 1])
        var passing = report
        passing.checks.removeAll { $0.status == .failed }
        #expect(passing.verdict == .passed)
    }

    @Test("checks are grouped by suite, failing suites and failures first")
    func grouping() {
        let groups = ReportTests.sampleReport().checksBySuite
        #expect(groups.map(\.suite) == ["paper.figures", "paper.rho"])
        #expect(groups[0].checks.map(\.status) == [.failed, .expectedDeviation, .passed])
        #expect(groups[1].checks.map(\.status) == [.skipped, .passed, .passed])
    }

    @Test("HTML is self-contained, escaped, and has every plot, series, legend and table")
    func htmlStructure() {
        let report = ReportTests.sampleReport()
        let html = HTMLReportRenderer().render(report)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for forbidden in ["<script", "<link", "src=", "href=", "@import", "url("] {
            #expect(!html.contains(forbidden), "found \(forbidden)")
        }
        #expect(occurrences(of: "<svg class=\"plot\"", in: html) == 2)
        #expect(occurrences(of: "<path class=\"series\"", in: html) == 5)
        #expect(occurrences(of: "<path class=\"fit\"", in: html) == 3)
        #expect(occurrences(of: "<table class=\"checks\"", in: html) == 2)
        #expect(html.contains("RN50 (ρ = 0.98**)"))
        #expect(html.contains("ViT-B-32 (ρ = 0.95)"))
        #expect(html.contains(">ViT-L-14</text>"))
        // Ticks at powers of 10 from 10^0 to 10^6 on the log axis.
        #expect(html.contains("10<tspan dy=\"-6\" font-size=\"9\">0</tspan>"))
        #expect(html.contains("10<tspan dy=\"-6\" font-size=\"9\">6</tspan>"))
        #expect(!html.contains("10<tspan dy=\"-6\" font-size=\"9\">7</tspan>"))
        // Provenance and escaping.
        #expect(html.contains(String(repeating: "a", count: 40) + " (dirty"))
        #expect(html.contains("sha256 " + String(repeating: "b", count: 64)))
        #expect(html.contains("cc12m/&lt;text&gt;&amp;&quot;quoted&quot;"))
        #expect(!html.contains("<b>not bold</b>"))
        // Within the figures table the failure comes before the pass.
        guard let failed = html.range(of: "<tr class=\"failed\">"), let passed = html.range(of: "<tr class=\"passed\">") else {
            Issue.record("rows missing"); return
        }
        #expect(failed.lowerBound < passed.lowerBound)
    }

    @Test("a series point lands where the log axis puts it")
    func logAxisPlacement() {
        let plot = ReportPlot(title: "t", series: [ReportPlot.Series(name: "s", frequencies: [1, 10, 100], means: [0, 5, 10])])
        let svg = LogLinearPlotSVG(plot: plot).render()
        // Axis spans 10^0..10^2 over x = 70...540: 10 sits exactly halfway, at 305.
        #expect(svg.contains("d=\"M70.00,"))
        #expect(svg.contains(" L305.00,"))
        #expect(svg.contains(" L540.00,"))
    }

    @Test("summary JSON round-trips to the same report and re-renders byte-identically")
    func summaryRoundTrip() throws {
        let report = ReportTests.sampleReport()
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try ReportWriter(directory: directory).write(report)
        let json = try JSONParser.parse(contentsOf: files.summary)
        #expect(json["verdict"]?.stringValue == "failed")
        #expect(json["provenance"]?["tool_version"]?.stringValue == "9.9.9")
        #expect(json["provenance"]?["git_commit"]?.stringValue == String(repeating: "a", count: 40))
        #expect(json["upstream"]?["lock_sha256"]?.stringValue == String(repeating: "b", count: 64))
        #expect(json["counts"]?["failed"]?.intValue == 1)
        #expect(json["counts"]?["expected-deviation"]?.intValue == 1)
        #expect(json["checks"]?.arrayValue?.count == 6)
        let reread = try ReportSummary.read(from: files.summary)
        #expect(reread == report)
        let again = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: again) }
        let second = try ReportWriter(directory: again).write(reread)
        for (first, copy) in [(files.html, second.html), (files.junit, second.junit), (files.summary, second.summary)] {
            #expect(try Data(contentsOf: first) == Data(contentsOf: copy), "\(first.lastPathComponent) differs after re-rendering")
        }
    }

    @Test("a malformed summary is rejected naming the member")
    func malformedSummary() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("summary.json")
        var json = ReportSummary.json(ReportTests.sampleReport())
        guard case .object(var members) = json else { Issue.record("not an object"); return }
        members["checks"] = .array([.object(["suite": .string("s"), "name": .string("n"), "status": .string("green")])])
        json = .object(members)
        try JSONWriter().write(json, to: url)
        #expect {
            try ReportSummary.read(from: url)
        } throws: { error in
            "\(error)".contains("checks[0]") && "\(error)".contains(url.path)
        }
    }

    @Test("JUnit XML parses and maps every status")
    func junitValidity() throws {
        let report = ReportTests.sampleReport()
        let xml = JUnitReportRenderer().render(report)
        let document = try XMLDocument(xmlString: xml, options: [])
        guard let root = document.rootElement() else { Issue.record("no root element"); return }
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "tests")?.stringValue == "6")
        #expect(root.attribute(forName: "failures")?.stringValue == "1")
        #expect(root.attribute(forName: "skipped")?.stringValue == "1")
        let suites = root.elements(forName: "testsuite")
        #expect(suites.map { $0.attribute(forName: "name")?.stringValue ?? "" } == ["paper.figures", "paper.rho"])
        let cases = suites.flatMap { $0.elements(forName: "testcase") }
        #expect(cases.count == report.checks.count)
        let failing = cases.filter { !$0.elements(forName: "failure").isEmpty }
        #expect(failing.count == 1)
        #expect(failing.first?.attribute(forName: "name")?.stringValue == "cc12m/<text>&\"quoted\"")
        #expect(failing.first?.elements(forName: "failure").first?.attribute(forName: "message")?.stringValue == "cum_means[3] differs: <b>not bold</b> & more")
        #expect(cases.filter { !$0.elements(forName: "skipped").isEmpty }.count == 1)
        let deviations = cases.filter { ($0.elements(forName: "system-out").first?.stringValue ?? "").hasPrefix("expected deviation:") }
        #expect(deviations.map { $0.attribute(forName: "name")?.stringValue ?? "" } == ["laion400m/rampp0.7/RN50"])
        let properties = suites[0].elements(forName: "properties").first?.elements(forName: "property") ?? []
        #expect(properties.contains { $0.attribute(forName: "name")?.stringValue == "upstream_lock_sha256" })
    }

    @Test("the page renders in headless Chromium with every plot, series and table")
    func chromiumRendering() throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            Issue.record("chromium is not installed (ci/setup installs Debian's chromium); the rendering check cannot run")
            return
        }
        let report = ReportTests.sampleReport()
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try ReportWriter(directory: directory).write(report)
        let result = try ReportRendering.inspect(page: files.html, chromium: chromium)
        #expect(result.plots.count == report.plots.count)
        for (plot, rendered) in zip(report.plots, result.plots) {
            #expect(rendered.width > 100 && rendered.height > 100, "plot \(plot.title) renders as \(rendered.width)×\(rendered.height)")
            #expect(rendered.seriesLengths.count == plot.series.count)
            #expect(rendered.seriesLengths.allSatisfy { $0 > 50 }, "series paths of \(plot.title) have lengths \(rendered.seriesLengths)")
            #expect(rendered.pointsInside, "markers of \(plot.title) fall outside the plot")
            #expect(rendered.legend == plot.series.map(\.legendLabel))
        }
        #expect(result.tables.map(\.suite) == report.checksBySuite.map(\.suite))
        #expect(result.tables.map(\.rows) == report.checksBySuite.map(\.checks.count))
        #expect(result.tables.allSatisfy { $0.visible })
        #expect(!result.overflowsHorizontally, "long check names must wrap, not widen the page")
    }

    @Test("the paper's released cc3m/cc12m figures, re-drawn, render in Chromium with the paper's ρ legends")
    func releasedFiguresRendering() throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            Issue.record("chromium is not installed (ci/setup installs Debian's chromium); the rendering check cannot run")
            return
        }
        // ρ as the saved images of zero_shot_log_linear_plots.ipynb show them (upstream README §4.5).
        let shown: [(pretraining: String, countType: String, legends: [String])] = [
            ("cc3m", "rampp0.7", ["RN50 (ρ = 0.98**)", "ViT-B-16 (ρ = 0.97**)"]),
            ("cc3m", "lemmatized", ["RN50 (ρ = 0.93**)", "ViT-B-16 (ρ = 0.93**)"]),
            ("cc3m", "integrated_rampp0.7", ["RN50 (ρ = 0.96**)", "ViT-B-16 (ρ = 0.97**)"]),
            ("cc12m", "rampp0.7", ["RN50 (ρ = 0.97**)", "ViT-B-16 (ρ = 0.98**)"]),
            ("cc12m", "lemmatized", ["RN50 (ρ = 0.96**)", "ViT-B-16 (ρ = 0.96**)"]),
            ("cc12m", "integrated_rampp0.7", ["RN50 (ρ = 0.94**)", "ViT-B-16 (ρ = 0.92**)"]),
        ]
        let figures = try SharedData.upstream("figures")
        let plots = try shown.map { entry in
            ReportPlot(title: "\(entry.pretraining) · \(entry.countType) · ensemble [1:-1]", series: try ["RN50", "ViT-B-16"].map { model in
                let name = "log-linear-all-datasets-plot-counttype_\(entry.countType)_prompttype_ensemble_ptdataset_\(entry.pretraining)_model_\(model).json"
                let figure = try FigureData.read(contentsOf: figures.appendingPathComponent(name))
                return ReportPlot.Series(try PlotSeries(name: model, figure: figure, slice: .interior))
            })
        }
        let report = Report(checks: ReportTests.sampleReport().checks, plots: plots,
                            provenance: ReportTests.sampleReport().provenance, upstream: nil)
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try ReportWriter(directory: directory).write(report)
        let result = try ReportRendering.inspect(page: files.html, chromium: chromium)
        #expect(result.plots.count == shown.count)
        #expect(result.plots.map(\.legend) == shown.map(\.legends))
        for rendered in result.plots {
            #expect(rendered.seriesLengths.count == 2 && rendered.seriesLengths.allSatisfy { $0 > 100 })
            #expect(rendered.pointsInside)
        }
        #expect(!result.overflowsHorizontally)
    }

    private func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}
