import Foundation

/// Runs a golden-regeneration script (Python, at `golden update` time only — never in
/// `swift test`) that prints one JSON object `{output name: value}` and turns it into stage
/// outputs. The interpreter is `$FREQBENCH_PYTHON`, else `python3` on the PATH.
public struct FixtureReferenceScript: Sendable {
    /// The script, relative to the Fixtures folder, e.g. `analysis/reference.py`.
    public var script: String
    /// Arguments after the script; `{fixtures}` is replaced by the Fixtures folder's path.
    public var arguments: [String]

    public init(script: String, arguments: [String] = []) {
        self.script = script
        self.arguments = arguments
    }

    /// Runs the script and returns its outputs, each with `tolerance(name)`.
    public func outputs(in context: FixtureStage.Context, tolerance: (String) -> GoldenTolerance) throws -> [FixtureStage.Output] {
        let scriptURL = context.fixtures.appendingPathComponent(script)
        let python = ProcessInfo.processInfo.environment["FREQBENCH_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, scriptURL.path] + arguments.map { $0.replacingOccurrences(of: "{fixtures}", with: context.fixtures.path) }
        let output = context.scratch.appendingPathComponent("reference-stdout.json")
        let errors = context.scratch.appendingPathComponent("reference-stderr.txt")
        guard FileManager.default.createFile(atPath: output.path, contents: nil),
              FileManager.default.createFile(atPath: errors.path, contents: nil) else {
            throw FreqBenchError("cannot create the script's output files", file: context.scratch.path)
        }
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        do { try process.run() } catch {
            throw FreqBenchError("cannot run \(python): \(error.localizedDescription)", file: scriptURL.path)
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw FreqBenchError("reference script exited with status \(process.terminationStatus) (interpreter \(python), set FREQBENCH_PYTHON to another): \(message.suffix(600))", file: scriptURL.path)
        }
        let json = try JSONParser.parse(contentsOf: output)
        guard let members = json.objectValue else {
            throw FreqBenchError("reference script must print a JSON object {output name: value}", file: scriptURL.path)
        }
        return members.map { name, value in FixtureStage.Output(name: name, value: value, tolerance: tolerance(name)) }
    }
}
