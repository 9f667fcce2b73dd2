import Foundation

/// `freqbench figures`: computes every figure of `FigureCatalog` from an upstream folder and
/// writes `<name>.json` for each computed one plus `status.tsv` (one row per name).
public enum FigureGeneration {
    /// Computes the status (and data) of every figure in `specs`.
    public static func compute(_ specs: [FigureSpec] = FigureCatalog.all, data: UpstreamData) throws -> [FigureStatus] {
        let computation = FigureComputation(data: data)
        return try specs.map { FigureStatus(spec: $0, outcome: try computation.compute($0)) }
    }

    /// Computes every figure from `upstream` and writes the outputs into `output` (each file
    /// atomically): `<name>.json` as the released files (`source`, `exp_bins`, `cum_means`,
    /// `cum_stds`), `status.tsv`, and `provenance.json`.
    @discardableResult
    public static func run(upstream: URL, output: URL) throws -> [FigureStatus] {
        guard FileManager.default.fileExists(atPath: upstream.appendingPathComponent("search_counts").path) else {
            throw FreqBenchError("not an upstream folder: search_counts/ is missing", file: upstream.path)
        }
        return try run(data: UpstreamData(root: upstream), output: output)
    }

    /// As `run(upstream:output:)`, over already opened upstream data.
    @discardableResult
    public static func run(data: UpstreamData, output: URL) throws -> [FigureStatus] {
        let upstream = data.root
        let statuses = try compute(data: data)
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let writer = JSONWriter()
        for status in statuses {
            guard let figure = status.figure else { continue }
            let name = status.spec.name
            try writer.write(figure.json(source: name + ".pkl"), to: output.appendingPathComponent(name + ".json"))
        }
        try AtomicFile.write(statusTable(statuses), to: output.appendingPathComponent("status.tsv"))
        try JSONWriter(indent: 2).write(.object(["provenance": Provenance.current().json, "upstream": .string(upstream.path)]),
                                        to: output.appendingPathComponent("provenance.json"))
        return statuses
    }

    /// The `status.tsv` text: a header, then one row per figure name
    /// (`name`, `kind`, `status`, `bins`, `pairs`, `detail`).
    public static func statusTable(_ statuses: [FigureStatus]) -> String {
        var lines = ["name\tkind\tstatus\tbins\tpairs\tdetail"]
        for status in statuses {
            let fields = [status.spec.name, status.spec.kind.rawValue, status.state.rawValue, String(status.spec.binCount),
                          status.pairCount.map(String.init) ?? "", status.detail]
            lines.append(fields.map { $0.replacingOccurrences(of: "\t", with: " ") }.joined(separator: "\t"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Number of figures per state.
    public static func tally(_ statuses: [FigureStatus]) -> [FigureStatus.State: Int] {
        statuses.reduce(into: [:]) { $0[$1.state, default: 0] += 1 }
    }
}
