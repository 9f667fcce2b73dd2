import Foundation

/// Reads clip-rocket's caption metadata (`cc3m.npy`, `cc12m.npy`: NumPy object arrays of
/// dicts with `image_id`/`image_name` and a `captions` list; `yfcc15m.pkl`: a pickled list of
/// (index, title, description)) through `scripts/clip_rocket_metadata.py`, a small Python
/// helper (these files are pickles; NumPy is needed for them), which streams one JSON line per
/// image. One record per image, with all its captions: its terms are the union of its
/// captions' terms (as the paper counts images with several captions). The Python is
/// `FREQBENCH_PYTHON`, else `.venv-arrow/bin/python` (ci/setup-arrow), else `python3`.
final class ClipRocketCaptionSource: CaptionSource {
    private let url: URL
    private let process: Process
    private let pipe: Pipe
    private let errors: Pipe
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEOF = false
    private var line = 0
    private var finished = false
    private(set) var lastSourceID: String?
    private let fileSize: Int

    /// The helper script, beside the repository's other scripts.
    static var script: URL { DataPaths.repositoryRoot.appendingPathComponent("scripts/clip_rocket_metadata.py") }

    static var python: URL {
        if let path = ProcessInfo.processInfo.environment["FREQBENCH_PYTHON"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let venv = DataPaths.repositoryRoot.appendingPathComponent(".venv-arrow/bin/python")
        if FileManager.default.isExecutableFile(atPath: venv.path) { return venv }
        return URL(fileURLWithPath: "/usr/bin/python3")
    }

    init(url: URL) throws {
        self.url = url
        fileSize = try CorpusReader.fileSize(url)
        guard FileManager.default.fileExists(atPath: Self.script.path) else {
            throw FreqBenchError("the clip-rocket reader script is missing (set FREQBENCH_ROOT to the FreqBench checkout)", file: Self.script.path)
        }
        process = Process()
        process.executableURL = Self.python
        process.arguments = [Self.script.path, url.path]
        pipe = Pipe()
        errors = Pipe()
        process.standardOutput = pipe
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw FreqBenchError("cannot run \(Self.python.path) for clip-rocket metadata: \(error.localizedDescription)", file: url.path)
        }
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    func next() throws -> SourceRecord? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let bytes = buffer[start..<newline]
                start = newline + 1
                line += 1
                return try record(Array(bytes))
            }
            if atEOF {
                guard start == buffer.count else { throw failure("the reader's output ends inside a line") }
                finished = true
                return nil
            }
            buffer.removeFirst(start)
            start = 0
            let data = pipe.fileHandleForReading.availableData
            if data.isEmpty {
                atEOF = true
                process.waitUntilExit()
                guard process.terminationStatus == 0 else {
                    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                        .split(separator: "\n").last.map(String.init) ?? "exit \(process.terminationStatus)"
                    throw FreqBenchError("cannot read clip-rocket metadata (expected cc3m/cc12m .npy or yfcc15m .pkl): \(message)", file: url.path)
                }
            } else {
                buffer.append(contentsOf: data)
            }
        }
    }

    private func failure(_ message: String) -> FreqBenchError {
        FreqBenchError("cannot read clip-rocket metadata: \(message)", file: url.path, location: "image \(line)")
    }

    private func record(_ bytes: [UInt8]) throws -> SourceRecord {
        guard let value = try? JSONParser.parse(Data(bytes)), let captions = value["captions"]?.arrayValue,
              let identifier = value["id"]?.stringValue else { throw failure("malformed line from the reader") }
        let texts = captions.compactMap(\.stringValue)
        guard texts.count == captions.count, !texts.isEmpty else { throw failure("an image without string captions") }
        lastSourceID = identifier
        return .captions(texts)
    }

    /// Read whole: a plan never splits one.
    var position: SourcePosition? { nil }
    var bytesRead: Int { finished ? fileSize : 0 }
    func consumedDigest() throws -> [UInt8] { try SHA256.digest(ofFile: url) }
    func startSegmentDigests() {}
    func takeSegmentDigest() throws -> [UInt8] { try XXH3Hasher.digest(ofFile: url) }
}
