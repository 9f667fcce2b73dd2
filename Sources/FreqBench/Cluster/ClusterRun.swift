import Foundation

/// A run of a plan's shard jobs on Slurm (`freqbench cluster run`): a job array with one
/// task per unfinished shard (`freqbench index text|index image|annotate --plan PLAN --shard
/// $SLURM_ARRAY_TASK_ID`) and a merge job that depends on it (`afterok`, `freqbench index
/// merge`), both submitted with `sbatch`.
///
/// Everything a run keeps is in its work directory, `<OUT>.cluster/` beside the output:
/// `shards/shard-NNNNN/` (each shard's output, with its completion record), `logs/` (Slurm's
/// output of each task and of the merge), `state/` (a task's `.running` and `.failed` notes),
/// `array.sbatch`, `merge.sbatch`, `run.json` (the last submission's job ids) and
/// `merged.json` (the merge's completion record). A shard whose output is complete is never
/// submitted again, so rerunning the same command resumes a run, and does nothing once the
/// merged output is complete. The binary, the plan, the corpus and the work directory must be
/// at the same paths on every node (a shared filesystem).
public struct ClusterRun: Sendable {
    /// The jobs a run can do.
    public enum Job: String, CaseIterable, Sendable {
        case indexText = "index-text"
        case indexImage = "index-image"
        case annotate
    }

    /// What Slurm is asked for, per array task.
    public struct Resources: Sendable {
        public var partition: String?
        public var cpusPerTask: Int?
        public var memory: String?
        public var time: String?
        /// The most array tasks running at once (`%K`).
        public var maxRunning: Int?

        public init(partition: String? = nil, cpusPerTask: Int? = nil, memory: String? = nil, time: String? = nil,
                    maxRunning: Int? = nil) {
            self.partition = partition
            self.cpusPerTask = cpusPerTask
            self.memory = memory
            self.time = time
            self.maxRunning = maxRunning
        }
    }

    public let planURL: URL
    /// The plan's digest, shard count and (caption plans) corpus digest.
    public let planDigest: [UInt8]
    public let shardCount: Int
    private let corpusDigest: [UInt8]?
    public let job: Job
    public let output: URL
    public let annotator: String
    /// `index-image`: the thresholds (as `index image --thresholds` takes them).
    public let thresholds: String?
    public let resources: Resources
    /// The freqbench binary the tasks run.
    public let executable: URL
    public let workDirectory: URL
    /// `index-image`: what its shards record in place of an annotator.
    private var imageIdentity: AnnotatorIdentity?

    public init(planURL: URL, job: Job, output: URL, annotator: String, thresholds: String? = nil, resources: Resources = Resources(),
                executable: URL, workDirectory: URL? = nil) throws {
        self.planURL = planURL.standardizedFileURL
        let kind = try TagProbabilityPlan.kind(of: planURL)
        switch job {
        case .indexText, .annotate:
            guard kind == "captions" else {
                throw FreqBenchError("job \(job.rawValue) needs a caption plan, this is a \(kind) plan", file: planURL.path)
            }
            let plan = try CorpusPlan.read(from: planURL)
            planDigest = plan.digest
            shardCount = plan.shards.count
            corpusDigest = plan.corpusDigest
            self.thresholds = nil
        case .indexImage:
            guard kind == "tag-probabilities" else {
                throw FreqBenchError("job index-image needs a tag-probability plan (plan --format hdf5), this is a \(kind) plan", file: planURL.path)
            }
            guard let thresholds else { throw FreqBenchError("job index-image needs --thresholds") }
            let plan = try TagProbabilityPlan.read(from: planURL)
            planDigest = plan.digest
            shardCount = plan.shards.count
            corpusDigest = nil
            self.thresholds = thresholds
            imageIdentity = ShardCompletion.imageIdentity(thresholds: try TagThreshold.list(parsing: thresholds).sorted())
        }
        self.job = job
        self.output = output.standardizedFileURL
        self.annotator = annotator
        self.resources = resources
        self.executable = executable
        self.workDirectory = (workDirectory ?? Self.defaultWorkDirectory(for: output)).standardizedFileURL
    }

