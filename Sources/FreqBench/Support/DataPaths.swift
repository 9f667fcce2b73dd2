import Foundation

/// Where FreqBench finds data it does not ship: the paper's released files, caption
/// corpora and reference outputs. Each has an environment variable and a default under
/// `../shared` relative to the repository root (or the current directory).
public enum DataPaths {
    /// The paper's released data (`FREQBENCH_UPSTREAM`, default `../shared/upstream`).
    public static var upstream: URL { resolve("FREQBENCH_UPSTREAM", default: "upstream") }
    /// Caption corpora (`FREQBENCH_CORPORA`, default `../shared/corpora`).
    public static var corpora: URL { resolve("FREQBENCH_CORPORA", default: "corpora") }
    /// Reference outputs of the upstream spaCy pipeline (`FREQBENCH_REFERENCE`, default `../shared/reference`).
    public static var reference: URL { resolve("FREQBENCH_REFERENCE", default: "reference") }
    /// Other studies' released concept-frequency data (`FREQBENCH_PEERS`, default `../shared/peers`).
    public static var peers: URL { resolve("FREQBENCH_PEERS", default: "peers") }
    /// CLIP_benchmark class names and templates (`FREQBENCH_CLIP_BENCHMARK`, default `../shared/clip_benchmark`).
    public static var clipBenchmark: URL { resolve("FREQBENCH_CLIP_BENCHMARK", default: "clip_benchmark") }

    /// The repository root: `FREQBENCH_ROOT`, else the nearest ancestor of the current
    /// directory that holds `Package.swift` and a `Golden` folder, else the current directory.
    public static var repositoryRoot: URL {
        if let root = ProcessInfo.processInfo.environment["FREQBENCH_ROOT"], !root.isEmpty {
            return URL(fileURLWithPath: root, isDirectory: true)
        }
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        for _ in 0..<8 {
            let manifest = directory.appendingPathComponent("Package.swift").path
            let golden = directory.appendingPathComponent("Golden").path
            if FileManager.default.fileExists(atPath: manifest), FileManager.default.fileExists(atPath: golden) {
                return directory
            }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    }

    /// The shared data folder (`FREQBENCH_SHARED`, default `<root>/../shared`).
    public static var shared: URL {
        if let path = ProcessInfo.processInfo.environment["FREQBENCH_SHARED"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared", isDirectory: true)
    }

    private static func resolve(_ variable: String, default name: String) -> URL {
        if let path = ProcessInfo.processInfo.environment[variable], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return shared.appendingPathComponent(name, isDirectory: true)
    }

    /// Returns `url` if it exists, else throws an error that names the path and the variable to set.
    public static func require(_ url: URL, variable: String) throws -> URL {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FreqBenchError("not found (set \(variable) to where it is)", file: url.path)
        }
        return url
    }
}
