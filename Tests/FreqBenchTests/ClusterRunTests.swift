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

    @Test("a shard job killed with SIGKILL mid-run leaves no output and no completion record; the rerun completes it")
    func killedShardJob() throws {
        let binary = try Self.executable()
        let directory = try TemporaryDirectory.make()
        // Big enough that the job is still running when it is killed.
        var text = ""
        for k in 0..<60_000 { text += "a photo of a red car number \(k % 97) on the road\thttp://x.invalid/\(k)\n" }
        let file = directory.appendingPathComponent("big.tsv")
        try Data(text.utf8).write(to: file)
        let plan = try CorpusPlanner.plan(paths: [file], options: CorpusOptions(format: .cc3m), shardCount: 2)
        let planURL = directory.appendingPathComponent("plan.json")
        try plan.write(to: planURL)
        let output = directory.appendingPathComponent("shard-0")
        for delay in [0.3, 1.0] {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["index", "text", "--plan", planURL.path, "--shard", "0", "--annotator", "builtin", "--jobs", "1",
                                 "--out", output.path]
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal, "the job finished before it was killed (delay \(delay) s)")
            #expect(!FileManager.default.fileExists(atPath: output.path))
            #expect(!ShardCompletion.isComplete(output, planDigest: plan.digest, shard: 0, annotatorName: "builtin"))
        }
        let rerun = Process()
        rerun.executableURL = binary
        rerun.arguments = ["index", "text", "--plan", planURL.path, "--shard", "0", "--annotator", "builtin", "--out", output.path]
        rerun.standardError = FileHandle.nullDevice
        try rerun.run()
        rerun.waitUntilExit()
        #expect(rerun.terminationStatus == 0)
        #expect(ShardCompletion.isComplete(output, planDigest: plan.digest, shard: 0, annotatorName: "builtin"))
    }

    @Test("array index lists compress runs of shards")
    func arraySpecification() {
        #expect(ClusterRun.arraySpecification([0, 1, 2, 3]) == "0-3")
        #expect(ClusterRun.arraySpecification([7, 1, 2, 9, 10, 4]) == "1-2,4,7,9-10")
        #expect(ClusterRun.arraySpecification([5]) == "5")
    }
}