    /// `<OUT>.cluster` beside the output.
    public static func defaultWorkDirectory(for output: URL) -> URL {
        output.standardizedFileURL.deletingLastPathComponent().appendingPathComponent(output.lastPathComponent + ".cluster")
    }

    public func shardDirectory(_ shard: Int) -> URL {
        workDirectory.appendingPathComponent("shards").appendingPathComponent(String(format: "shard-%05d", shard))
    }

    private func stateFile(_ shard: Int, _ suffix: String) -> URL {
        workDirectory.appendingPathComponent("state").appendingPathComponent(String(format: "shard-%05d.%@", shard, suffix))
    }

    public func logFile(_ shard: Int) -> URL {
        workDirectory.appendingPathComponent("logs").appendingPathComponent("shard-\(shard).log")
    }

    private var mergedRecord: URL { workDirectory.appendingPathComponent("merged.json") }
    private var runRecord: URL { workDirectory.appendingPathComponent("run.json") }

    // MARK: State

    /// Whether shard `shard`'s output is complete.
    public func isShardDone(_ shard: Int) -> Bool {
        if let imageIdentity {
            return ShardCompletion.isComplete(shardDirectory(shard), planDigest: planDigest, shard: shard, annotator: imageIdentity)
        }
        return ShardCompletion.isComplete(shardDirectory(shard), planDigest: planDigest, shard: shard, annotatorName: annotator)
    }

    /// Whether the merged output is complete: the merge's record names this plan and the
    /// output's content digest.
    public var isMerged: Bool {
        guard let record = try? JSONParser.parse(contentsOf: mergedRecord),
              record["plan_digest"]?.stringValue == SHA256.hex(bytes: planDigest),
              record["annotator"]?.stringValue == (imageIdentity?.name ?? annotator),
              imageIdentity == nil || record["annotator_version"]?.stringValue == imageIdentity?.version,
              let digest = record["output_sha256"]?.stringValue else { return false }
        switch job {
        case .indexText:
            guard let index = try? TextIndex(directory: output) else { return false }
            return SHA256.hex(bytes: index.header.bodyDigest) == digest && index.header.corpusDigest == corpusDigest
        case .indexImage:
            return (try? SHA256.digest(ofFile: output.appendingPathComponent(ImageIndex.fileName))).map { SHA256.hex(bytes: $0) } == digest
        case .annotate:
            return (try? SHA256.digest(ofFile: output)).map { SHA256.hex(bytes: $0) } == digest
        }
    }

    /// One shard's state, as `cluster status` lists it.
    public struct ShardStatus: Sendable {
        public enum State: String, Sendable { case done, running, pending, failed, missing }
        public var shard: Int
        public var state: State
        public var jobID: String?
        public var detail: String?
    }

    /// The state of every shard: done (complete output), running / pending (in Slurm's
    /// queue), failed (the task exited non-zero, or died without saying), missing.
    public func status(slurm: SlurmClient = SlurmClient()) throws -> [ShardStatus] {
        let submitted = try? JSONParser.parse(contentsOf: runRecord)
        let arrayJob = submitted?["array_job"]?.stringValue
        let states = try slurm.jobStates(arrayJob.map { [$0] } ?? [])
        return (0..<shardCount).map { shard in
            if isShardDone(shard) { return ShardStatus(shard: shard, state: .done) }
            let queued = arrayJob.flatMap { states["\($0)_\(shard)"] }
            if let failed = try? String(contentsOf: stateFile(shard, "failed"), encoding: .utf8) {
                let parts = failed.split(separator: " ")
                let newer = queued.map(SlurmClient.isActive) ?? false
                if !newer {
                    return ShardStatus(shard: shard, state: .failed, jobID: parts.count > 1 ? String(parts[1]) : nil,
                                       detail: "exit \(parts.first ?? "?"); log \(logFile(shard).path):\n" + logTail(shard))
                }
            }
            if let queued, SlurmClient.isActive(queued) {
                return ShardStatus(shard: shard, state: queued == "PENDING" ? .pending : .running, jobID: arrayJob.map { "\($0)_\(shard)" })
            }
            if let running = try? String(contentsOf: stateFile(shard, "running"), encoding: .utf8) {
                let job = running.split(separator: " ").dropFirst().first.map(String.init)
                return ShardStatus(shard: shard, state: .failed, jobID: job,
                                   detail: "the task ended without an exit status (killed, timed out or node lost); log \(logFile(shard).path):\n"
                                       + logTail(shard))
            }
            return ShardStatus(shard: shard, state: .missing)
        }
    }

