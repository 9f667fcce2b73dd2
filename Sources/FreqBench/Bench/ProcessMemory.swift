import Foundation

/// Resident memory of this process (Linux `/proc/self`), for peak-memory figures.
public enum ProcessMemory {
    /// Resets the peak resident set size (`VmHWM`) to the current one; false where the
    /// kernel does not allow it.
    @discardableResult
    public static func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        do { try handle.write(contentsOf: Data("5".utf8)) } catch { return false }
        return true
    }

    /// Peak resident set size in bytes since start or the last `resetPeak()` (`VmHWM`).
    public static var peakResidentBytes: Int? { statusField("VmHWM") }

    /// Current resident set size in bytes (`VmRSS`).
    public static var residentBytes: Int? { statusField("VmRSS") }

    private static func statusField(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kilobytes = Int(fields[1]) { return kilobytes * 1024 }
        }
        return nil
    }
}
