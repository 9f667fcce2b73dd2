import Foundation
import Testing
@testable import FreqBench

/// Outputs never destroy what `--out` points at, replace indexes atomically for readers, and
/// leave the old or the new output complete whenever the writer is stopped (docs/FORMATS.md,
/// first section).
@Suite("Atomic outputs")
struct AtomicFileTests {
    static func bytes(_ url: URL) throws -> Data { try Data(contentsOf: url) }

    static func isSymbolicLink(_ url: URL) -> Bool {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) != nil
    }

    /// Hidden temporaries left beside outputs in `directory`.
    static func leftovers(in directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".tmp-") }.sorted()
    }

    @Test("a file output through a symbolic link replaces the link's target; the link stays (relative, chained, dangling)")
    func fileThroughSymbolicLinks() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: false)
        let target = data.appendingPathComponent("counts.json")
        try "old".write(to: target, atomically: false, encoding: .utf8)
        let link = directory.appendingPathComponent("out.json")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "data/counts.json")
        let chained = directory.appendingPathComponent("chained.json")
        try FileManager.default.createSymbolicLink(atPath: chained.path, withDestinationPath: link.path)
        try AtomicFile.write("new", to: chained)
        #expect(Self.isSymbolicLink(link) && Self.isSymbolicLink(chained))
        #expect(try String(contentsOf: target, encoding: .utf8) == "new")
        #expect(try Self.leftovers(in: directory).isEmpty && Self.leftovers(in: data).isEmpty)
        // A dangling link: its target is created.
        let dangling = directory.appendingPathComponent("dangling.json")
        try FileManager.default.createSymbolicLink(atPath: dangling.path, withDestinationPath: "data/created.json")
        try AtomicFile.write("created", to: dangling)
        #expect(Self.isSymbolicLink(dangling))
        #expect(try String(contentsOf: data.appendingPathComponent("created.json"), encoding: .utf8) == "created")
        // A directory is not a file output.
        #expect { try AtomicFile.write("x", to: data) } throws: { "\($0)" == "\(data.path): is a directory (expected a file to write)" }
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.path).sorted() == ["counts.json", "created.json"])
    }

    @Test("a FIFO as a file output is written into, and /dev/fd/N or a /proc/self/fd/N link through descriptor N; none is replaced (also by streaming writers)")
    func specialFilesAreWrittenInPlace() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("fifo")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let link = directory.appendingPathComponent("out.json")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: fifo.path)
        func readFIFO(while write: () throws -> Void) throws -> String {
            let received = Locked<Data?>(nil)
            let reader = Thread {
                // Until end of file: every writer of the FIFO has closed it.
                let descriptor = open(fifo.path, O_RDONLY)
                var data = Data()
                var buffer = [UInt8](repeating: 0, count: 4096)
                while descriptor >= 0 {
                    let count = read(descriptor, &buffer, buffer.count)
                    if count <= 0 { break }
                    data.append(contentsOf: buffer[..<count])
                }
                if descriptor >= 0 { close(descriptor) }
                received.update { $0 = data }
            }
            reader.start()
            try write()
            while received.value == nil { usleep(1000) }
            return String(decoding: received.value ?? Data(), as: UTF8.self)
        }
        #expect(try readFIFO { try AtomicFile.write("through the link", to: link) } == "through the link")
        // A streaming writer: its temporary file is copied into the FIFO.
        let temporary = AtomicFile.temporaryURL(for: fifo)
        #expect(temporary.deletingLastPathComponent().path != directory.path)
        let streamed = try readFIFO {
            try "streamed".write(to: temporary, atomically: false, encoding: .utf8)
            try AtomicFile.replace(fifo, with: temporary)
        }
        #expect(streamed == "streamed")
        #expect(!FileManager.default.fileExists(atPath: temporary.path))
        var status = stat()
        #expect(lstat(fifo.path, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO)
        #expect(Self.isSymbolicLink(link))

        // /dev/stdout is a link to /proc/self/fd/1: the same path through a pipe's descriptor.
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let descriptorLink = directory.appendingPathComponent("stdout-like")
        try FileManager.default.createSymbolicLink(atPath: descriptorLink.path, withDestinationPath: "/proc/self/fd/\(ends[1])")
        try AtomicFile.write("via the descriptor", to: descriptorLink)
        close(ends[1])
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(ends[0], &buffer, 64)
        #expect(String(decoding: buffer[..<max(count, 0)], as: UTF8.self) == "via the descriptor")
        #expect(Self.isSymbolicLink(descriptorLink))
        // A descriptor of a regular file (`--out /dev/stdout > log`): written at its offset, as
        // a shell's redirection would, neither truncated nor replaced.
        let log = directory.appendingPathComponent("log.txt")
        let descriptor = open(log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        #expect(descriptor >= 0)
        _ = "before\n".withCString { Foundation.write(descriptor, $0, 7) }
        try AtomicFile.write("{}\n", to: URL(fileURLWithPath: "/dev/fd/\(descriptor)"))
        _ = "after\n".withCString { Foundation.write(descriptor, $0, 6) }
        close(descriptor)
        #expect(try String(contentsOf: log, encoding: .utf8) == "before\n{}\nafter\n")
    }

    static func makeTextIndex(_ output: URL, captions: [String]) throws {
        let builder = TextIndexBuilder()
        for (id, caption) in captions.enumerated() { try builder.add(id: id, terms: caption.split(separator: " ").map(String.init)) }
        try builder.write(to: output, recordCount: captions.count, shard: .whole, corpusDigest: [UInt8](repeating: 0, count: 32),
                          annotator: AnnotatorIdentity(name: "words", version: "test"))
    }

    static func dogCount(_ output: URL) throws -> Int {
        try TextIndex(directory: output).documentFrequency(of: "dog")
    }

    @Test("an index output replaces an index (through a symbolic link too) but refuses a directory of other files, a file or a FIFO, naming the path")
    func indexOutputsReplaceOnlyIndexes() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("index")
        try Self.makeTextIndex(output, captions: ["dog"])
        try Self.makeTextIndex(output, captions: ["dog", "dog cat"])
        #expect(try Self.dogCount(output) == 2)
        // Through a link: the linked index is replaced, the link stays.
        let link = directory.appendingPathComponent("latest")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "index")
        try Self.makeTextIndex(link, captions: ["dog", "dog", "dog"])
        #expect(Self.isSymbolicLink(link))
        #expect(try Self.dogCount(output) == 3)
        // An empty directory is fine; an image index may replace a text index directory.
        let empty = directory.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: false)
        try Self.makeTextIndex(empty, captions: ["dog"])
        #expect(try Self.dogCount(empty) == 1)

        let home = directory.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: false)
        try "precious".write(to: home.appendingPathComponent("thesis.tex"), atomically: false, encoding: .utf8)
        try "x".write(to: home.appendingPathComponent(TextIndex.fileName), atomically: false, encoding: .utf8)
        let file = directory.appendingPathComponent("notes.txt")
        try "notes".write(to: file, atomically: false, encoding: .utf8)
        let fifo = directory.appendingPathComponent("fifo")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        for (target, message) in [(home, "exists and is not an index directory (it holds 'thesis.tex')"),
                                  (file, "exists and is not a directory; refusing to replace it"),
                                  (fifo, "exists and is not a directory (a device, FIFO, socket or open descriptor)")] {
            #expect { try Self.makeTextIndex(target, captions: ["dog"]) } throws: { "\($0)".hasPrefix("\(target.path): \(message)") }
            let probabilities = directory.appendingPathComponent("p.h5")
            try TagProbabilityFile.write(probabilities, float16: [[0.9]], ids: [0], tags: ["dog"])
            #expect { try ImageIndexBuilder(thresholds: [try TagThreshold(0.5)]).build([probabilities], to: target) } throws: {
                "\($0)".hasPrefix("\(target.path): \(message)")
            }
        }
        #expect(try String(contentsOf: home.appendingPathComponent("thesis.tex"), encoding: .utf8) == "precious")
        #expect(try String(contentsOf: file, encoding: .utf8) == "notes")
        #expect(try Self.leftovers(in: directory).isEmpty)
    }

    @Test("leftover temporaries of dead processes are removed on the next write to the same output; a live process's are kept")
    func leftoversOfKilledRunsAreRemoved() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let dead = finished.processIdentifier
        #expect(!AtomicFile.isRunning(dead))
        let names = [".index.tmp-\(dead)-0badcafe", ".index.runs.tmp-\(dead)-12345678", ".counts.json.tmp-\(dead)-abcdef01"]
        for name in names { try FileManager.default.createDirectory(at: directory.appendingPathComponent(name).appendingPathComponent("x"), withIntermediateDirectories: true) }
        let live = ".index.tmp-1-0badcafe"   // pid 1 runs
        let other = ".index2.tmp-\(dead)-0badcafe", unrelated = ".index.tmp-notapid"
        for name in [live, other, unrelated] { try "x".write(to: directory.appendingPathComponent(name), atomically: false, encoding: .utf8) }
        try Self.makeTextIndex(directory.appendingPathComponent("index"), captions: ["dog"])
        #expect(try Self.leftovers(in: directory) == [names[2], live, unrelated, other].sorted())
        try AtomicFile.write("{}", to: directory.appendingPathComponent("counts.json"))
        #expect(try Self.leftovers(in: directory) == [live, unrelated, other].sorted())
    }

    /// Thrown by the fault-injection hook.
    struct InjectedFault: Error {}

    @Test("an index replacement stopped by an error at every stage leaves the old or the new index, complete, and no temporaries",
          .serialized, arguments: AtomicFile.Stage.allCases)   // one fault-injection hook per process
    func replacementStoppedByAnError(stage: AtomicFile.Stage) throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("index")
        try Self.makeTextIndex(output, captions: ["dog"])
        let probabilities = directory.appendingPathComponent("p.h5")
        try TagProbabilityFile.write(probabilities, float16: [[0.9], [0.9]], ids: [0, 1], tags: ["dog"])
        let imageOutput = directory.appendingPathComponent("image")
        let builder = ImageIndexBuilder(thresholds: [try TagThreshold(0.5)])
        try ImageIndexWriter.write(try builder.build([probabilities]), to: imageOutput)
        let counts = directory.appendingPathComponent("counts.json")
        try AtomicFile.write("old", to: counts)
        let reached = Locked<[String]>([])
        AtomicFile.setFaultInjection { current, url in
            guard url.path.hasPrefix(directory.path) else { return }     // other tests' outputs run on
            reached.update { $0.append("\(url.lastPathComponent) \(current)") }
            if current == stage { throw InjectedFault() }
        }
        defer { AtomicFile.setFaultInjection(nil) }
        let newIsInPlace = stage != .written
        #expect { try Self.makeTextIndex(output, captions: ["dog", "dog"]) } throws: { "\($0)".contains("InjectedFault") }
        #expect(try Self.dogCount(output) == (newIsInPlace ? 2 : 1))
        try TagProbabilityFile.write(probabilities, float16: [[0.9], [0.1]], ids: [0, 1], tags: ["dog"])
        #expect { try builder.build([probabilities], to: imageOutput) } throws: { "\($0)".contains("InjectedFault") }
        #expect(try ImageIndex.open(imageOutput).postingCount(threshold: 0, tag: 0) == (newIsInPlace ? 1 : 2))
        if stage != .exchanged {   // files are renamed over, never exchanged
            #expect(throws: InjectedFault.self) { try AtomicFile.write("new", to: counts) }
            #expect(try String(contentsOf: counts, encoding: .utf8) == (newIsInPlace ? "new" : "old"))
        }
        #expect(try Self.leftovers(in: directory).isEmpty)
        #expect(reached.value.contains("index \(stage)"))
    }

    @Test("an index replacement killed at every stage (a child freqbench _exits there) leaves the old or the new index; the next write removes its leftovers",
          arguments: AtomicFile.Stage.allCases)
    func replacementKilled(stage: AtomicFile.Stage) throws {
        let binary = try ClusterRunTests.executable()
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let old = directory.appendingPathComponent("old.h5"), new = directory.appendingPathComponent("new.h5")
        try TagProbabilityFile.write(old, float16: [[0.9], [0.9], [0.9]], ids: [0, 1, 2], tags: ["dog"])
        try TagProbabilityFile.write(new, float16: [[0.9], [0.1], [0.1]], ids: [0, 1, 2], tags: ["dog"])
        let output = directory.appendingPathComponent("index")
        let builder = ImageIndexBuilder(thresholds: [try TagThreshold(0.5)])
        try builder.build([old], to: output)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["index", "image", new.path, "--thresholds", "0.5", "--out", output.path]
        process.environment = ProcessInfo.processInfo.environment.merging(["FREQBENCH_FAULT_INJECTION": stage.rawValue]) { $1 }
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 86, "the child stopped at \(stage)")
        #expect(try ImageIndex.open(output).postingCount(threshold: 0, tag: 0) == (stage == .written ? 3 : 1))
        // A kill before the old directory is removed leaves it (or the new one) under its temporary name.
        #expect(try Self.leftovers(in: directory).count == (stage == .replaced ? 0 : 1))
        try builder.build([old], to: output)
        #expect(try ImageIndex.open(output).postingCount(threshold: 0, tag: 0) == 3)
        #expect(try Self.leftovers(in: directory).isEmpty)
    }

    @Test("index text and index merge killed at every stage of replacing a text index (a child freqbench _exits there) leave the old or the new index, which reads",
          arguments: AtomicFile.Stage.allCases, ["index text", "index merge"])
    func textIndexReplacementKilled(stage: AtomicFile.Stage, command: String) throws {
        let binary = try ClusterRunTests.executable()
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let old = directory.appendingPathComponent("old.tsv"), new = directory.appendingPathComponent("new.tsv")
        try Data("a dog\tu\na cat\tu\n".utf8).write(to: old)
        try Data("a dog\tu\na bird\tu\nthe dog\tu\n".utf8).write(to: new)
        let output = directory.appendingPathComponent("index")
        try TextIndexer.build(corpus: [old], options: CorpusOptions(format: .cc3m), annotators: [WordAnnotator()], output: output)
        var arguments = ["index", "text", new.path, "--format", "cc3m", "--out", output.path]
        if command == "index merge" {
            let plan = try CorpusPlanner.plan(paths: [new], options: CorpusOptions(format: .cc3m), shardCount: 2)
            let shards = try plan.shards.indices.map { shard in
                let url = directory.appendingPathComponent("shard\(shard)")
                try TextIndexer.build(planShard: try .init(plan: plan, index: shard), annotators: [WordAnnotator()], output: url)
                return url.path
            }
            arguments = ["index", "merge"] + shards + ["--out", output.path]
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["FREQBENCH_FAULT_INJECTION": stage.rawValue]) { $1 }
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 86, "the child stopped at \(stage)")
        // The old index (2 records) until the exchange, the new one (3 records) after; it reads.
        let index = try TextIndex(directory: output)
        #expect(index.header.recordCount == (stage == .written ? 2 : 3))
        #expect(try index.check() > 0)
        #expect(try Self.leftovers(in: directory).count == (stage == .replaced ? 0 : 1))
    }

    @Test("concurrent writers of one index and one file all succeed (or fail with a FreqBenchError naming the path); the result is complete")
    func concurrentWriters() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("index"), file = directory.appendingPathComponent("counts.json")
        let problems = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { writer in
            for round in 0..<15 {
                do {
                    try Self.makeTextIndex(output, captions: Array(repeating: "dog", count: 1 + (writer + round) % 2))
                    try AtomicFile.write("{\"writer\": \(writer)}", to: file)
                } catch let error as FreqBenchError where error.file == output.path || error.file == file.path {
                    problems.update { $0.append("FreqBenchError \(error)") }
                } catch {
                    problems.update { $0.append("raw \(type(of: error)): \(error)") }
                }
            }
        }
        #expect(problems.value.isEmpty, "\(problems.value)")
        #expect([1, 2].contains(try Self.dogCount(output)))
        #expect(try String(contentsOf: file, encoding: .utf8).hasPrefix("{\"writer\": "))
        #expect(try Self.leftovers(in: directory).isEmpty)
    }

    @Test("a reader opening the index in a loop while it is replaced 200 times never finds it missing or incomplete")
    func readersNeverSeeAGap() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("index")
        try Self.makeTextIndex(output, captions: ["dog"])
        let stop = Locked(false)
        let outcome = Locked<(opens: Int, failures: [String])>((0, []))
        let reader = Thread {
            while !stop.value {
                do {
                    let count = try Self.dogCount(output)
                    outcome.update { $0.opens += 1; if count < 1 || count > 2 { $0.failures.append("count \(count)") } }
                } catch {
                    outcome.update { $0.failures.append("\(error)") }
                }
            }
        }
        reader.start()
        for round in 0..<200 { try Self.makeTextIndex(output, captions: round % 2 == 0 ? ["dog", "dog"] : ["dog"]) }
        stop.update { $0 = true }
        while !reader.isFinished { usleep(1000) }
        let (opens, failures) = outcome.value
        #expect(opens > 0)
        #expect(failures.isEmpty, "\(failures.count) of \(opens) opens failed, first: \(failures.first ?? "")")
        #expect(try Self.leftovers(in: directory).isEmpty)
    }
}

/// A value shared between threads in tests, behind a lock.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func update(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}
