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
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        let commit = String(repeating: "1", count: 40)
        var manifest = "# upstream: https://example.invalid/up commit \(commit)\npath\tbytes\tsha256\n"
        for (path, content) in files.sorted(by: { $0.key < $1.key }) {
            manifest += "\(path)\t\(content.utf8.count)\t\(SHA256.hex(of: Data(content.utf8)))\n"
        }
        try manifest.write(to: directory.appendingPathComponent("MANIFEST.tsv"), atomically: true, encoding: .utf8)
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
        try "{\"dog\": 4}\n".write(to: directory.appendingPathComponent("search_counts/a_cc3m_lemmatized_search_counts.json"), atomically: true, encoding: .utf8)
        #expect {
            try UpstreamLockBuilder().build(upstream: directory)
        } throws: { error in
            "\(error)".contains("a_cc3m_lemmatized_search_counts.json") && "\(error)".contains("differs from MANIFEST.tsv")
        }
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
        try "keep me".write(to: destination.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        #expect(throws: FreqBenchError.self) { try UpstreamFetcher(lock: lock).fetch(from: repository.path, to: destination) }
        #expect(try String(contentsOf: destination.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep me")
    }
}
