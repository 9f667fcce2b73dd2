import Foundation
@testable import FreqBench

/// Opens a report page in headless Chromium and measures what the browser actually laid
/// out: each plot's size, the length of each series path, whether markers fall inside the
/// axes, the legend texts, and each check table's suite, row count and visibility.
///
/// A harness page loads the report in an iframe (same origin thanks to
/// `--allow-file-access-from-files`), measures it with DOM APIs once loaded, and writes the
/// measurements as JSON into a `<pre>`, which `--dump-dom` prints.
enum ReportRendering {
    struct Plot {
        var width: Double
        var height: Double
        var seriesLengths: [Double]
        var pointsInside: Bool
        var legend: [String]
    }

    struct Table {
        var suite: String
        var rows: Int
        var visible: Bool
    }

    struct Result {
        var plots: [Plot]
        var tables: [Table]
        /// Whether the page is wider than the window (a horizontal scroll bar).
        var overflowsHorizontally: Bool
    }

    static let harness = """
    <!DOCTYPE html>
    <html><head><meta charset="utf-8"></head><body>
    <pre id="result">pending</pre>
    <iframe id="page" src="PAGE" style="width:1400px;height:3000px"></iframe>
    <script>
    window.addEventListener('load', function () {
      var out = { plots: [], tables: [] };
      try {
        var doc = document.getElementById('page').contentDocument;
        doc.querySelectorAll('svg.plot').forEach(function (svg) {
          var box = svg.getBoundingClientRect();
          var frame = svg.querySelector('rect.frame').getBBox();
          var inside = true;
          svg.querySelectorAll('circle.point').forEach(function (c) {
            var b = c.getBBox(), cx = b.x + b.width / 2, cy = b.y + b.height / 2;
            if (cx < frame.x - 0.01 || cx > frame.x + frame.width + 0.01 || cy < frame.y - 0.01 || cy > frame.y + frame.height + 0.01) inside = false;
          });
          out.plots.push({
            width: box.width, height: box.height, inside: inside,
            lengths: Array.from(svg.querySelectorAll('path.series')).map(function (p) { return p.getTotalLength(); }),
            legend: Array.from(svg.querySelectorAll('text.legend-entry')).map(function (t) { return t.textContent; })
          });
        });
        doc.querySelectorAll('table.checks').forEach(function (table) {
          var box = table.getBoundingClientRect();
          out.tables.push({ suite: table.dataset.suite, rows: table.querySelectorAll('tbody tr').length,
                            visible: box.width > 0 && box.height > 0 });
        });
        out.overflow = doc.documentElement.scrollWidth > doc.documentElement.clientWidth;
      } catch (error) { out.error = String(error); }
      document.getElementById('result').textContent = JSON.stringify(out);
    });
    </script>
    </body></html>
    """

    static func inspect(page: URL, chromium: String) throws -> Result {
        let directory = page.deletingLastPathComponent()
        let harnessURL = directory.appendingPathComponent("harness.html")
        try harness.replacingOccurrences(of: "PAGE", with: page.lastPathComponent).write(to: harnessURL, atomically: false, encoding: .utf8)
        let profile = directory.appendingPathComponent("chromium-profile", isDirectory: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--allow-file-access-from-files",
                             "--user-data-dir=\(profile.path)", "--virtual-time-budget=10000",
                             "--dump-dom", harnessURL.absoluteString]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let dom = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0,
              let start = dom.range(of: "<pre id=\"result\">"),
              let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else {
            throw FreqBenchError("chromium exited \(process.terminationStatus) without the measurements; DOM: \(dom.prefix(500))", file: page.path)
        }
        let text = String(dom[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
        let json = try JSONParser.parse(text, source: "chromium measurements")
        if let error = json["error"]?.stringValue { throw FreqBenchError("measuring the page failed in the browser: \(error)", file: page.path) }
        let plots = (json["plots"]?.arrayValue ?? []).map { item in
            Plot(width: item["width"]?.doubleValue ?? 0, height: item["height"]?.doubleValue ?? 0,
                 seriesLengths: (item["lengths"]?.arrayValue ?? []).compactMap(\.doubleValue),
                 pointsInside: item["inside"] == .bool(true),
                 legend: (item["legend"]?.arrayValue ?? []).compactMap(\.stringValue))
        }
        let tables = (json["tables"]?.arrayValue ?? []).map { item in
            Table(suite: item["suite"]?.stringValue ?? "", rows: item["rows"]?.intValue ?? -1, visible: item["visible"] == .bool(true))
        }
        return Result(plots: plots, tables: tables, overflowsHorizontally: json["overflow"] != .bool(false))
    }
}
