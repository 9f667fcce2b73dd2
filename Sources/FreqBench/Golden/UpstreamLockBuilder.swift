import Foundation

/// Builds an `UpstreamLock` from a local copy of the upstream data (`freqbench golden lock`):
/// computes the SHA-256 of every data file itself and checks each against the copy's
/// `MANIFEST.tsv` (path, bytes, sha256) where the manifest lists it.
///
/// Every regular file below the copy's top-level folders is locked; top-level files
/// (`MANIFEST.tsv`, `README.md`) describe the copy and are not data. Files under
/// `derivedFolders` go to the lock's `derived` section (figure JSON converted from
/// `notebooks/plots/*.pkl` records that pickle as `derived_from`).
public struct UpstreamLockBuilder: Sendable {
    /// Folders of the shared copy that are not verbatim upstream blobs.
    public static let standardDerivedFolders = ["figures", "templates"]

    public var derivedFolders: [String]

    public init(derivedFolders: [String] = UpstreamLockBuilder.standardDerivedFolders) {
        self.derivedFolders = derivedFolders
    }

    /// The lock of the copy at `upstream`. `repository` and `commit` default to the manifest's
    /// `# upstream: URL commit SHA` header line.
    public func build(upstream: URL, repository: String? = nil, commit: String? = nil) throws -> UpstreamLock {
        let manifestURL = upstream.appendingPathComponent("MANIFEST.tsv")
        let manifest = FileManager.default.fileExists(atPath: manifestURL.path) ? try UpstreamManifest.read(from: manifestURL) : nil
        guard let repository = repository ?? manifest?.repository else {
            throw FreqBenchError("no repository given and no \"# upstream: URL commit SHA\" line in MANIFEST.tsv (pass --repository)", file: upstream.path)
        }
        guard let commit = (commit ?? manifest?.commit)?.lowercased(), commit.count == 40, commit.allSatisfy(\.isHexDigit) else {
            throw FreqBenchError("no commit (40 hex digits) given and none in MANIFEST.tsv (pass --commit)", file: upstream.path)
        }
        var files: [UpstreamLock.Entry] = []
        var derived: [UpstreamLock.Entry] = []
        var seen = Set<String>()
        for path in try dataFiles(under: upstream) {
            let data: Data
            do { data = try Data(contentsOf: upstream.appendingPathComponent(path)) } catch {
                throw FreqBenchError("cannot read: \(error.localizedDescription)", file: upstream.appendingPathComponent(path).path)
            }
            let digest = SHA256.hex(of: data)
            if let listed = manifest?.entries[path] {
                guard listed.bytes == data.count, listed.sha256 == digest else {
                    throw FreqBenchError("differs from MANIFEST.tsv: manifest says \(listed.bytes) bytes, sha256 \(listed.sha256); the file has \(data.count) bytes, sha256 \(digest)", file: upstream.appendingPathComponent(path).path)
                }
            }
            seen.insert(path)
            let folder = path.split(separator: "/").first.map(String.init) ?? ""
            if derivedFolders.contains(folder) {
                var source: String?
                if folder == "figures", path.hasSuffix(".json") {
                    source = "notebooks/plots/" + String(path.dropFirst("figures/".count).dropLast(".json".count)) + ".pkl"
                }
                derived.append(UpstreamLock.Entry(path: path, bytes: data.count, sha256: digest, derivedFrom: source))
            } else {
                files.append(UpstreamLock.Entry(path: path, bytes: data.count, sha256: digest))
            }
        }
        if let manifest {
            let missing = manifest.entries.keys.filter { !seen.contains($0) }.sorted()
            if let first = missing.first {
                throw FreqBenchError("\(missing.count) file(s) listed in MANIFEST.tsv are missing from the copy, first: \(first)", file: upstream.path)
            }
        }
        guard !files.isEmpty else { throw FreqBenchError("no upstream data files found", file: upstream.path) }
        return UpstreamLock(repository: repository, commit: commit, files: files, derived: derived)
    }

    /// Relative paths of the regular files below the top-level folders of `root`, sorted.
    private func dataFiles(under root: URL) throws -> [String] {
        let manager = FileManager.default
        let folders = try manager.contentsOfDirectory(atPath: root.path).filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".") && manager.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        var paths: [String] = []
        for folder in folders {
            guard let walker = manager.enumerator(atPath: root.appendingPathComponent(folder).path) else { continue }
            while let relative = walker.nextObject() as? String {
                let path = folder + "/" + relative
                var isDirectory: ObjCBool = false
                if manager.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
                    paths.append(path)
                }
            }
        }
        return paths.sorted()
    }
}
