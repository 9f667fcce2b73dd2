import Foundation

/// The few Slurm commands a cluster run uses (`sbatch`, `squeue`), run as processes. Slurm
/// does the scheduling, dependencies and requeueing; FreqBench only submits and looks.
public struct SlurmClient: Sendable {
    public init() {}

    /// Submits `script` with `sbatch --parsable` and extra `arguments`; returns the job id.
    public func submit(_ script: URL, arguments: [String] = []) throws -> String {
        let (status, output, errors) = try Self.run("sbatch", ["--parsable"] + arguments + [script.path])
        guard status == 0 else {
            throw FreqBenchError("sbatch failed (exit \(status)): \(errors.trimmingCharacters(in: .whitespacesAndNewlines))", file: script.path)
        }
        // --parsable prints "jobid" or "jobid;cluster".
        let id = output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw FreqBenchError("sbatch printed no job id: \(output)", file: script.path)
        }
        return id
    }

    /// The state of each task of the given jobs still known to Slurm: job id (`123` or
    /// `123_4` for array task 4) -> state (`PENDING`, `RUNNING`, `COMPLETED`, ...). An
    /// array's pending tasks are listed one by one. Jobs Slurm has forgotten are absent.
    public func jobStates(_ jobIDs: [String]) throws -> [String: String] {
        guard !jobIDs.isEmpty else { return [:] }
        let (status, output, _) = try Self.run("squeue", ["-h", "-r", "-t", "all", "-j", jobIDs.joined(separator: ","), "-o", "%i %T"])
        // squeue exits 1 when every id is unknown (finished long ago): nothing is known.
        guard status == 0 else { return [:] }
        var states: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { states[String(parts[0])] = String(parts[1]) }
        }
        return states
    }

    /// Whether a state means the job has not finished.
    public static func isActive(_ state: String) -> Bool {
        ["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING", "SIGNALING", "STAGE_OUT"]
            .contains(state)
    }

    /// Whether Slurm's commands answer here (`sinfo`).
    public static var isAvailable: Bool {
        (try? run("sinfo", ["-h"]).status) == 0
    }

    /// Runs `command` (found on PATH) and returns its exit status, stdout and stderr.
    static func run(_ command: String, _ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [command] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw FreqBenchError("cannot run \(command): \(error.localizedDescription) (is Slurm installed? see ci/setup-slurm)")
        }
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 127 {
            throw FreqBenchError("cannot run \(command): not found on PATH (is Slurm installed? see ci/setup-slurm)")
        }
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
