import Foundation

/// Checks a local upstream copy against `Golden/upstream.lock.json` (`freqbench golden check`):
/// one `Check` per top-level folder (suite `upstream.lock`), hashing every locked file present.
///
/// A file whose size or SHA-256 differs fails its folder's check, naming the file; locked files
/// absent from the copy (e.g. the derived figure JSON in a fresh `golden fetch`) make the check
/// skipped with the count, never a silent pass.
public enum UpstreamLockVerification {
    public static func checks(lock: UpstreamLock, upstream: URL) -> [Check] {
        var folders: [String] = []
        var groups: [String: [UpstreamLock.Entry]] = [:]
        for entry in lock.files + lock.derived {
            let folder = entry.path.split(separator: "/").first.map(String.init) ?? entry.path
            if groups[folder] == nil { folders.append(folder) }
            groups[folder, default: []].append(entry)
        }
        return folders.sorted().map { folder in
            let entries = groups[folder] ?? []
            var absent: [String] = []
            var differing: [String] = []
            for entry in entries {
                let url = upstream.appendingPathComponent(entry.path)
                guard let data = FileManager.default.contents(atPath: url.path) else {
                    absent.append(entry.path)
                    continue
                }
                let digest = data.count == entry.bytes ? SHA256.hex(of: data) : "(size \(data.count))"
                if digest != entry.sha256 { differing.append("\(entry.path): \(digest), locked \(entry.sha256)") }
            }
            let matching = entries.count - absent.count - differing.count
            let status: Check.Status = !differing.isEmpty ? .failed : !absent.isEmpty ? .skipped : .passed
            var detail: [String] = []
            if !differing.isEmpty { detail.append("differ from the lock: " + differing.prefix(5).joined(separator: "; ") + (differing.count > 5 ? "; …" : "")) }
            if !absent.isEmpty { detail.append("\(absent.count) absent from \(upstream.path), first \(absent[0])") }
            return Check(suite: "upstream.lock", name: folder, status: status,
                         expected: "\(entries.count) files as locked at \(lock.commit.prefix(12))",
                         got: "\(matching) match, \(differing.count) differ, \(absent.count) absent",
                         detail: detail.joined(separator: "; "))
        }
    }
}
