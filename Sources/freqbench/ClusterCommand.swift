import ArgumentParser
import Foundation
import FreqBench

extension ClusterRun.Job: ExpressibleByArgument {}

/// `freqbench cluster`: run a plan's shard jobs on Slurm.
struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Run a plan's shard jobs on a Slurm cluster (a job array and a merge job after it).",
        subcommands: [ClusterRunCommand.self, ClusterStatusCommand.self])
}

/// Where the running binary is (the one the tasks run).
private func currentExecutable() -> URL {
    let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    return URL(fileURLWithPath: path)
}

/// `freqbench cluster run PLAN.json --job index-text --out INDEX_DIR [--wait]`.
struct ClusterRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Submit a plan's unfinished shards as a Slurm job array, and the merge after it (afterok).",
        discussion: """
            Each array task runs `freqbench index text|annotate --plan PLAN.json --shard $SLURM_ARRAY_TASK_ID` \
            (or `index image` for a tag-probability plan, --job index-image --thresholds T); the merge job \
            (`--dependency=afterok:<array>`) runs `freqbench index merge` into OUT (an index directory, or \
            the NOUNS.jsonl file for --job annotate). The \
            run keeps its shard outputs, logs and scripts in OUT.cluster/ beside OUT. Shards already \
            complete are never submitted again: running the same command again resumes after failures, \
            and does nothing once OUT is complete. This binary, the plan, the corpus files and OUT must \
            be at the same paths on every node (a shared filesystem); the tasks inherit this environment.

            Examples:
              freqbench cluster run laion.plan.json --job index-text --annotator builtin --out laion.index \\
                  --partition cpu --cpus-per-task 8 --mem 16G --time 4:00:00 --max-running 100 --wait
              freqbench cluster run laion.plan.json --job index-text --out laion.index --dry-run
              freqbench cluster run laion.plan.json --job annotate --annotator spacy --out laion.nouns.jsonl --wait
              freqbench cluster run rampp.plan.json --job index-image --thresholds 0.5,0.55,0.6,0.65,0.7 --out laion.image-index --wait
            """)

    @Argument(help: "The plan (from `freqbench plan`).")
    var plan: String

    @Option(help: "What each shard job does.")
    var job: ClusterRun.Job = .indexText

    @Option(help: "Output: the merged index directory.")
    var out: String

    @Option(help: "Annotator of the index-text and annotate jobs.")
    var annotator: String = AnnotatorRegistry.defaultName

    @Option(help: "index-image: comma-separated thresholds, e.g. 0.5,0.55,0.6,0.65,0.7.")
    var thresholds: String?

    @Option(help: "Slurm partition.") var partition: String?
    @Option(help: "CPUs per array task (also the annotator's workers).") var cpusPerTask: Int?
    @Option(help: "Memory per array task, e.g. 8G.") var mem: String?
    @Option(help: "Time limit per task, e.g. 2:00:00.") var time: String?
    @Option(help: "At most K array tasks at once.") var maxRunning: Int?
    @Option(help: "Work directory (default: OUT.cluster beside OUT).") var workDir: String?
    @Flag(help: "Print the scripts; submit nothing.") var dryRun = false
    @Flag(help: "Wait for the run to finish; exit 0 when the merged output is complete, 1 otherwise.") var wait = false

    func validate() throws {
        if let cpusPerTask, cpusPerTask < 1 { throw ValidationError("--cpus-per-task must be at least 1") }
        if let maxRunning, maxRunning < 1 { throw ValidationError("--max-running must be at least 1") }
        if job == .indexImage, thresholds == nil { throw ValidationError("--job index-image needs --thresholds") }
        guard AnnotatorRegistry.names.contains(annotator) else {
            throw ValidationError("unknown annotator '\(annotator)' (expected \(AnnotatorRegistry.names.joined(separator: "|")))")
        }
    }

    func run() throws {
        let clusterRun = try ClusterRun(
            planURL: URL(fileURLWithPath: plan), job: job, output: URL(fileURLWithPath: out), annotator: annotator,
            thresholds: thresholds, resources: .init(partition: partition, cpusPerTask: cpusPerTask, memory: mem, time: time, maxRunning: maxRunning),
            executable: currentExecutable(), workDirectory: workDir.map { URL(fileURLWithPath: $0) })
        let (submission, arrayScript, mergeScript) = try clusterRun.submit(dryRun: dryRun)
        if dryRun {
            print(arrayScript.map { "# \(clusterRun.workDirectory.path)/array.sbatch\n\($0)" } ?? "# every shard is complete: no array job")
            print(mergeScript.map { "# \(clusterRun.workDirectory.path)/merge.sbatch (--dependency=afterok:<array> --kill-on-invalid-dep=yes)\n\($0)" }
                  ?? "# the merged output is complete: nothing to submit")
            return
        }
        if submission.nothingToDo {
            FileHandle.standardError.write(Data("cluster run: \(out) is complete; nothing to submit\n".utf8))
            return
        }
        let array = submission.arrayJob.map { " (array job \($0))" } ?? ""
        let message = "cluster run: submitted \(submission.shards.count) of \(clusterRun.shardCount) shards\(array) "
            + "and the merge (job \(submission.mergeJob ?? "?")); work directory \(clusterRun.workDirectory.path)\n"
        FileHandle.standardError.write(Data(message.utf8))
        guard wait else { return }
        let progress = ProgressBar("cluster run", total: clusterRun.shardCount)
        var shown = 0
        let merged = try clusterRun.wait(for: submission) { done, _ in
            if done > shown { progress.advance(by: done - shown); shown = done }
        }
        progress.finish()
        if merged {
            FileHandle.standardError.write(Data("cluster run: done -> \(out)\n".utf8))
            return
        }
        let failed = try clusterRun.status().filter { $0.state != .done }
        var report = "cluster run: not complete; \(failed.count) shard(s) not done:\n"
        for shard in failed.prefix(20) {
            report += "  shard \(shard.shard): \(shard.state.rawValue)\(shard.jobID.map { " (job \($0))" } ?? "")\n"
            if let detail = shard.detail { report += detail + "\n" }
        }
        if failed.isEmpty { report += "  every shard is done, but the merge failed: see \(clusterRun.workDirectory.path)/logs/merge.log\n" }
        report += "Fix the cause and run the same command again: finished shards are not rerun.\n"
        FileHandle.standardError.write(Data(report.utf8))
        throw ExitCode(1)
    }
}