    /// The last lines of shard `shard`'s log.
    public func logTail(_ shard: Int, lines: Int = 10) -> String {
        guard let text = try? String(contentsOf: logFile(shard), encoding: .utf8) else { return "  (no log)" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines + 1).map { "  " + $0 }.joined(separator: "\n")
    }

    // MARK: Scripts

    private func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    private var resourceLines: [String] {
        var lines: [String] = []
        if let partition = resources.partition { lines.append("#SBATCH --partition=\(partition)") }
        if let cpus = resources.cpusPerTask { lines.append("#SBATCH --cpus-per-task=\(cpus)") }
        if let memory = resources.memory { lines.append("#SBATCH --mem=\(memory)") }
        if let time = resources.time { lines.append("#SBATCH --time=\(time)") }
        return lines
    }

    /// The array script for `shards`.
    public func arrayScript(shards: [Int]) -> String {
        let list = Self.arraySpecification(shards) + (resources.maxRunning.map { "%\($0)" } ?? "")
        let command: String
        switch job {
        case .indexText:
            command = "index text --plan \(shellQuoted(planURL.path)) --shard \"$shard\" --annotator \(shellQuoted(annotator))"
                + (resources.cpusPerTask.map { " --jobs \($0)" } ?? "")
        case .annotate:
            command = "annotate --plan \(shellQuoted(planURL.path)) --shard \"$shard\" --annotator \(shellQuoted(annotator))"
                + (resources.cpusPerTask.map { " --workers \($0)" } ?? "")
        case .indexImage:
            command = "index image --plan \(shellQuoted(planURL.path)) --shard \"$shard\" --thresholds \(shellQuoted(thresholds ?? ""))"
        }
        return """
            #!/bin/bash
            # Written by `freqbench cluster run`: one task per unfinished shard of \(planURL.path).
            #SBATCH --job-name=freqbench-\(job.rawValue)
            #SBATCH --array=\(list)
            #SBATCH --output=\(workDirectory.path)/logs/shard-%a.log
            #SBATCH --open-mode=append
            #SBATCH --chdir=\(FileManager.default.currentDirectoryPath)
            \(resourceLines.joined(separator: "\n"))
            set -u
            shard=$SLURM_ARRAY_TASK_ID
            name=$(printf 'shard-%05d' "$shard")
            state=\(shellQuoted(workDirectory.path))/state/$name
            echo "$SLURM_ARRAY_JOB_ID ${SLURM_JOB_ID} $(hostname) $(date +%s)" > "$state.running"
            rm -f "$state.failed"
            echo "== $(date -u +%FT%TZ) job ${SLURM_JOB_ID} on $(hostname): shard $shard"
            \(shellQuoted(executable.path)) \(command) \\
                --out \(shellQuoted(workDirectory.path))/shards/"$name"
            status=$?
            if [ "$status" -ne 0 ]; then echo "$status ${SLURM_JOB_ID}" > "$state.failed"; fi
            rm -f "$state.running"
            exit "$status"

            """
    }

    /// The merge script.
    public var mergeScript: String {
        let shards = (0..<shardCount).map { shellQuoted(shardDirectory($0).path) }.joined(separator: " \\\n    ")
        return """
            #!/bin/bash
            # Written by `freqbench cluster run`: merges the shards of \(planURL.path) once all have succeeded.
            #SBATCH --job-name=freqbench-merge
            #SBATCH --output=\(workDirectory.path)/logs/merge.log
            #SBATCH --open-mode=append
            #SBATCH --chdir=\(FileManager.default.currentDirectoryPath)
            \(resourceLines.filter { !$0.contains("cpus-per-task") }.joined(separator: "\n"))
            set -eu
            echo "== $(date -u +%FT%TZ) job ${SLURM_JOB_ID} on $(hostname): merge"
            exec \(shellQuoted(executable.path)) index merge --plan \(shellQuoted(planURL.path)) \\
                --completion-record \(shellQuoted(mergedRecord.path)) --out \(shellQuoted(output.path)) \\
                \(shards)

            """
    }

