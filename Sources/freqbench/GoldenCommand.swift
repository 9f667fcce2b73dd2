import ArgumentParser
import Foundation
import FreqBench

/// `freqbench golden`: the upstream lock (lock, fetch) and the Fixtures goldens (diff, update).
struct GoldenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "golden",
        abstract: "Pin and fetch the upstream goldens; diff and update the Fixtures goldens.",
        subcommands: [Lock.self, Fetch.self, CheckCopy.self, Diff.self, Update.self])

    /// `golden lock`: writes Golden/upstream.lock.json from a local upstream copy.
    struct Lock: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the upstream lock (repository, commit, SHA-256 of every file) from a local copy.")

        @Option(name: .long, help: "The local upstream copy (default: $FREQBENCH_UPSTREAM or ../shared/upstream).")
        var upstream: String?
        @Option(name: .long, help: "Repository URL (default: from the copy's MANIFEST.tsv).")
        var repository: String?
        @Option(name: .long, help: "Pinned commit (default: from the copy's MANIFEST.tsv).")
        var commit: String?
        @Option(name: .long, help: "Where to write the lock (default: Golden/upstream.lock.json).")
        var out: String?

        func run() throws {
            let source = upstream.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? DataPaths.upstream
            let lock = try UpstreamLockBuilder().build(upstream: source, repository: repository, commit: commit)
            let destination = out.map { URL(fileURLWithPath: $0) } ?? UpstreamLock.defaultURL
            try lock.write(to: destination)
            print("locked \(lock.files.count) upstream files and \(lock.derived.count) derived files at \(lock.commit)")
            print("wrote \(destination.path)")
        }
    }

    /// `golden fetch`: obtains the locked files with libgit2 and checks every digest.
    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch the locked upstream files at the pinned commit (URL or local repository) and check every SHA-256.")

        @Option(name: .long, help: "Repository URL or local path to clone from.")
        var from: String
        @Option(name: .long, help: "Destination directory (default: .cache/upstream); then set FREQBENCH_UPSTREAM to it.")
        var to: String?
        @Option(name: .long, help: "The lock (default: Golden/upstream.lock.json).")
        var lock: String?

        func run() throws {
            let lockURL = lock.map { URL(fileURLWithPath: $0) } ?? UpstreamLock.defaultURL
            let pinned = try UpstreamLock.read(from: lockURL)
            let destination = to.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? UpstreamFetcher.defaultDirectory
            let result = try UpstreamFetcher(lock: pinned).fetch(from: from, to: destination)
            print("fetched \(result.files) files (\(result.bytes) bytes) at \(pinned.commit); every SHA-256 matches the lock")
            if !pinned.derived.isEmpty {
                print("not fetched: \(pinned.derived.count) derived files (figure JSON converted from notebooks/plots/*.pkl, templates); they are not upstream blobs")
            }
            print("wrote \(result.directory.path)")
        }
    }

    /// `golden check`: hashes a local upstream copy and compares it with the lock.
    struct CheckCopy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check a local upstream copy against the lock (SHA-256 of every locked file); exit status 1 when any differs.")

        @Option(name: .long, help: "The local upstream copy (default: $FREQBENCH_UPSTREAM or ../shared/upstream).")
        var upstream: String?
        @Option(name: .long, help: "The lock (default: Golden/upstream.lock.json).")
        var lock: String?

        func run() throws {
            let pinned = try UpstreamLock.read(from: lock.map { URL(fileURLWithPath: $0) } ?? UpstreamLock.defaultURL)
            let source = upstream.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? DataPaths.upstream
            let checks = UpstreamLockVerification.checks(lock: pinned, upstream: source)
            for check in checks {
                print("\(check.status.rawValue) \(check.suite)/\(check.name): \(check.got)\(check.detail.isEmpty ? "" : " — " + check.detail)")
            }
            if checks.contains(where: { $0.status == .failed }) { throw ExitCode(1) }
        }
    }

    /// Where the Fixtures pipeline reads and its goldens live.
    struct FixtureLocations: ParsableArguments {
        @Option(name: .long, help: "The Fixtures folder (default: Fixtures/).")
        var fixtures: String?
        @Option(name: .long, help: "The Fixtures goldens (default: Golden/fixtures/).")
        var golden: String?

        var pipeline: FixturePipeline {
            fixtures.map { FixturePipeline(fixtures: URL(fileURLWithPath: $0, isDirectory: true)) } ?? FixturePipeline()
        }
        var store: GoldenStore {
            golden.map { GoldenStore(directory: URL(fileURLWithPath: $0, isDirectory: true)) } ?? GoldenStore()
        }
    }

    /// `golden diff`: runs the Fixtures pipeline and prints what an update would change.
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what golden update would change: the stages' references (or engine outputs) against the goldens; writes nothing.",
            discussion: """
                With --exit-code the exit status says whether anything changed, as `git diff --exit-code`: \
                0 nothing, 1 changes.

                Example:
                  freqbench golden diff --exit-code
                """)

        @OptionGroup var locations: FixtureLocations

        @Flag(help: "Exit with status 1 when something changed (0 when nothing did), as git diff --exit-code.")
        var exitCode = false

        func run() throws {
            let diff = try GoldenDiff(runs: locations.pipeline.run(.reference), store: locations.store)
            print(diff.text)
            if exitCode, diff.hasChanges || !diff.failedStages.isEmpty { throw ExitCode(1) }
        }
    }

    /// `golden update`: rewrites the changed Fixtures goldens atomically and prints the diff.
    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rewrite the Fixtures goldens from the pipeline's outputs (all or nothing) and print the diff; refused on CI.")

        @OptionGroup var locations: FixtureLocations

        func run() throws {
            let diff = try GoldenUpdate.run(pipeline: locations.pipeline, store: locations.store)
            print(diff.text)
            if diff.hasWritableChanges { print("updated \(locations.store.directory.path); review with git diff and commit") }
        }
    }
}