/// The other shard jobs of a plan, without Slurm: annotate shards and image shards merge into
/// exactly what a single run writes.
@Suite("Plan shard jobs: annotate and image")
struct PlanShardJobTests {
    @Test("annotate shards of a plan, merged, equal the annotate output of the whole corpus; a missing or foreign shard is refused")
    func annotateShards() throws {
        let directory = try TemporaryDirectory.make()
        let files = try CorpusPlanTests.makeCorpus(in: directory, seed: 4)
        let options = CorpusOptions(format: .cc3m)
        let whole = directory.appendingPathComponent("whole.jsonl")
        _ = try NounsFile.write(try CorpusReader(paths: files, options: options), annotator: WordAnnotator(), to: whole)
        let plan = try CorpusPlanner.plan(paths: files, options: options, shardCount: 4)
        var shards: [URL] = []
        for shard in plan.shards.indices {
            let url = directory.appendingPathComponent("shard-\(shard)")
            _ = try AnnotationShards.write(plan: plan, shard: shard, annotator: WordAnnotator(), batchSize: 50, to: url)
            #expect(AnnotationShards.isShard(url))
            #expect(ShardCompletion.isComplete(url, planDigest: plan.digest, shard: shard, annotator: WordAnnotator().identity))
            shards.append(url)
        }
        let merged = directory.appendingPathComponent("merged.jsonl")
        let digest = try AnnotationShards.merge(shards.reversed(), into: merged)
        #expect(try Data(contentsOf: merged) == Data(contentsOf: whole))
        #expect(digest == (try SHA256.digest(ofFile: whole)))
        #expect(throws: FreqBenchError.self) { try AnnotationShards.merge(Array(shards.dropLast()), into: directory.appendingPathComponent("x.jsonl")) }
        let other = try CorpusPlanner.plan(paths: Array(files.dropFirst()), options: options, shardCount: 4)
        let foreign = directory.appendingPathComponent("foreign")
        _ = try AnnotationShards.write(plan: other, shard: 1, annotator: WordAnnotator(), batchSize: 50, to: foreign)
        #expect(throws: FreqBenchError.self) {
            try AnnotationShards.merge([shards[0], foreign, shards[2], shards[3]], into: directory.appendingPathComponent("y.jsonl"))
        }
    }

    @Test("a tag-probability plan reads metadata only, cuts rows; changed files are refused; a plan of 3 shards through Slurm equals a single image build")
    func imagePlanThroughSlurm() throws {
        try ClusterRunTests.requireSlurm()
        let binary = try ClusterRunTests.executable()
        let directory = try TemporaryDirectory.make()
        let fixtures = DataPaths.repositoryRoot.appendingPathComponent("Fixtures/image")
        let inputs = ["probs_float16_a.h5", "probs_float16_b.h5"].map { name -> URL in
            let copy = directory.appendingPathComponent(name)
            try? FileManager.default.copyItem(at: fixtures.appendingPathComponent(name), to: copy)
            return copy
        }
        let plan = try TagProbabilityPlan.plan(paths: inputs, shardCount: 3)
        #expect(plan.shards.count == 3 && plan.shards.last?.upperBound == plan.rowCount)
        let planURL = directory.appendingPathComponent("rampp.plan.json")
        try plan.write(to: planURL)
        #expect(try TagProbabilityPlan.read(from: planURL) == plan)
        let builder = ImageIndexBuilder(thresholds: try TagThreshold.list(parsing: "0.5,0.7"))
        let single = directory.appendingPathComponent("single")
        try builder.build(inputs, to: single)

        let output = directory.appendingPathComponent("cluster.image-index")
        let run = try ClusterRun(planURL: planURL, job: .indexImage, output: output, annotator: "builtin", thresholds: "0.5,0.7",
                                 resources: .init(cpusPerTask: 1), executable: binary)
        let submission = try run.submit().0
        #expect(submission.shards == [0, 1, 2])
        #expect(try run.wait(for: submission, interval: .milliseconds(250)))
        #expect(try Data(contentsOf: output.appendingPathComponent(ImageIndex.fileName))
                == Data(contentsOf: single.appendingPathComponent(ImageIndex.fileName)))
        #expect(try run.submit().0.nothingToDo)
        // Touching a file (same bytes, new modification time) counts as a change for a metadata-only plan.
        try Data(contentsOf: inputs[0]).write(to: inputs[0])
        #expect(throws: FreqBenchError.self) { try plan.checkFiles() }
    }

    @Test("annotate through Slurm: the merged NOUNS.jsonl equals a single annotate run")
    func annotateThroughSlurm() throws {
        try ClusterRunTests.requireSlurm()
        let binary = try ClusterRunTests.executable()
        let directory = try TemporaryDirectory.make()
        let files = try CorpusPlanTests.makeCorpus(in: directory, seed: 5)
        let options = CorpusOptions(format: .cc3m)
        let plan = try CorpusPlanner.plan(paths: files, options: options, shardCount: 2)
        let planURL = directory.appendingPathComponent("plan.json")
        try plan.write(to: planURL)
        let whole = directory.appendingPathComponent("whole.jsonl")
        let annotator = try AnnotatorRegistry.make("builtin", options: AnnotatorOptions(workers: 1))
        _ = try NounsFile.write(try CorpusReader(paths: files, options: options), annotator: annotator, to: whole)
        let output = directory.appendingPathComponent("nouns.jsonl")
        let run = try ClusterRun(planURL: planURL, job: .annotate, output: output, annotator: "builtin",
                                 resources: .init(cpusPerTask: 1), executable: binary)
        let submission = try run.submit().0
        #expect(try run.wait(for: submission, interval: .milliseconds(250)))
        #expect(try Data(contentsOf: output) == Data(contentsOf: whole))
    }
}
