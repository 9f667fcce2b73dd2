import Foundation
import Testing
@testable import FreqBench

/// `cluster run` against the real single-node Slurm that `ci/setup-slurm` starts: job
/// arrays, the `afterok` merge, byte-identical output, resumption and failure reports.
@Suite("Cluster runs on Slurm", .serialized)
struct ClusterRunTests {
    /// The `freqbench` binary built beside this test bundle (`swift build --build-tests`).
    static func executable() throws -> URL {
        let running = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        var directory = running.deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("freqbench")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        Issue.record("the freqbench binary is not built beside the tests (\(running.path)); run swift build --build-tests")
        throw FreqBenchError("freqbench binary not found", file: running.path)
    }

    static func requireSlurm() throws {
        guard SlurmClient.isAvailable else {
            Issue.record("Slurm does not answer (sinfo); run ci/setup-slurm (ci/test does)")
            throw FreqBenchError("no Slurm: run ci/setup-slurm")
        }
    }

    @Test("a run through sbatch (array + afterok merge) equals a single build; rerun submits nothing; a changed file fails only its shard, which the rerun redoes")
    func runResumeAndFailure() throws {
        try Self.requireSlurm()
        let binary = try Self.executable()
        let directory = try TemporaryDirectory.make()
        let files = try CorpusPlanTests.makeCorpus(in: directory, seed: 9)
        let options = CorpusOptions(format: .cc3m)
        let plan = try CorpusPlanner.plan(paths: files, options: options, shardCount: 3)
        let planURL = directory.appendingPathComponent("plan.json")
        try plan.write(to: planURL)
        let annotator = try AnnotatorRegistry.make("builtin", options: AnnotatorOptions(workers: 1))
        let single = directory.appendingPathComponent("single")
        try TextIndexer.build(corpus: files, options: options, annotators: [annotator], output: single)
        let singleBytes = try Data(contentsOf: single.appendingPathComponent(TextIndex.fileName))

        let output = directory.appendingPathComponent("cluster.index")
        let run = try ClusterRun(planURL: planURL, job: .indexText, output: output, annotator: "builtin",
                                 resources: .init(cpusPerTask: 1, maxRunning: 2), executable: binary)
        let (submission, script, _) = try run.submit()
        #expect(submission.shards == [0, 1, 2] && submission.arrayJob != nil && submission.mergeJob != nil)
        #expect(script?.contains("#SBATCH --array=0-2%2") == true)
        #expect(try run.wait(for: submission, interval: .milliseconds(250)))
        #expect(try Data(contentsOf: output.appendingPathComponent(TextIndex.fileName)) == singleBytes)
        #expect(try run.status().allSatisfy { $0.state == .done })
        let (again, _, _) = try run.submit()
        #expect(again.nothingToDo, "a finished run submits nothing")

        // Shard 1's bytes change after planning: only shard 1 fails, and says why.
        let output2 = directory.appendingPathComponent("cluster2.index")
        let run2 = try ClusterRun(planURL: planURL, job: .indexText, output: output2, annotator: "builtin",
                                  resources: .init(cpusPerTask: 1), executable: binary)
        let piece = try #require(plan.shards[1].pieces.first { $0.byteRange.count > 4 })
        let victim = plan.files[piece.file].path
        let original = try Data(contentsOf: victim)
        var changed = original
        changed[piece.byteRange.lowerBound + 1] ^= 0x01
        try changed.write(to: victim)
        let failing = try run2.submit().0
        #expect(!(try run2.wait(for: failing, interval: .milliseconds(250))))
        let status = try run2.status()
        #expect(status.map(\.state) == [.done, .failed, .done])
        #expect(status[1].jobID != nil)
        #expect(status[1].detail?.contains("changed since the plan") == true, "\(status[1].detail ?? "no detail")")
        #expect(status[1].detail?.contains(victim.lastPathComponent) == true)
        #expect(!FileManager.default.fileExists(atPath: output2.path))

        try original.write(to: victim)
        let resumed = try run2.submit().0
        #expect(resumed.shards == [1], "only the failed shard is submitted again")
        #expect(try run2.wait(for: resumed, interval: .milliseconds(250)))
        #expect(try Data(contentsOf: output2.appendingPathComponent(TextIndex.fileName)) == singleBytes)
    }

    @Test("array index lists compress runs of shards")
    func arraySpecification() {
        #expect(ClusterRun.arraySpecification([0, 1, 2, 3]) == "0-3")
        #expect(ClusterRun.arraySpecification([7, 1, 2, 9, 10, 4]) == "1-2,4,7,9-10")
        #expect(ClusterRun.arraySpecification([5]) == "5")
    }
}
