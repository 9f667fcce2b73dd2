import Collections
import Foundation

/// The summary JSON of a report (`summary.json`): provenance, the upstream pin, every check,
/// counts per status, the verdict and the plot data — everything needed to re-render the
/// HTML and JUnit (`freqbench report --summary`). The format is in docs/FORMATS.md.
public enum ReportSummary {
    /// The format tag written as `"format"`.
    public static let format = "freqbench-report/1"

    /// The summary of `report` as JSON (checks in run order; counts in `Check.Status` order).
    public static func json(_ report: Report) -> JSONValue {
        var counts = OrderedDictionary<String, JSONValue>()
        for (status, count) in report.counts { counts[status.rawValue] = .int(count) }
        let upstream: JSONValue = report.upstream.map { pin in
            .object(["lock_sha256": .string(pin.lockSHA256), "repository": .string(pin.repository), "commit": .string(pin.commit)])
        } ?? .null
        return .object([
            "format": .string(format),
            "provenance": report.provenance.json,
            "upstream": upstream,
            "verdict": .string(report.verdict.rawValue),
            "counts": .object(counts),
            "checks": .array(report.checks.map(json)),
            "plots": .array(report.plots.map(json)),
        ])
    }

    /// Reads a summary written by `json(_:)`; errors name the file and the member.
    public static func read(from url: URL) throws -> Report {
        try report(from: try JSONParser.parse(contentsOf: url), source: url.path)
    }

    /// The report a summary describes.
    public static func report(from json: JSONValue, source: String) throws -> Report {
        func fail(_ message: String, _ location: String? = nil) -> FreqBenchError {
            FreqBenchError(message, file: source, location: location)
        }
        guard json["format"]?.stringValue == format else {
            throw fail("not a report summary: expected \"format\": \"\(format)\"")
        }
        guard let provenanceJSON = json["provenance"], let toolVersion = provenanceJSON["tool_version"]?.stringValue else {
            throw fail("expected \"provenance\" with \"tool_version\"")
        }
        var libraries: [String: String] = [:]
        for (name, value) in provenanceJSON["libraries"]?.objectValue ?? [:] { libraries[name] = value.stringValue ?? "" }
        let provenance = Provenance(toolVersion: toolVersion, gitCommit: provenanceJSON["git_commit"]?.stringValue,
                                    gitDirty: provenanceJSON["git_dirty"] == .bool(true), libraries: libraries)
        var upstream: Report.UpstreamPin?
        if let pin = json["upstream"], !pin.isNull {
            guard let digest = pin["lock_sha256"]?.stringValue, let repository = pin["repository"]?.stringValue,
                  let commit = pin["commit"]?.stringValue else {
                throw fail("expected \"upstream\" with \"lock_sha256\", \"repository\" and \"commit\" strings, or null")
            }
            upstream = Report.UpstreamPin(lockSHA256: digest, repository: repository, commit: commit)
        }
        guard let checkItems = json["checks"]?.arrayValue else { throw fail("expected an array \"checks\"") }
        let checks = try checkItems.enumerated().map { index, item in
            guard let suite = item["suite"]?.stringValue, let name = item["name"]?.stringValue,
                  let statusText = item["status"]?.stringValue, let status = Check.Status(rawValue: statusText) else {
                throw fail("expected \"suite\", \"name\" and \"status\" (one of \(Check.Status.allCases.map(\.rawValue).joined(separator: ", ")))", "checks[\(index)]")
            }
            return Check(suite: suite, name: name, status: status, expected: item["expected"]?.stringValue ?? "",
                         got: item["got"]?.stringValue ?? "", deviation: item["deviation"]?.doubleValue,
                         detail: item["detail"]?.stringValue ?? "")
        }
        let plotItems = json["plots"]?.arrayValue ?? []
        let plots = try plotItems.enumerated().map { index, item in try plot(from: item, location: "plots[\(index)]", fail: fail) }
        return Report(checks: checks, plots: plots, provenance: provenance, upstream: upstream)
    }

    private static func json(_ check: Check) -> JSONValue {
        .object([
            "suite": .string(check.suite),
            "name": .string(check.name),
            "status": .string(check.status.rawValue),
            "expected": .string(check.expected),
            "got": .string(check.got),
            "deviation": check.deviation.map { .double($0) } ?? .null,
            "detail": .string(check.detail),
        ])
    }

    private static func json(_ plot: ReportPlot) -> JSONValue {
        .object([
            "title": .string(plot.title),
            "x_label": .string(plot.xLabel),
            "y_label": .string(plot.yLabel),
            "series": .array(plot.series.map { series in
                .object([
                    "name": .string(series.name),
                    "exp_bins": .array(series.frequencies.map { .double($0) }),
                    "cum_means": .array(series.means.map { .double($0) }),
                    "fit": series.fit.map { .object(["slope": .double($0.slope), "intercept": .double($0.intercept)]) } ?? .null,
                    "rho": series.rho.map { .double($0) } ?? .null,
                    "p": series.pValue.map { .double($0) } ?? .null,
                ])
            }),
        ])
    }

    private static func plot(from item: JSONValue, location: String,
                             fail: (String, String?) -> FreqBenchError) throws -> ReportPlot {
        guard let title = item["title"]?.stringValue, let seriesItems = item["series"]?.arrayValue else {
            throw fail("expected \"title\" and an array \"series\"", location)
        }
        let series = try seriesItems.enumerated().map { index, entry in
            let here = "\(location).series[\(index)]"
            guard let name = entry["name"]?.stringValue,
                  let bins = entry["exp_bins"]?.arrayValue?.compactMap(\.doubleValue),
                  let means = entry["cum_means"]?.arrayValue?.compactMap(\.doubleValue),
                  bins.count == means.count else {
                throw fail("expected \"name\" and numeric arrays \"exp_bins\" and \"cum_means\" of equal length", here)
            }
            var fit: ReportPlot.Fit?
            if let fitJSON = entry["fit"], !fitJSON.isNull {
                guard let slope = fitJSON["slope"]?.doubleValue, let intercept = fitJSON["intercept"]?.doubleValue else {
                    throw fail("expected \"fit\" with numbers \"slope\" and \"intercept\", or null", here)
                }
                fit = ReportPlot.Fit(slope: slope, intercept: intercept)
            }
            return ReportPlot.Series(name: name, frequencies: bins, means: means, fit: fit,
                                     rho: entry["rho"]?.doubleValue, pValue: entry["p"]?.doubleValue)
        }
        return ReportPlot(title: title, xLabel: item["x_label"]?.stringValue ?? "Pretraining concept frequency",
                          yLabel: item["y_label"]?.stringValue ?? "Avg. Zero-Shot Accuracy", series: series)
    }
}
