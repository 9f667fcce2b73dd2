import CMalloc

/// glibc malloc settings for a process that does bulk work in large temporary buffers.
///
/// By default glibc serves blocks over a moving threshold (128 KiB at first) with fresh
/// `mmap`s and trims freed memory at the top of each heap back to the kernel, so a buffer of
/// a few MiB allocated per batch (the builtin annotator's per-chunk activations) is
/// page-faulted in again, page by page, every time. `forBulkWork()` keeps blocks up to
/// 32 MiB in the heap and freed heap memory (up to 512 MiB at a heap's top) for reuse. It
/// changes no result, only how often memory goes back to the kernel; the `freqbench`
/// command calls it at start.
public enum AllocatorTuning {
    /// Raises glibc's mmap and trim thresholds.
    public static func forBulkWork() {
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 512 << 20)
    }
}
