import Foundation

/// A scratch folder of this fuzzing process (in /dev/shm when there is one: each input is
/// written to a file, since FreqBench's readers read files), removed at exit.
public enum FuzzScratch {
    nonisolated(unsafe) private static var folder: URL?

    /// The scratch folder, made on first use.
    public static var directory: URL {
        if let folder { return folder }
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let url = URL(fileURLWithPath: base).appendingPathComponent("freqbench-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        folder = url
        atexit { if let folder = FuzzScratch.folder { try? FileManager.default.removeItem(at: folder) } }
        return url
    }

    /// Writes `bytes` to `name` in the scratch folder (replacing it) and returns its URL.
    public static func write(_ bytes: UnsafeRawBufferPointer, to name: String) -> URL {
        let url = directory.appendingPathComponent(name)
        let parent = url.deletingLastPathComponent()
        if parent != directory { try? FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true) }
        // Written with POSIX calls: the input is the whole point, so a failure to write it is fatal.
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0, "cannot write the fuzz input to \(url.path)")
        var offset = 0
        while offset < bytes.count, let base = bytes.baseAddress {
            let n = Glibc.write(fd, base + offset, bytes.count - offset)
            precondition(n > 0, "cannot write the fuzz input to \(url.path)")
            offset += n
        }
        close(fd)
        return url
    }
}

/// The bytes libFuzzer hands to `LLVMFuzzerTestOneInput`.
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeRawBufferPointer {
    guard let data, size > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
    return UnsafeRawBufferPointer(start: data, count: size)
}

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// Runs libFuzzer (its command line: corpus folders, `-max_total_time=`, …) on `test`, then exits.
/// (SwiftPM gives an executable its own `main`, so the target calls libFuzzer's driver instead
/// of exporting `LLVMFuzzerTestOneInput` to libFuzzer's `main`.)
public func runFuzzer(_ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, test))
}
