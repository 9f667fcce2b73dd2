import Foundation

/// Writes files so that readers never see a half-written one.
///
/// Content goes to a temporary file next to the destination and is renamed into place
/// only when complete, so a killed process leaves either the old file or the new one.
public enum AtomicFile {
    /// Writes `data` to `url` atomically, creating parent directories as needed.
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = temporaryURL(for: url)
        do {
            try data.write(to: temporary)
            try replace(url, with: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw FreqBenchError("cannot write: \(error.localizedDescription)", file: url.path)
        }
    }

    /// Writes a UTF-8 string to `url` atomically.
    public static func write(_ string: String, to url: URL) throws {
        try write(Data(string.utf8), to: url)
    }

    /// A unique temporary path beside `url`, in the same directory (so rename is atomic).
    public static func temporaryURL(for url: URL) -> URL {
        let name = ".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        return url.deletingLastPathComponent().appendingPathComponent(name)
    }

    /// Renames `temporary` onto `url`, replacing a file or directory already there.
    public static func replace(_ url: URL, with temporary: URL) throws {
        if rename(temporary.path, url.path) == 0 { return }
        // rename(2) cannot replace a non-empty directory: move the old one aside first.
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            let old = temporaryURL(for: url)
            try FileManager.default.moveItem(at: url, to: old)
            do {
                try FileManager.default.moveItem(at: temporary, to: url)
            } catch {
                try? FileManager.default.moveItem(at: old, to: url)
                throw error
            }
            try? FileManager.default.removeItem(at: old)
            return
        }
        throw FreqBenchError("cannot rename \(temporary.path) into place: \(String(cString: strerror(errno)))", file: url.path)
    }
}