/// `freqbench cluster status OUT`.
struct ClusterStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "List each shard of a cluster run: done, running, pending, failed (job id and log tail), missing.",
        discussion: "Example: freqbench cluster status laion.index   (or the work directory laion.index.cluster)")

    @Argument(help: "The run's output (OUT) or its work directory (OUT.cluster).")
    var output: String

    @Flag(help: "JSON instead of text.") var json = false

    func run() throws {
        var work = URL(fileURLWithPath: self.output).standardizedFileURL
        if !work.lastPathComponent.hasSuffix(".cluster") { work = ClusterRun.defaultWorkDirectory(for: work) }
        guard let record = try? JSONParser.parse(contentsOf: work.appendingPathComponent("run.json")),
              let planPath = record["plan"]?.stringValue, let jobName = record["job"]?.stringValue,
              let job = ClusterRun.Job(rawValue: jobName), let annotator = record["annotator"]?.stringValue else {
            throw FreqBenchError("not a cluster run: no readable run.json (was `freqbench cluster run` submitted here?)", file: work.path)
        }
        let output = work.deletingLastPathComponent().appendingPathComponent(String(work.lastPathComponent.dropLast(".cluster".count)))
        let clusterRun = try ClusterRun(planURL: URL(fileURLWithPath: planPath), job: job, output: output, annotator: annotator,
                                        thresholds: record["thresholds"]?.stringValue, executable: currentExecutable(), workDirectory: work)
        let shards = try clusterRun.status()
        let merged = clusterRun.isMerged
        if json {
            print(JSONWriter(indent: 1).string(.object([
                "merged": .bool(merged),
                "shards": .array(shards.map { shard in
                    .object([
                        "shard": .int(shard.shard),
                        "state": .string(shard.state.rawValue),
                        "job": shard.jobID.map(JSONValue.string) ?? .null,
                        "detail": shard.detail.map(JSONValue.string) ?? .null,
                    ])
                }),
            ])))
            return
        }
        var counts: [String: Int] = [:]
        for shard in shards {
            counts[shard.state.rawValue, default: 0] += 1
            print("shard \(shard.shard): \(shard.state.rawValue)\(shard.jobID.map { " (job \($0))" } ?? "")")
            if let detail = shard.detail { print(detail) }
        }
        print("merged: \(merged ? "yes" : "no") -> \(output.path)")
        print(["done", "running", "pending", "failed", "missing"].map { "\($0) \(counts[$0] ?? 0)" }.joined(separator: ", "))
    }
}
