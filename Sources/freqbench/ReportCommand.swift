import ArgumentParser
import Foundation
import FreqBench

/// `freqbench report`: re-renders the HTML page and JUnit XML of a report from its summary JSON.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Re-render a report (HTML, JUnit, summary) from a summary JSON written by verify.")

    @Option(name: .long, help: "The summary JSON (summary.json of an earlier report).")
    var summary: String

    @Option(name: .long, help: "Directory to write report.html, junit.xml and summary.json into (default: Reports/).")
    var out: String?

    func run() throws {
        let report = try ReportSummary.read(from: URL(fileURLWithPath: summary))
        let writer = out.map { ReportWriter(directory: URL(fileURLWithPath: $0, isDirectory: true)) } ?? ReportWriter()
        let files = try writer.write(report)
        print("verdict: \(report.verdict.rawValue)")
        print("wrote \(files.html.path)")
        print("wrote \(files.junit.path)")
        print("wrote \(files.summary.path)")
    }
}
