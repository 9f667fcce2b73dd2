import Foundation

/// One spaCy bridge process (`scripts/spacy_bridge.py`): sends a request line, reads the
/// reply line. See `SpacyAnnotator` for the protocol and why this uses Foundation `Process`.
final class SpacyWorker {
    /// What the bridge reported when it was ready.
    struct Ready {
        var spacyVersion: String
        var model: String
        var modelVersion: String
    }

    private let process = Process()
    private let input: FileHandle
    private let output: FileHandle
    private let errorLog: URL
    private var buffered: [UInt8] = []
    private var closed = false

    /// Starts the bridge; `ready()` waits until its model is loaded.
    init(python: URL, script: URL, exclude: [String]) throws {
        // A child that dies must not kill us with SIGPIPE on the next write.
        signal(SIGPIPE, SIG_IGN)
        let inputPipe = Pipe()
        let outputPipe = Pipe()
        errorLog = FileManager.default.temporaryDirectory.appendingPathComponent("freqbench-spacy-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: errorLog.path, contents: nil) else {
            throw FreqBenchError("cannot create the spaCy bridge's log file", file: errorLog.path)
        }
        process.executableURL = python
        process.arguments = [script.path] + exclude
        var environment = ProcessInfo.processInfo.environment
        for variable in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"] where environment[variable] == nil {
            environment[variable] = "1"
        }
        process.environment = environment
        process.standardInput = inputPipe
        process.standardOutput = outputPipe
        process.standardError = try FileHandle(forWritingTo: errorLog)
        input = inputPipe.fileHandleForWriting
        output = outputPipe.fileHandleForReading
        do {
            try process.run()
        } catch {
            try? FileManager.default.removeItem(at: errorLog)
            throw FreqBenchError("cannot start the spaCy bridge: \(error.localizedDescription)", file: python.path)
        }
    }

    deinit { shutdown() }

    /// Waits for the bridge's ready line.
    func ready() throws -> Ready {
        let reply = try readReply()
        guard let ready = reply["ready"], let spacy = ready["spacy"]?.stringValue, let model = ready["model"]?.stringValue,
              let version = ready["model_version"]?.stringValue else {
            throw FreqBenchError("unexpected first line from the spaCy bridge (expected {\"ready\": ...})")
        }
        return Ready(spacyVersion: spacy, model: model, modelVersion: version)
    }

    /// Sends one request line (a JSON object).
    func send(_ request: JSONValue) throws {
        var line = Array(JSONWriter().string(request).utf8)
        line.append(UInt8(ascii: "\n"))
        let descriptor = input.fileDescriptor
        var offset = 0
        while offset < line.count {
            let written = line[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw died()
            }
            offset += written
        }
    }

    /// Reads one reply line; a reply `{"error": ...}` is thrown.
    func readReply() throws -> JSONValue {
        var searched = 0
        while true {
            if let newline = buffered[searched...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Data(buffered[..<newline])
                buffered.removeSubrange(...newline)
                let reply = try JSONParser.parse(line, source: "spaCy bridge reply")
                if let message = reply["error"]?.stringValue { throw FreqBenchError("spaCy bridge: \(message)") }
                return reply
            }
            searched = buffered.count
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let count = chunk.withUnsafeMutableBytes { Foundation.read(output.fileDescriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw died() }
            buffered.append(contentsOf: chunk[..<count])
        }
    }

    /// Closes the bridge's input (it exits at end of input) and waits for it.
    func shutdown() {
        guard !closed else { return }
        closed = true
        try? input.close()
        if process.isRunning { process.waitUntilExit() }
        try? output.close()
        try? FileManager.default.removeItem(at: errorLog)
    }

    /// The error for a bridge that exited: its status and the end of what it wrote on stderr.
    private func died() -> FreqBenchError {
        try? input.close()
        closed = true
        process.waitUntilExit()
        let log = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: errorLog)
        let tail = log.split(separator: "\n").suffix(8).joined(separator: "\n")
        let status = process.terminationReason == .uncaughtSignal ? "killed by signal \(process.terminationStatus)" : "exit status \(process.terminationStatus)"
        return FreqBenchError("the spaCy bridge stopped (\(status)); is .venv-spacy complete? (run ci/setup-spacy)\(tail.isEmpty ? "" : "\n" + tail)")
    }
}
