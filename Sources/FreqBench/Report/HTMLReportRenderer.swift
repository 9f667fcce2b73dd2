import Foundation

/// Renders a `Report` as one self-contained HTML page: inline CSS, inline SVG plots, no
/// scripts and no network references, so it opens from a CI artifact or an e-mail.
///
/// Layout: header with verdict and provenance (tool version, git commit and dirty flag, the
/// upstream lock's digest and pinned commit); status counts; the plots; one table per suite
/// (failures first) with expected, got, deviation, status and detail of every check.
public struct HTMLReportRenderer: Sendable {
    public init() {}

    public func render(_ report: Report) -> String {
        var html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>FreqBench report: \(report.verdict.rawValue)</title>
        <style>
        body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px; color: #222; }
        h1 { margin-bottom: 4px; }
        .verdict { display: inline-block; padding: 2px 10px; border-radius: 4px; color: #fff; font-weight: bold; }
        .verdict.passed { background: #2e7d32; } .verdict.failed { background: #c62828; }
        table { border-collapse: collapse; margin: 8px 0 20px; font-size: 13px; }
        th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
        th { background: #f3f3f3; }
        td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        table.checks { width: 100%; }
        table.checks td { overflow-wrap: anywhere; }
        table.checks td.name { min-width: 22em; } table.checks td.value { min-width: 9em; }
        table.checks td.status { white-space: nowrap; }
        code, td.mono { font-family: Menlo, Consolas, monospace; font-size: 12px; }
        tr.failed td.status { background: #ffcdd2; } tr.expected-deviation td.status { background: #fff3c4; }
        tr.skipped td.status { background: #e0e0e0; } tr.passed td.status { background: #dcedc8; }
        .plots { display: flex; flex-wrap: wrap; gap: 16px; }
        figure.plot-figure { margin: 0; border: 1px solid #ddd; padding: 8px; }
        figcaption { font-weight: bold; margin-bottom: 4px; }
        </style>
        </head>
        <body>
        <header>
        <h1>FreqBench report <span class="verdict \(report.verdict.rawValue)">\(report.verdict.rawValue)</span></h1>
        <table class="provenance">
        <tr><th>tool version</th><td class="mono">\(escape(report.provenance.toolVersion))</td></tr>
        <tr><th>git commit</th><td class="mono">\(escape(report.provenance.gitCommit ?? "unknown (not a git checkout)"))\(report.provenance.gitDirty ? " (dirty: uncommitted changes)" : "")</td></tr>

        """
        if let upstream = report.upstream {
            html += "<tr><th>upstream lock</th><td class=\"mono\">sha256 \(escape(upstream.lockSHA256))</td></tr>\n"
            html += "<tr><th>upstream</th><td class=\"mono\">\(escape(upstream.repository)) @ \(escape(upstream.commit))</td></tr>\n"
        } else {
            html += "<tr><th>upstream lock</th><td>none (no Golden/upstream.lock.json)</td></tr>\n"
        }
        for (name, version) in report.provenance.libraries.sorted(by: { $0.key < $1.key }) {
            html += "<tr><th>\(escape(name))</th><td class=\"mono\">\(escape(version))</td></tr>\n"
        }
        html += "</table>\n"
        html += countsTable(report.checks, caption: "All checks", className: "counts")
        html += "</header>\n"

        if !report.plots.isEmpty {
            html += "<section id=\"plots\">\n<h2>Plots</h2>\n<div class=\"plots\">\n"
            for plot in report.plots {
                html += "<figure class=\"plot-figure\">\n<figcaption>\(escape(plot.title))</figcaption>\n"
                html += LogLinearPlotSVG(plot: plot).render()
                html += "\n</figure>\n"
            }
            html += "</div>\n</section>\n"
        }

        html += "<section id=\"checks\">\n<h2>Checks</h2>\n"
        if report.checks.isEmpty { html += "<p>No checks ran.</p>\n" }
        for (suite, checks) in report.checksBySuite {
            html += "<h3 id=\"suite-\(escape(suite))\">\(escape(suite))</h3>\n"
            html += countsTable(checks, caption: nil, className: "suite-counts")
            html += "<table class=\"checks\" data-suite=\"\(escape(suite))\">\n"
            html += "<thead><tr><th>status</th><th>check</th><th>expected</th><th>got</th><th>deviation</th><th>detail</th></tr></thead>\n<tbody>\n"
            for check in checks {
                html += "<tr class=\"\(check.status.rawValue)\"><td class=\"status\">\(check.status.rawValue)</td>"
                html += "<td class=\"mono name\">\(escape(check.name))</td><td class=\"mono value\">\(escape(check.expected))</td>"
                html += "<td class=\"mono value\">\(escape(check.got))</td><td class=\"number\">\(check.deviation.map(HTMLReportRenderer.formatDeviation) ?? "")</td>"
                html += "<td>\(escape(check.detail))</td></tr>\n"
            }
            html += "</tbody>\n</table>\n"
        }
        html += "</section>\n</body>\n</html>\n"
        return html
    }

    /// A deviation as a reader wants it: 3 significant digits (`1.23e-13`, `0.0417`).
    static func formatDeviation(_ value: Double) -> String {
        value == 0 ? "0" : String(format: "%.3g", value)
    }

    private func countsTable(_ checks: [Check], caption: String?, className: String) -> String {
        var html = "<table class=\"\(className)\">"
        if let caption { html += "<caption>\(escape(caption))</caption>" }
        html += "<tr>"
        for (status, _) in Report.counts(of: checks) { html += "<th>\(status.rawValue)</th>" }
        html += "<th>total</th></tr><tr>"
        for (status, count) in Report.counts(of: checks) { html += "<td class=\"number\" data-status=\"\(status.rawValue)\">\(count)</td>" }
        html += "<td class=\"number\">\(checks.count)</td></tr></table>\n"
        return html
    }

    private func escape(_ text: String) -> String { MarkupEscaping.escape(text) }
}
