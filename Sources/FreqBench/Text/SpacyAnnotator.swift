import Foundation

/// The `spacy` annotator: exact upstream semantics from spaCy 3.8.18 with en_core_web_sm
/// 3.8.0, run in long-lived Python worker processes (`scripts/spacy_bridge.py`).
///
/// Protocol: one JSON object per line each way over the worker's stdin/stdout
/// (`{"captions": [...]}` -> `{"terms": [[...], ...]}`, `{"words": [...]}` ->
/// `{"lemmas": [...]}`); JSON escapes newlines and tabs, so captions may hold any text.
/// Captions go through `nlp.pipe` with the full pipeline but `ner` (the parser matters: the
/// attribute ruler reads dependency labels); query words go through `nlp(word)` one by one.
/// Each worker runs single-threaded (`OMP_NUM_THREADS`/`OPENBLAS_NUM_THREADS` = 1 unless
/// set): parallelism comes from the workers.
///
/// With several workers, a batch is cut into pieces of at most `batchSize` captions that
/// are handed round-robin to the workers and read back in order, so the output does not
/// depend on the number of workers.
///
/// Workers are Foundation `Process`es rather than swift-subprocess: swift-subprocess scopes
/// a child to one `async` closure, while this synchronous protocol keeps children alive
/// across many calls; bridging the two would need a detached task plus blocking waits.
///
/// Python: `FREQBENCH_SPACY_PYTHON`, else `<repository root>/.venv-spacy/bin/python`
/// (made by `ci/setup-spacy`). A crashed worker is reported with its stderr.
public final class SpacyAnnotator: Annotator {
    public let identity: AnnotatorIdentity
    /// The number of worker processes.
    public var workerCount: Int { workers.count }
    /// The most captions in one request to a worker (`nlp.pipe` batch).
    public let batchSize: Int
    private var workers: [SpacyWorker]

    /// Starts `workers` bridge processes (default: one per core) and waits until each has
    /// loaded the model. `excluding` names pipeline components to leave out. The default
    /// leaves out `ner`: it runs after the lemmatizer with its own tok2vec, so it cannot
    /// change any POS tag or lemma, and it costs about a third of the time (the reference
    /// tests run with this default). The parser must stay.
    public convenience init(workers: Int? = nil, batchSize: Int = 1000, excluding: [String] = ["ner"]) throws {
        try self.init(python: Self.pythonInterpreter(), script: Self.bridgeScript(), workers: workers, batchSize: batchSize, excluding: excluding)
    }

    /// Starts workers running `script` with `python` (the public initializer finds both).
    init(python: URL, script: URL, workers: Int?, batchSize: Int, excluding: [String]) throws {
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw FreqBenchError("no executable Python for the spaCy bridge: run ci/setup-spacy (or set FREQBENCH_SPACY_PYTHON)", file: python.path)
        }
        let count = max(1, workers ?? ProcessInfo.processInfo.activeProcessorCount)
        self.batchSize = max(1, batchSize)
        var started: [SpacyWorker] = []
        for _ in 0..<count { started.append(try SpacyWorker(python: python, script: script, exclude: excluding)) }
        self.workers = started
        var readies: [SpacyWorker.Ready] = []
        for worker in started { readies.append(try worker.ready()) }
        let ready = readies[0]
        identity = AnnotatorIdentity(name: "spacy", version: "spacy \(ready.spacyVersion)/\(ready.model) \(ready.modelVersion)")
    }

    deinit { shutdown() }

    /// Stops the workers (closing their input) and waits for them to exit.
    public func shutdown() {
        for worker in workers { worker.shutdown() }
        workers = []
    }

    public func captionTerms(_ captions: [String]) throws -> [[String]] {
        try run(captions, request: "captions", reply: "terms") { value in
            guard let terms = value.arrayValue else { return nil }
            var result: [String] = []
            result.reserveCapacity(terms.count)
            for term in terms {
                guard let text = term.stringValue else { return nil }
                result.append(text)
            }
            return result
        }
    }

    public func queryTerms(_ words: [String]) throws -> [String] {
        try run(words, request: "words", reply: "lemmas") { $0.stringValue }
    }

    /// Sends `items` in pieces round-robin over the workers and collects the replies in order.
    private func run<T>(_ items: [String], request: String, reply: String, decode: (JSONValue) -> T?) throws -> [T] {
        guard !workers.isEmpty else { throw FreqBenchError("the spaCy annotator is shut down") }
        guard !items.isEmpty else { return [] }
        let pieceSize = min(batchSize, (items.count + workers.count - 1) / workers.count)
        let pieces = stride(from: 0, to: items.count, by: pieceSize).map { $0..<min($0 + pieceSize, items.count) }
        var results: [T] = []
        results.reserveCapacity(items.count)
        var sent = 0
        func send(_ piece: Int) throws {
            let values = items[pieces[piece]].map { JSONValue.string($0) }
            try workers[piece % workers.count].send(.object([request: .array(values)]))
        }
        while sent < min(workers.count, pieces.count) {
            try send(sent)
            sent += 1
        }
        for piece in pieces.indices {
            let answer = try workers[piece % workers.count].readReply()
            if sent < pieces.count {
                try send(sent)
                sent += 1
            }
            guard let values = answer[reply]?.arrayValue, values.count == pieces[piece].count else {
                throw FreqBenchError("malformed reply from the spaCy bridge (expected \"\(reply)\" with \(pieces[piece].count) items)")
            }
            for value in values {
                guard let decoded = decode(value) else {
                    throw FreqBenchError("malformed reply from the spaCy bridge (unexpected item in \"\(reply)\")")
                }
                results.append(decoded)
            }
        }
        return results
    }

    /// The Python of the spaCy environment: `FREQBENCH_SPACY_PYTHON`, else
    /// `<repository root>/.venv-spacy/bin/python`.
    public static func pythonInterpreter() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["FREQBENCH_SPACY_PYTHON"], !path.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw FreqBenchError("FREQBENCH_SPACY_PYTHON is not an executable Python", file: path)
            }
            return URL(fileURLWithPath: path)
        }
        let candidates = [DataPaths.repositoryRoot, sourceTreeRoot].map {
            $0.appendingPathComponent(".venv-spacy/bin/python")
        }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) { return found }
        throw FreqBenchError("the spaCy environment is missing: run ci/setup-spacy in the repository (or set FREQBENCH_SPACY_PYTHON)",
                             file: candidates[0].path)
    }

    /// `scripts/spacy_bridge.py` of the repository (or of the source tree this was built from).
    public static func bridgeScript() throws -> URL {
        let candidates = [DataPaths.repositoryRoot, sourceTreeRoot].map {
            $0.appendingPathComponent("scripts/spacy_bridge.py")
        }
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) { return found }
        throw FreqBenchError("the spaCy bridge script is missing (set FREQBENCH_ROOT to the repository)", file: candidates[0].path)
    }

    /// The repository this file was compiled in (a fallback when run from elsewhere).
    private static var sourceTreeRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }
}
