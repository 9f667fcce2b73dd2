import Foundation

/// A progress line on standard error for long work, redrawn at most a few times a second.
///
/// It draws only when stderr is a terminal (or `FREQBENCH_PROGRESS=1`), so logs and CI
/// output stay clean. `finish()` prints the final count and rate.
public final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let total: Int?
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var completed = 0
    private let lock = NSLock()

    public init(_ label: String, total: Int? = nil) {
        self.label = label
        self.total = total
        let forced = ProcessInfo.processInfo.environment["FREQBENCH_PROGRESS"]
        self.enabled = forced == "1" || (forced != "0" && isatty(2) == 1)
    }

    /// Records `count` more units of work done.
    public func advance(by count: Int = 1) {
        lock.lock(); defer { lock.unlock() }
        completed += count
        let now = Date()
        if enabled, now.timeIntervalSince(lastDraw) > 0.2 {
            lastDraw = now
            draw(now: now, final: false)
        }
    }

    /// Draws the final state and ends the line.
    public func finish() {
        lock.lock(); defer { lock.unlock() }
        if enabled { draw(now: Date(), final: true) }
    }

    private func draw(now: Date, final: Bool) {
        let elapsed = max(now.timeIntervalSince(start), 1e-9)
        let rate = Double(completed) / elapsed
        var line = "\r\(label): \(completed)"
        if let total, total > 0 {
            let fraction = min(1, Double(completed) / Double(total))
            let width = 24
            let filled = Int(fraction * Double(width))
            line += "/\(total) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
        }
        line += String(format: " %.0f/s %.1fs", rate, elapsed)
        FileHandle.standardError.write(Data((line + (final ? "\n" : "")).utf8))
    }
}
