import CCBLAS

/// Single-precision matrix products through OpenBLAS (row-major).
public enum BLAS {
    /// c[m×n] = alpha · a[m×k] · op(b) + beta · c, where op(b) is b[k×n] or, if `transposeB`, b[n×k]ᵀ.
    ///
    /// With `beta` 0 and one OpenBLAS thread, `c` is zeroed here (a vectorized memset) and
    /// OpenBLAS accumulates into it with beta 1: the same floats as OpenBLAS's own beta-0
    /// pass, which zeroes `c` with scalar stores and took ~2 % of the builtin annotator's
    /// time. With more threads OpenBLAS's pass runs on all of them, so it is kept.
    ///
    /// `lda` and `ldc` are the distances between rows of `a` and `c` (default: `k` and `n`,
    /// packed rows), so that a product can read rows out of, and write into, wider records.
    public static func sgemm(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, transposeB: Bool = false, alpha: Float = 1, beta: Float = 0,
        lda: Int? = nil, ldc: Int? = nil
    ) {
        let lda = lda ?? k, ldc = ldc ?? n
        precondition(lda >= k && ldc >= n, "BLAS.sgemm: a row stride is shorter than its row")
        var beta = beta
        if beta == 0 && threads == 1 {
            if ldc == n {
                c.update(repeating: 0, count: m * n)
            } else {
                for row in 0..<m { (c + row * ldc).update(repeating: 0, count: n) }
            }
            beta = 1
        }
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha,
            a, blasint(lda), b, blasint(transposeB ? k : n), beta, c, blasint(ldc))
    }

    /// Convenience over arrays: returns a[m×k] · b[k×n] (or b[n×k]ᵀ when `transposeB`).
    public static func multiply(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeB: Bool = false) -> [Float] {
        precondition(a.count == m * k && b.count == k * n, "BLAS.multiply: shapes do not match")
        var c = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    if let x = pa.baseAddress, let y = pb.baseAddress, let z = pc.baseAddress {
                        sgemm(x, y, z, m: m, n: n, k: k, transposeB: transposeB)
                    }
                }
            }
        }
        return c
    }

    /// OpenBLAS threads used by each call.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }

    /// Runs `body` with OpenBLAS limited to `count` threads, then restores the previous count.
    ///
    /// Use it for work that must not wake OpenBLAS's thread pool: after a multithreaded call
    /// its idle threads spin (yielding) for about 0.1 s, which takes a core from other threads.
    public static func withThreads<Result>(_ count: Int, _ body: () throws -> Result) rethrows -> Result {
        let saved = threads
        threads = count
        defer { threads = saved }
        return try body()
    }

    /// OpenBLAS build configuration, e.g. "OpenBLAS 0.3.21 ... Cooperlake".
    public static var configuration: String { String(cString: openblas_get_config()) }
}
