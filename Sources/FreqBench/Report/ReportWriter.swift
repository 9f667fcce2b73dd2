import Foundation

/// Writes a report's three files into a directory, each atomically:
/// `report.html` (self-contained page), `summary.json` and `junit.xml`.
public struct ReportWriter: Sendable {
    /// The files a report consists of.
    public struct Files: Sendable, Equatable {
        public var html: URL
        public var summary: URL
        public var junit: URL
    }

    /// `Reports/` under the repository root (git-ignored).
    public static var defaultDirectory: URL {
        DataPaths.repositoryRoot.appendingPathComponent("Reports", isDirectory: true)
    }

    public var directory: URL

    public init(directory: URL = ReportWriter.defaultDirectory) {
        self.directory = directory
    }

    /// Where the files go (also before they are written).
    public var files: Files {
        Files(html: directory.appendingPathComponent("report.html"),
              summary: directory.appendingPathComponent("summary.json"),
              junit: directory.appendingPathComponent("junit.xml"))
    }

    /// Writes HTML, summary JSON and JUnit XML of `report`; returns their locations.
    @discardableResult
    public func write(_ report: Report) throws -> Files {
        let files = self.files
        try JSONWriter(indent: 1).write(ReportSummary.json(report), to: files.summary)
        try AtomicFile.write(HTMLReportRenderer().render(report), to: files.html)
        try AtomicFile.write(JUnitReportRenderer().render(report), to: files.junit)
        return files
    }
}
