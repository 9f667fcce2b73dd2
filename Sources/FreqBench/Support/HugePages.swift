import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Asks the kernel to back large, freshly allocated buffers with transparent huge pages (2 MiB),
/// so filling them costs one page fault per 2 MiB instead of one per 4 KiB. Only an advice: where
/// huge pages are off (or on other systems) nothing changes but the speed.
enum HugePages {
    /// The huge page size on x86-64 and arm64 Linux.
    static let size = 2 << 20

    /// Advises huge pages for the whole 2 MiB pages inside `byteCount` bytes from `start`
    /// (memory not yet written to, or the advice only affects later faults).
    static func advise(_ start: UnsafeMutableRawPointer, byteCount: Int) {
        #if os(Linux)
        let first = (Int(bitPattern: start) + size - 1) / size * size
        let end = (Int(bitPattern: start) + byteCount) / size * size
        guard end > first, let aligned = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(aligned, end - first, MADV_HUGEPAGE)
        #endif
    }

    /// Allocates `byteCount` bytes aligned to a huge page, advised for huge pages; free with `deallocate()`.
    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: size)
        advise(pointer, byteCount: byteCount)
        return pointer
    }
}