    /// `0-3,7,9-10`: Slurm's array index list for `shards` (sorted).
    static func arraySpecification(_ shards: [Int]) -> String {
        var parts: [String] = []
        var index = 0
        let sorted = shards.sorted()
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index])-\(sorted[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }

    // MARK: Submission

    /// What `submit` did.
    public struct Submission: Sendable {
        public var shards: [Int]
        public var arrayJob: String?
        public var mergeJob: String?
        /// Everything was already complete: nothing submitted.
        public var nothingToDo: Bool { arrayJob == nil && mergeJob == nil }
    }

    /// Writes the scripts and submits what is not complete yet: the array for the unfinished
    /// shards (none running or pending already) and the merge after it. With `dryRun`, writes
    /// and returns the plan of submission without submitting.
    public func submit(slurm: SlurmClient = SlurmClient(), dryRun: Bool = false) throws -> (Submission, arrayScript: String?, mergeScript: String?) {
        if isMerged { return (Submission(shards: []), nil, nil) }
        let current = try status(slurm: slurm)
        if current.contains(where: { $0.state == .running || $0.state == .pending }) {
            throw FreqBenchError("shards of this run are still queued or running (see `freqbench cluster status \(output.path)`); "
                + "wait for them or cancel them with scancel", file: workDirectory.path)
        }
        let todo = current.filter { $0.state != .done }.map(\.shard)
        let array = todo.isEmpty ? nil : arrayScript(shards: todo)
        if dryRun { return (Submission(shards: todo), array, mergeScript) }
        let fileManager = FileManager.default
        for folder in ["shards", "logs", "state"] {
            try fileManager.createDirectory(at: workDirectory.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        var submission = Submission(shards: todo)
        var mergeArguments = ["--kill-on-invalid-dep=yes"]
        if let array {
            let url = workDirectory.appendingPathComponent("array.sbatch")
            try AtomicFile.write(array, to: url)
            for shard in todo { try? fileManager.removeItem(at: stateFile(shard, "failed")); try? fileManager.removeItem(at: stateFile(shard, "running")) }
            let id = try slurm.submit(url)
            submission.arrayJob = id
            mergeArguments.append("--dependency=afterok:\(id)")
        }
        let mergeURL = workDirectory.appendingPathComponent("merge.sbatch")
        try AtomicFile.write(mergeScript, to: mergeURL)
        submission.mergeJob = try slurm.submit(mergeURL, arguments: mergeArguments)
        try JSONWriter(indent: 1).write(.object([
            "plan": .string(planURL.path),
            "plan_digest": .string(SHA256.hex(bytes: planDigest)),
            "job": .string(job.rawValue),
            "annotator": .string(annotator),
            "thresholds": thresholds.map(JSONValue.string) ?? .null,
            "array_job": submission.arrayJob.map(JSONValue.string) ?? .null,
            "merge_job": submission.mergeJob.map(JSONValue.string) ?? .null,
            "shards": .array(todo.map { .int($0) }),
        ]), to: runRecord)
        return (submission, array, mergeScript)
    }

    /// Waits until the submitted jobs have left Slurm's queue (polling every `interval`),
    /// then returns whether the merged output is complete.
    public func wait(for submission: Submission, slurm: SlurmClient = SlurmClient(), interval: Duration = .seconds(1),
                     progress: ((Int, Int) -> Void)? = nil) throws -> Bool {
        let jobs = [submission.arrayJob, submission.mergeJob].compactMap { $0 }
        while true {
            let states = try slurm.jobStates(jobs)
            if !states.values.contains(where: SlurmClient.isActive) { break }
            progress?((0..<shardCount).filter(isShardDone).count, shardCount)
            Thread.sleep(forTimeInterval: Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18)
        }
        return isMerged
    }
}
