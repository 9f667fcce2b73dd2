import Foundation

/// Runs a program as a child process (posix_spawn) and measures it: wall time and peak
/// resident memory (`ru_maxrss` from `wait4`, the child's own, whatever ran before it).
/// For benchmarks whose steps must be measured one by one.
public enum ChildProcess {
    /// What one run took.
    public struct Measurement: Sendable {
        public var status: Int32
        public var seconds: Double
        public var peakResidentBytes: Int
    }

    /// Runs `executable` with `arguments` (stdout and stderr to `log`, or inherited) and
    /// waits for it.
    public static func run(_ executable: URL, _ arguments: [String], log: URL? = nil) throws -> Measurement {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let log {
            posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable.path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let start = ContinuousClock.now
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable.path, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw FreqBenchError("cannot start: \(String(cString: strerror(spawned)))", file: executable.path)
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw FreqBenchError("wait4 failed: \(String(cString: strerror(errno)))", file: executable.path) }
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        // WIFEXITED / WEXITSTATUS are macros: exit status in bits 8-15, a signal in the low 7.
        let exitStatus: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Measurement(status: exitStatus, seconds: seconds, peakResidentBytes: Int(usage.ru_maxrss) * 1024)
    }
}
