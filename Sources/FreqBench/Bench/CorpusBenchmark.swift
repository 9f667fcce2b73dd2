import Foundation

/// `freqbench bench corpus`: reading parquet against upstream's pandas loader, and indexing
/// from parquet against the same captions as TSV, each pair measured side by side in one run.
///
/// The file is an img2dataset-style snappy parquet made by `scripts/bench_parquet.py` (cached):
/// `rows` rows in row groups of 100,000, 2 % of captions null or empty and 0.5 % of urls empty.
/// The baseline is `pandas.read_parquet` + replace('', NaN) on caption and url + dropna +
/// `to_list` with pyarrow on one thread (its own timing, imports excluded); FreqBench is
/// `corpus check --format parquet` (its own timing of the read, one thread). Both must keep the
/// same number of captions. Then `index text` of the parquet and of the kept captions as cc3m
/// TSV, alternately, as child processes (wall time, peak memory).
public struct CorpusBenchmark {
    public struct Configuration {
        public var rows = 1_000_000
        public var repetitions = 3
        public var indexRepetitions = 1
        public var annotator = "builtin"
        public var cacheDirectory: URL
        public var executable: URL
        public var python: URL
        public var script: URL

        public init(cacheDirectory: URL, executable: URL, python: URL, script: URL) {
            self.cacheDirectory = cacheDirectory
            self.executable = executable
            self.python = python
            self.script = script
        }
    }

    public typealias Figure = BenchmarkFigure

    public let configuration: Configuration
    public init(configuration: Configuration) { self.configuration = configuration }

    private func runCapturing(_ executable: URL, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FreqBenchError("\(executable.lastPathComponent) \(arguments.joined(separator: " ")) failed (exit \(process.terminationStatus))")
        }
        return String(decoding: data, as: UTF8.self)
    }

    public func run(log: (String) -> Void = { _ in }) throws -> [Figure] {
        let c = configuration
        try FileManager.default.createDirectory(at: c.cacheDirectory, withIntermediateDirectories: true)
        let parquet = c.cacheDirectory.appendingPathComponent("img2dataset-\(c.rows).parquet")
        let tsv = c.cacheDirectory.appendingPathComponent("img2dataset-\(c.rows)-kept.tsv")
        if !FileManager.default.fileExists(atPath: parquet.path) || !FileManager.default.fileExists(atPath: tsv.path) {
            log("generating \(parquet.path)")
            _ = try runCapturing(c.python, [c.script.path, "make", parquet.path, tsv.path, "\(c.rows)"])
        }
        var figures: [Figure] = []
        var pandasSeconds: [Double] = [], readSeconds: [Double] = [], readPeaks: [Int] = []
        var kept = 0
        for repetition in 0..<c.repetitions {
            log("read, repetition \(repetition + 1)")
            let baseline = try JSONParser.parse(try runCapturing(c.python, [c.script.path, "baseline", parquet.path]))
            pandasSeconds.append(baseline["seconds"]?.doubleValue ?? .nan)
            kept = baseline["kept"]?.intValue ?? -1
            let logFile = c.cacheDirectory.appendingPathComponent("corpus-check.json")
            try? FileManager.default.removeItem(at: logFile)
            let measured = try ChildProcess.run(c.executable, ["corpus", "check", parquet.path, "--format", "parquet"], log: logFile)
            guard measured.status == 0 else { throw FreqBenchError("corpus check failed", file: logFile.path) }
            let text = try String(contentsOf: logFile, encoding: .utf8)
            guard let start = text.firstIndex(of: "{"), let scan = try? JSONParser.parse(String(text[start...])) else {
                throw FreqBenchError("corpus check printed no JSON", file: logFile.path)
            }
            guard scan["records"]?.intValue == kept else {
                throw FreqBenchError("corpus check kept \(scan["records"]?.intValue ?? -1) captions, pandas \(kept)", file: parquet.path)
            }
            readSeconds.append(scan["seconds"]?.doubleValue ?? .nan)
            readPeaks.append(measured.peakResidentBytes)
        }
        let ratios = zip(pandasSeconds, readSeconds).map { $0 / $1 }
        figures.append(Figure(name: "parquet read: pandas / corpus check", value: ratios.sorted()[ratios.count / 2], unit: "×",
                              detail: "median of \(ratios.count) alternating runs (range \(Self.range(ratios))); pandas \(Self.range(pandasSeconds)) s, "
                                  + "FreqBench \(Self.range(readSeconds)) s; \(kept) of \(c.rows) rows kept by both"))
        figures.append(Figure(name: "parquet read, one core", value: Double(kept) / (readSeconds.min() ?? .nan) / 1e6, unit: "M captions/s",
                              detail: "corpus check --format parquet, best of \(readSeconds.count); peak RSS \(readPeaks.map { $0 >> 20 }.max() ?? 0) MiB "
                                  + "(the file: \(try CorpusReader.fileSize(parquet) >> 20) MiB, row groups of 100,000 rows)"))
        // Index from parquet vs TSV.
        var parquetIndex: [Double] = [], tsvIndex: [Double] = []
        for repetition in 0..<c.indexRepetitions {
            log("index, repetition \(repetition + 1)")
            // Alternating which goes first, so a slow moment does not always fall on the same side.
            let order = [("parquet", parquet), ("cc3m", tsv)]
            for (format, file) in repetition % 2 == 0 ? order : order.reversed() {
                let output = c.cacheDirectory.appendingPathComponent("bench-\(format).index")
                let measured = try ChildProcess.run(c.executable, ["index", "text", file.path, "--format", format, "--annotator", c.annotator,
                                                                   "--out", output.path],
                                                    log: c.cacheDirectory.appendingPathComponent("bench-index.log"))
                guard measured.status == 0 else { throw FreqBenchError("index text --format \(format) failed") }
                if format == "parquet" { parquetIndex.append(measured.seconds) } else { tsvIndex.append(measured.seconds) }
                try? FileManager.default.removeItem(at: output)
            }
        }
        let indexRatios = zip(parquetIndex, tsvIndex).map { $0 / $1 }
        guard !indexRatios.isEmpty else { return figures }
        figures.append(Figure(name: "index text: parquet / TSV wall time", value: indexRatios.sorted()[indexRatios.count / 2], unit: "×",
                              detail: "\(kept) captions, \(c.annotator), alternating runs (range \(Self.range(indexRatios))); parquet \(Self.range(parquetIndex)) s, "
                                  + "TSV \(Self.range(tsvIndex)) s"))
        return figures
    }

    private static func range(_ values: [Double]) -> String {
        String(format: "%.3g–%.3g", values.min() ?? .nan, values.max() ?? .nan)
    }
}
