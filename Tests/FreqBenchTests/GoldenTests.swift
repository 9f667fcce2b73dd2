import Foundation
import Testing
@testable import FreqBench

@Suite("Golden")
struct GoldenTests {
    // MARK: SHA-256

    @Test("SHA-256 matches the FIPS 180-4 test vectors, one-shot and streamed")
    func sha256Vectors() {
        #expect(SHA256.hex(of: Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hex(of: long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let million = Data(repeating: UInt8(ascii: "a"), count: 1_000_000)
        var streamed = SHA256()
        var offset = 0
        for size in [1, 63, 64, 65, 127, 1000, 7] where offset + size <= million.count {
            streamed.update(million[offset..<offset + size])
            offset += size
        }
        streamed.update(million[offset...])
        #expect(streamed.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    // MARK: Upstream lock

    @Test("the committed lock pins the shared upstream copy's manifest exactly")
    func committedLockMatchesManifest() throws {
        let upstream = try SharedData.upstream()
        let lock = try UpstreamLock.read(from: UpstreamLock.defaultURL)
        let manifest = try UpstreamManifest.read(from: upstream.appendingPathComponent("MANIFEST.tsv"))
        #expect(lock.repository == "https://github.com/bethgelab/frequency_determines_performance")
        #expect(lock.commit == "11ef009f9d0d9c0d190b4ede58e07d378ef79d32")
        let locked = lock.files + lock.derived
        #expect(Set(locked.map(\.path)) == Set(manifest.entries.keys))
        for entry in locked {
            #expect(manifest.entries[entry.path]?.sha256 == entry.sha256, "\(entry.path)")
            #expect(manifest.entries[entry.path]?.bytes == entry.bytes, "\(entry.path)")
        }
        #expect(lock.derived.allSatisfy { $0.path.hasPrefix("figures/") || $0.path.hasPrefix("templates/") })
        #expect(lock.files.allSatisfy { !$0.path.hasPrefix("figures/") })
        // Spot-check digests computed from the bytes, not taken from the manifest.
        for entry in [lock.files.first, lock.files.last, lock.derived.first].compactMap({ $0 }) {
            #expect(try SHA256.hex(ofFile: upstream.appendingPathComponent(entry.path)) == entry.sha256, "\(entry.path)")
        }
    }

    @Test("lock building computes digests, splits derived files and checks the manifest")
    func lockBuilding() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = ["search_counts/a_cc3m_lemmatized_search_counts.json": "{\"dog\": 3}\n",
                     "figures/log-linear-x.json": "{\"exp_bins\": [1.0]}\n",
                     "templates/ensemble_templates.json": "{}\n"]
        for (path, content) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: false, encoding: .utf8)
        }
        let commit = String(repeating: "1", count: 40)
        var manifest = "# upstream: https://example.invalid/up commit \(commit)\npath\tbytes\tsha256\n"
        for (path, content) in files.sorted(by: { $0.key < $1.key }) {
            manifest += "\(path)\t\(content.utf8.count)\t\(SHA256.hex(of: Data(content.utf8)))\n"
        }
        try manifest.write(to: directory.appendingPathComponent("MANIFEST.tsv"), atomically: false, encoding: .utf8)
        let lock = try UpstreamLockBuilder().build(upstream: directory)
        #expect(lock.repository == "https://example.invalid/up")
        #expect(lock.commit == commit)
        #expect(lock.files.map(\.path) == ["search_counts/a_cc3m_lemmatized_search_counts.json"])
        #expect(lock.files.first?.sha256 == SHA256.hex(of: Data("{\"dog\": 3}\n".utf8)))
        #expect(lock.derived.map(\.path) == ["figures/log-linear-x.json", "templates/ensemble_templates.json"])
        #expect(lock.derived.first?.derivedFrom == "notebooks/plots/log-linear-x.pkl")
        // Written and read back unchanged.
        let lockURL = directory.appendingPathComponent("lock.json")
        try lock.write(to: lockURL)
        #expect(try UpstreamLock.read(from: lockURL) == lock)
        // A file that differs from the manifest is rejected, naming it.
        try "{\"dog\": 4}\n".write(to: directory.appendingPathComponent("search_counts/a_cc3m_lemmatized_search_counts.json"), atomically: false, encoding: .utf8)
        #expect {
            try UpstreamLockBuilder().build(upstream: directory)
        } throws: { error in
            "\(error)".contains("a_cc3m_lemmatized_search_counts.json") && "\(error)".contains("differs from MANIFEST.tsv")
        }
    }

    @Test("a local copy is checked against the lock per folder: differing files fail, absent ones skip")
    func lockVerification() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let contents = ["search_counts/a.json": "{\"dog\": 3}\n", "search_counts/b.json": "{\"cat\": 1}\n",
                        "figures/f.json": "{}\n", "misalignment_metrics/m.json": "{\"x\": 0.5}\n"]
        for (path, text) in contents {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: false, encoding: .utf8)
        }
        let lock = try UpstreamLockBuilder().build(upstream: directory, repository: "https://example.invalid/up", commit: String(repeating: "2", count: 40))
        #expect(UpstreamLockVerification.checks(lock: lock, upstream: directory).map(\.status) == [.passed, .passed, .passed])
        try "{\"dog\": 4}\n".write(to: directory.appendingPathComponent("search_counts/b.json"), atomically: false, encoding: .utf8)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("figures/f.json"))
        let checks = UpstreamLockVerification.checks(lock: lock, upstream: directory)
        #expect(checks.map(\.name) == ["figures", "misalignment_metrics", "search_counts"])
        #expect(checks.map(\.status) == [.skipped, .passed, .failed])
        #expect(checks[2].detail.contains("search_counts/b.json"))
        #expect(!checks[2].detail.contains("search_counts/a.json"))
        #expect(checks[2].got == "1 match, 1 differ, 0 absent")
    }

    // MARK: Upstream fetch

    /// A repository made with libgit2 holding two data files, and the lock of its commit.
    private func makeUpstreamRepository(in directory: URL) throws -> (repository: URL, lock: UpstreamLock) {
        let repository = directory.appendingPathComponent("upstream-repo", isDirectory: true)
        let contents = ["search_counts/cifar10_cc3m_lemmatized_search_counts.json": Data("{\"airplane\": 12, \"car\": 7}\n".utf8),
                        "zero_shot_evaluations/cifar10_class_results.json": Data("{\"m\": {\"full\": 50.0}}\n".utf8),
                        "notebooks/unused.ipynb": Data("{}".utf8)]
        let commit = try LibGit2TestRepository.commit(contents, in: repository)
        let locked = contents.filter { !$0.key.hasPrefix("notebooks/") }.map { path, data in
            UpstreamLock.Entry(path: path, bytes: data.count, sha256: SHA256.hex(of: data))
        }
        return (repository, UpstreamLock(repository: repository.path, commit: commit, files: locked))
    }

    @Test("fetch reads every locked file at the pinned commit and checks its digest")
    func fetchAtPinnedCommit() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (repository, lock) = try makeUpstreamRepository(in: directory)
        // A later commit changes a locked file: fetch must still read the pinned one.
        try LibGit2TestRepository.commit(["search_counts/cifar10_cc3m_lemmatized_search_counts.json": Data("{\"airplane\": 13}\n".utf8)],
                                         in: repository, message: "later")
        let destination = directory.appendingPathComponent("fetched", isDirectory: true)
        let result = try UpstreamFetcher(lock: lock).fetch(from: repository.path, to: destination)
        #expect(result.files == 2)
        for entry in lock.files {
            #expect(try SHA256.hex(ofFile: destination.appendingPathComponent(entry.path)) == entry.sha256)
        }
        #expect(!FileManager.default.fileExists(atPath: destination.appendingPathComponent("notebooks").path))
        // Fetching again replaces the earlier fetch.
        #expect(try UpstreamFetcher(lock: lock).fetch(from: repository.path, to: destination).files == 2)
    }

    @Test("fetch rejects a wrong digest, naming the file, and writes nothing")
    func fetchRejectsWrongDigest() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        var (repository, lock) = try makeUpstreamRepository(in: directory)
        lock.files[1].sha256 = String(repeating: "0", count: 64)
        let destination = directory.appendingPathComponent("fetched", isDirectory: true)
        #expect {
            try UpstreamFetcher(lock: lock).fetch(from: repository.path, to: destination)
        } throws: { error in
            let message = "\(error)"
            return message.contains("differ from the lock (wrong digest)") && message.contains(lock.files[1].path)
                && message.contains(String(repeating: "0", count: 64)) && !message.contains(lock.files[0].path + ":")
        }
        #expect(!FileManager.default.fileExists(atPath: destination.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["upstream-repo"])
    }

    @Test("fetch rejects a commit the repository does not have")
    func fetchRejectsWrongCommit() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        var (repository, lock) = try makeUpstreamRepository(in: directory)
        lock.commit = "11ef009f9d0d9c0d190b4ede58e07d378ef79d32"
        let destination = directory.appendingPathComponent("fetched", isDirectory: true)
        #expect {
            try UpstreamFetcher(lock: lock).fetch(from: repository.path, to: destination)
        } throws: { error in
            "\(error)".contains("pinned commit 11ef009f9d0d9c0d190b4ede58e07d378ef79d32 is not in this repository")
        }
        #expect(!FileManager.default.fileExists(atPath: destination.path))
    }

    @Test("fetch refuses to overwrite a directory that is not an earlier fetch")
    func fetchRefusesForeignDestination() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (repository, lock) = try makeUpstreamRepository(in: directory)
        let destination = directory.appendingPathComponent("precious", isDirectory: true)
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        try "keep me".write(to: destination.appendingPathComponent("notes.txt"), atomically: false, encoding: .utf8)
        #expect(throws: FreqBenchError.self) { try UpstreamFetcher(lock: lock).fetch(from: repository.path, to: destination) }
        #expect(try String(contentsOf: destination.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep me")
    }

    // MARK: Fixture goldens

    @Test("comparison: integers exact, other numbers within tolerance, structure exact, paths named")
    func comparison() throws {
        let tolerance = GoldenTolerance(relative: 1e-9)
        let expected = try JSONParser.parse(#"{"counts": {"dog": 3, "cat": 5}, "bins": [1.0, 2.5], "name": "x"}"#)
        #expect(GoldenComparison(expected: expected, got: expected, tolerance: tolerance).matches)
        let close = try JSONParser.parse(#"{"counts": {"dog": 3, "cat": 5}, "bins": [1.0000000001, 2.5], "name": "x"}"#)
        let closeComparison = GoldenComparison(expected: expected, got: close, tolerance: tolerance)
        #expect(closeComparison.matches)
        #expect(closeComparison.maximumRelativeDeviation > 0 && closeComparison.maximumRelativeDeviation < 1e-9)
        let off = try JSONParser.parse(#"{"counts": {"dog": 4, "cat": 5}, "bins": [1.1, 2.5, 3.0], "name": "y"}"#)
        let offComparison = GoldenComparison(expected: expected, got: off, tolerance: GoldenTolerance(relative: 0.5))
        #expect(offComparison.differences.map(\.path) == ["$[\"counts\"][\"dog\"]", "$[\"bins\"]", "$[\"name\"]"])
        let reordered = try JSONParser.parse(#"{"counts": {"cat": 5, "dog": 3}, "bins": [1.0, 2.5], "name": "x"}"#)
        #expect(GoldenComparison(expected: expected, got: reordered, tolerance: tolerance).differences.first?.got.contains("another order") == true)
    }

    /// A stage over a temporary Fixtures folder: sums and averages `values.json`.
    private static let summingStage = FixtureStage(name: "summing", summary: "sum and mean of values.json") { context in
        let json = try JSONParser.parse(contentsOf: context.fixtures.appendingPathComponent("values.json"))
        let values = (json.arrayValue ?? []).compactMap(\.doubleValue)
        return [
            FixtureStage.Output(name: "total", value: .object(["count": .int(values.count), "sum": .int(Int(values.reduce(0, +)))])),
            FixtureStage.Output(name: "mean", value: .object(["mean": .double(values.reduce(0, +) / Double(max(values.count, 1)))]),
                                tolerance: GoldenTolerance(relative: 1e-12)),
        ]
    }

    private func makeFixtures(_ values: [Double], in directory: URL) throws -> FixturePipeline {
        let fixtures = directory.appendingPathComponent("Fixtures", isDirectory: true)
        try FileManager.default.createDirectory(at: fixtures, withIntermediateDirectories: true)
        try JSONWriter().write(.array(values.map { .double($0) }), to: fixtures.appendingPathComponent("values.json"))
        return FixturePipeline(stages: [GoldenTests.summingStage], fixtures: fixtures)
    }

    private func snapshot(_ directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(atPath: directory.path) else { return files }
        while let path = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let url = directory.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = try Data(contentsOf: url)
            }
        }
        return files
    }

    @Test("update writes goldens with tolerances; verify passes, then fails naming the changed value; diff shows it")
    func updateVerifyDiffCycle() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = GoldenStore(directory: directory.appendingPathComponent("Golden/fixtures", isDirectory: true))
        var pipeline = try makeFixtures([1, 2, 3, 4], in: directory)
        let noCI: [String: String] = [:]
        // Before any golden: skipped off CI, failed on CI.
        let before = try FixtureVerification.checks(runs: pipeline.run(), store: store, environment: noCI)
        #expect(before.map(\.status) == [.skipped, .skipped])
        let onCI = try FixtureVerification.checks(runs: pipeline.run(), store: store, environment: ["CI": "true"])
        #expect(onCI.map(\.status) == [.failed, .failed])
        #expect(onCI.first?.detail.contains("CI never writes goldens") == true)

        let created = try GoldenUpdate.run(pipeline: pipeline, store: store, environment: noCI)
        #expect(created.text.contains("+ summing/total.json: new golden"))
        let golden = try #require(try store.golden(stage: "summing", output: "mean"))
        #expect(golden.tolerance == GoldenTolerance(relative: 1e-12))
        #expect(golden.value["mean"]?.doubleValue == 2.5)
        #expect(try store.golden(stage: "summing", output: "total")?.tolerance == .exact)
        #expect(try FixtureVerification.checks(runs: pipeline.run(), store: store, environment: noCI).allSatisfy { $0.status == .passed })
        #expect(try GoldenDiff(runs: pipeline.run(), store: store).text.hasPrefix("no changes"))

        // A changed input: the count-like integer fails exactly, the mean beyond its tolerance.
        pipeline = try makeFixtures([1, 2, 3, 5], in: directory)
        let after = try FixtureVerification.checks(runs: pipeline.run(), store: store, environment: noCI)
        #expect(after.map(\.status) == [.failed, .failed])
        #expect(after[0].detail.contains("$[\"sum\"]: 10 -> 11"))
        #expect(after[1].detail.contains("$[\"mean\"]: 2.5 -> 2.75"))
        #expect(after[1].deviation == 0.1)
        let diff = try GoldenDiff(runs: pipeline.run(), store: store)
        #expect(diff.text.contains("~ summing/total.json: 1 difference(s) beyond tolerance"))
        #expect(diff.text.contains("$[\"sum\"]: 10 -> 11"))
        // diff wrote nothing.
        #expect(try store.golden(stage: "summing", output: "total")?.value["sum"]?.intValue == 10)
        _ = try GoldenUpdate.run(pipeline: pipeline, store: store, environment: noCI)
        #expect(try FixtureVerification.checks(runs: pipeline.run(), store: store, environment: noCI).allSatisfy { $0.status == .passed })
    }

    @Test("update keeps the bytes of goldens that still match within tolerance, and removes orphaned goldens")
    func updateKeepsMatchingGoldens() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = GoldenStore(directory: directory.appendingPathComponent("Golden/fixtures", isDirectory: true))
        _ = try GoldenUpdate.run(pipeline: try makeFixtures([1, 2, 3, 4], in: directory), store: store, environment: [:])
        let meanURL = store.url(stage: "summing", output: "mean")
        // Hand-edit the golden within tolerance: an update must not rewrite it.
        let edited = try String(contentsOf: meanURL, encoding: .utf8).replacingOccurrences(of: "2.5", with: "2.5000000000000004")
        try edited.write(to: meanURL, atomically: false, encoding: .utf8)
        let orphan = store.url(stage: "summing", output: "orphan")
        try String(contentsOf: meanURL, encoding: .utf8).write(to: orphan, atomically: false, encoding: .utf8)
        let checks = try FixtureVerification.checks(runs: try makeFixtures([1, 2, 3, 4], in: directory).run(), store: store, environment: [:])
        #expect(checks.first { $0.name == "orphan" }?.status == .failed)
        let diff = try GoldenUpdate.run(pipeline: try makeFixtures([1, 2, 3, 4], in: directory), store: store, environment: [:])
        #expect(diff.text.contains("- summing/orphan.json"))
        #expect(try String(contentsOf: meanURL, encoding: .utf8) == edited)
        #expect(!FileManager.default.fileExists(atPath: orphan.path))
    }

    @Test("an update interrupted mid-way leaves the old goldens intact")
    func interruptedUpdate() throws {
        struct Interrupted: Error {}
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = GoldenStore(directory: directory.appendingPathComponent("Golden/fixtures", isDirectory: true))
        _ = try GoldenUpdate.run(pipeline: try makeFixtures([1, 2, 3, 4], in: directory), store: store, environment: [:])
        let old = try snapshot(store.directory)
        #expect(old.count == 2)
        let changed = try makeFixtures([10, 20, 30, 40], in: directory)
        // Killed after the first new golden file was staged.
        #expect(throws: Interrupted.self) {
            try GoldenUpdate.run(pipeline: changed, store: store, environment: [:]) { phase in
                if case .stagedFile = phase { throw Interrupted() }
            }
        }
        #expect(try snapshot(store.directory) == old)
        // Killed between moving the old set aside and moving the new one in.
        #expect(throws: Interrupted.self) {
            try GoldenUpdate.run(pipeline: changed, store: store, environment: [:]) { phase in
                if phase == .movedAside { throw Interrupted() }
            }
        }
        #expect(!FileManager.default.fileExists(atPath: store.directory.path))
        #expect(try store.golden(stage: "summing", output: "total")?.value["sum"]?.intValue == 10)   // recovered on read
        #expect(try snapshot(store.directory) == old)
        // Leftovers of the interrupted updates are cleaned up; a completed update lands whole.
        _ = try GoldenUpdate.run(pipeline: changed, store: store, environment: [:])
        #expect(try store.golden(stage: "summing", output: "total")?.value["sum"]?.intValue == 100)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.directory.deletingLastPathComponent().path)
        #expect(leftovers == ["fixtures"])
    }

    @Test("update refuses on CI, on a failing stage, and on the repository's goldens from the test runner")
    func updateRefusals() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = GoldenStore(directory: directory.appendingPathComponent("Golden/fixtures", isDirectory: true))
        let pipeline = try makeFixtures([1, 2], in: directory)
        #expect {
            try GoldenUpdate.run(pipeline: pipeline, store: store, environment: ["CI": "1"])
        } throws: { "\($0)".contains("refusing to update goldens on CI") }
        #expect(!FileManager.default.fileExists(atPath: store.directory.path))

        let failing = FixturePipeline(stages: [FixtureStage(name: "broken", summary: "always fails") { _ in
            throw FreqBenchError("fixture input missing", file: "Fixtures/broken.json")
        }], fixtures: directory)
        #expect {
            try GoldenUpdate.run(pipeline: failing, store: store, environment: [:])
        } throws: { "\($0)".contains("stage broken failed, nothing was written") && "\($0)".contains("Fixtures/broken.json") }
        let checks = try FixtureVerification.checks(runs: failing.run(), store: store, environment: [:])
        #expect(checks.map(\.status) == [.failed])
        #expect(checks.first?.detail.contains("fixture input missing") == true)

        // The failing stage guarantees nothing could be written even if the guard were broken.
        #expect {
            try GoldenUpdate.run(pipeline: failing, store: GoldenStore(), environment: [:])
        } throws: { "\($0)".contains("from the test runner") }
    }

    @Test("update writes a stage's independent reference; verify then checks the engine against it")
    func referenceGoldens() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = GoldenStore(directory: directory.appendingPathComponent("Golden/fixtures", isDirectory: true))
        let tolerance = GoldenTolerance(relative: 1e-9)
        func stage(engineValue: Double) -> FixtureStage {
            FixtureStage(name: "ratio", summary: "a ratio", reference: { _ in
                [FixtureStage.Output(name: "ratio", value: .object(["value": .double(1.0 / 3.0)]), tolerance: tolerance)]
            }, run: { _ in
                [FixtureStage.Output(name: "ratio", value: .object(["value": .double(engineValue)]), tolerance: tolerance)]
            })
        }
        let agreeing = FixturePipeline(stages: [stage(engineValue: 0.3333333333333333)], fixtures: directory)
        let disagreeing = FixturePipeline(stages: [stage(engineValue: 0.34)], fixtures: directory)
        _ = try GoldenUpdate.run(pipeline: disagreeing, store: store, environment: [:])
        #expect(try store.golden(stage: "ratio", output: "ratio")?.value["value"]?.doubleValue == 1.0 / 3.0)
        #expect(try FixtureVerification.checks(runs: disagreeing.run(), store: store, environment: [:]).map(\.status) == [.failed])
        #expect(try FixtureVerification.checks(runs: agreeing.run(), store: store, environment: [:]).map(\.status) == [.passed])
    }

    @Test("the registered Fixtures pipeline matches the committed goldens (made by the independent reference)")
    func committedFixtureGoldens() throws {
        let checks = try FixtureVerification.checks(runs: FixturePipeline().run(), store: GoldenStore(), environment: ["CI": "1"])
        let analysis = checks.filter { $0.suite == "fixtures.analysis" }
        #expect(analysis.map(\.name).sorted() == ["figure-RN50", "figure-ViT-B-16", "fit-RN50", "fit-ViT-B-16"])
        // The compare-only stages check every golden of their reference generators.
        let imageGoldens = try FileManager.default.contentsOfDirectory(atPath: DataPaths.repositoryRoot.appendingPathComponent("Golden/image").path)
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
        #expect(imageGoldens.count == 51)
        #expect(checks.filter { $0.suite == "fixtures.image" }.map(\.name).sorted() == imageGoldens)
        #expect(checks.filter { $0.suite == "fixtures.eval" }.map(\.name).sorted() == ["retrieval_fixture", "zeroshot_fixture"])
        for check in checks {
            #expect(check.status == .passed, "\(check.suite)/\(check.name): \(check.got) \(check.detail)")
        }
    }

    @Test("a compare-only stage fails on an altered golden, and golden update never writes its goldens")
    func compareOnlyGoldens() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let manager = FileManager.default
        let copies = directory.appendingPathComponent("Golden", isDirectory: true)
        try manager.createDirectory(at: copies, withIntermediateDirectories: true)
        var stages: [FixtureStage] = []
        for stage in [FixtureStage.image, .eval] {
            let folder = try #require(stage.compareOnlyGoldens)
            let copy = copies.appendingPathComponent(folder.lastPathComponent, isDirectory: true)
            try manager.copyItem(at: folder, to: copy)
            var moved = stage
            moved.compareOnlyGoldens = copy
            stages.append(moved)
        }
        // One count in an image golden, one recall in the zero-shot golden.
        let counts = copies.appendingPathComponent("image/fixture_float16_rampp0.5_search_counts.json")
        var countsJSON = try #require(try JSONParser.parse(contentsOf: counts).objectValue)
        let concept = try #require(countsJSON.keys.first)
        countsJSON[concept] = .int((countsJSON[concept]?.intValue ?? 0) + 1)
        try JSONWriter(indent: 4).string(.object(countsJSON)).write(to: counts, atomically: false, encoding: .utf8)
        let zeroShot = copies.appendingPathComponent("eval/zeroshot_fixture.json")
        var zeroShotJSON = try #require(try JSONParser.parse(contentsOf: zeroShot).objectValue)
        zeroShotJSON["mean_per_class_recall"] = .double((zeroShotJSON["mean_per_class_recall"]?.doubleValue ?? 0) + 1e-9)
        try JSONWriter(indent: 1).string(.object(zeroShotJSON)).write(to: zeroShot, atomically: false, encoding: .utf8)
        let alteredBytes = try Data(contentsOf: counts)

        let pipeline = FixturePipeline(stages: stages)
        let store = GoldenStore(directory: copies.appendingPathComponent("fixtures", isDirectory: true))
        let checks = try FixtureVerification.checks(runs: pipeline.run(), store: store, environment: [:])
        let failed = checks.filter { $0.status != .passed }
        #expect(failed.map { "\($0.suite)/\($0.name)" }.sorted() == ["fixtures.eval/zeroshot_fixture", "fixtures.image/fixture_float16_rampp0.5_search_counts"])
        #expect(failed.allSatisfy { $0.status == .failed })
        #expect(failed.contains { $0.detail.contains("mean_per_class_recall") })
        #expect(failed.allSatisfy { $0.got == "1 difference(s)" })
        #expect(checks.count == 53)

        let diff = try GoldenUpdate.run(pipeline: pipeline, store: store, environment: [:])
        #expect(diff.entries.filter(\.isChange).count == 2)
        #expect(diff.text.contains("compare-only"))
        #expect(try Data(contentsOf: counts) == alteredBytes)
        #expect(!manager.fileExists(atPath: store.directory.path))
    }
}
