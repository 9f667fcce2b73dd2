import Foundation

/// `MANIFEST.tsv` of a shared upstream copy: `# upstream: URL commit SHA` among its comment
/// lines, a `path<TAB>bytes<TAB>sha256` header, then one line per file.
struct UpstreamManifest: Sendable {
    struct Entry: Sendable {
        var bytes: Int
        var sha256: String
    }

    var repository: String?
    var commit: String?
    var entries: [String: Entry]

    static func read(from url: URL) throws -> UpstreamManifest {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw FreqBenchError("cannot read: \(error.localizedDescription)", file: url.path)
        }
        var manifest = UpstreamManifest(repository: nil, commit: nil, entries: [:])
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let words = line.dropFirst().split(separator: " ")
                if words.first == "upstream:", words.count >= 4, words[2] == "commit" {
                    manifest.repository = String(words[1])
                    manifest.commit = String(words[3])
                }
                continue
            }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            if fields == ["path", "bytes", "sha256"] { continue }
            guard fields.count == 3, let bytes = Int(fields[1]), fields[2].count == 64 else {
                throw FreqBenchError("expected path<TAB>bytes<TAB>sha256", file: url.path, location: "line \(index + 1)")
            }
            manifest.entries[String(fields[0])] = Entry(bytes: bytes, sha256: fields[2].lowercased())
        }
        return manifest
    }
}
