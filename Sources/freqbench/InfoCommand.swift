import ArgumentParser
import Foundation
import FreqBench

/// `freqbench info`: versions, provenance and where the shared data is looked for.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print versions, provenance and data locations.")

    func run() throws {
        let provenance = Provenance.current()
        print(JSONWriter(indent: 2).string(.object([
            "provenance": provenance.json,
            "data": .object([
                "upstream": .string(DataPaths.upstream.path),
                "corpora": .string(DataPaths.corpora.path),
                "reference": .string(DataPaths.reference.path),
                "clip_benchmark": .string(DataPaths.clipBenchmark.path),
            ]),
        ])))
    }
}
