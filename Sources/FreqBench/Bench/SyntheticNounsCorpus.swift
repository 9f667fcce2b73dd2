import Foundation

/// The synthetic caption-side input of `bench text`: real per-caption term sets (a nouns
/// JSONL such as the CC3M-val reference) sampled with replacement to any size, with a
/// fixed seed, so both FreqBench and the Python baseline index exactly the same data.
///
/// Record `i` takes source line `SplitMix64(seed).next() % sourceCount` (the i-th draw;
/// SplitMix64 as in EvalBenchmark.swift).
public struct SyntheticNounsCorpus {
    public let sourceTerms: [[String]]
    private let sourceSuffixes: [Substring]
    public let samples: [Int]

    public init(source: URL, size: Int, seed: UInt64 = 0x5EED) throws {
        let reader = try AnnotationsReader(url: source)
        var terms: [[String]] = []
        while let record = try reader.next() { terms.append(record.terms) }
        guard !terms.isEmpty else { throw FreqBenchError("no records to sample from", file: source.path) }
        // Keep each source line's `"nouns": [...]}` part verbatim for the JSONL copy.
        let text = try String(contentsOf: source, encoding: .utf8)
        var suffixes: [Substring] = []
        for line in text.split(separator: "\n") {
            guard let range = line.range(of: ", \"nouns\": ") else {
                throw FreqBenchError("expected {\"id\": N, \"nouns\": [...]} lines", file: source.path)
            }
            suffixes.append(line[range.lowerBound...])
        }
        guard suffixes.count == terms.count else { throw FreqBenchError("unexpected line structure", file: source.path) }
        sourceTerms = terms
        sourceSuffixes = suffixes
        var generator = SplitMix64(seed: seed)
        samples = (0..<size).map { _ in Int(generator.next() % UInt64(terms.count)) }
    }

    /// The term set of synthetic record `id`.
    public func terms(_ id: Int) -> [String] { sourceTerms[samples[id]] }

    /// Writes the synthetic corpus as a nouns JSONL file (for the Python baseline).
    public func writeJSONLines(to url: URL) throws {
        var output = ""
        output.reserveCapacity(samples.count * 64)
        for (id, sample) in samples.enumerated() {
            output += "{\"id\": \(id)"
            output += sourceSuffixes[sample]
            output += "\n"
        }
        try AtomicFile.write(output, to: url)
    }
}
