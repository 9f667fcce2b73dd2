import Foundation
import Testing
@testable import FreqBench

/// Fresh temporary directories for tests, all inside one directory per test process that is
/// removed when the process exits (so a test run leaves nothing behind in the system's
/// temporary directory; a crashed run leaves its one directory).
enum TemporaryDirectory {
    static func make() throws -> URL {
        let url = parent.appendingPathComponent(UUID().uuidString, isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `freqbench-tests-<pid>` in the system's temporary directory, created on first use.
    private static let parent: URL = {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("freqbench-tests-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
        atexit { try? FileManager.default.removeItem(at: TemporaryDirectory.parent) }
        return url
    }()
}

/// Paths to shared data that a test needs. Fails loudly, naming the path and the variable,
/// when the data is absent (CI always has ../shared beside the clone).
enum SharedData {
    static func upstream(_ relative: String = "") throws -> URL { try require(DataPaths.upstream, relative, "FREQBENCH_UPSTREAM") }
    static func reference(_ relative: String = "") throws -> URL { try require(DataPaths.reference, relative, "FREQBENCH_REFERENCE") }
    static func corpora(_ relative: String = "") throws -> URL { try require(DataPaths.corpora, relative, "FREQBENCH_CORPORA") }
    static func clipBenchmark(_ relative: String = "") throws -> URL { try require(DataPaths.clipBenchmark, relative, "FREQBENCH_CLIP_BENCHMARK") }
    static func peers(_ relative: String = "") throws -> URL { try require(DataPaths.peers, relative, "FREQBENCH_PEERS") }

    private static func require(_ base: URL, _ relative: String, _ variable: String) throws -> URL {
        let url = relative.isEmpty ? base : base.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            Issue.record("shared test data not found at \(url.path) (set \(variable))")
            throw FreqBenchError("shared test data not found (set \(variable))", file: url.path)
        }
        return url
    }
}

/// Makes small git repositories with the git command-line tool, for tests of libgit2 code.
enum GitTestRepository {
    static func initialize(at directory: URL, files: [String: String]) throws {
        for (name, content) in files {
            let url = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: false, encoding: .utf8)
        }
        try git(["init", "-q", "-b", "main"], in: directory)
        try git(["add", "-A"], in: directory)
        try git(["-c", "user.name=FreqBench Tests", "-c", "user.email=tests@freqbench.invalid", "commit", "-q", "-m", "fixture"], in: directory)
    }

    @discardableResult
    static func git(_ arguments: [String], in directory: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = ["-C", directory.path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FreqBenchError("git \(arguments.joined(separator: " ")) failed: \(output)") }
        return output
    }
}
