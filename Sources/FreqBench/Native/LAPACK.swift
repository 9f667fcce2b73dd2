import CCBLAS

/// Double-precision LAPACK routines from OpenBLAS.
public enum LAPACK {
    /// The minimum-norm least-squares solution of A·x ≈ b (LAPACK `dgelsd`), exactly as
    /// `numpy.linalg.lstsq(A, b, rcond=None)` computes it: singular values below
    /// ε·max(rows, columns)·σ_max count as zero.
    ///
    /// - Parameter columns: the columns of A, each of length `b.count`.
    public static func leastSquares(columns: [[Double]], rightHandSide b: [Double]) throws -> [Double] {
        let rowCount = b.count
        guard !columns.isEmpty, columns.allSatisfy({ $0.count == rowCount }), rowCount >= 1 else {
            throw FreqBenchError("least squares: every column must have \(rowCount) rows")
        }
        var m = Int32(rowCount), n = Int32(columns.count), rhsCount: Int32 = 1
        var lda = m, ldb = max(m, n)
        var a = columns.flatMap { $0 }  // column-major
        var rhs = b + [Double](repeating: 0, count: Int(ldb) - rowCount)
        var singularValues = [Double](repeating: 0, count: Int(min(m, n)))
        var rcond = Double.ulpOfOne * Double(max(m, n))
        var rank: Int32 = 0, info: Int32 = 0
        var workSize = 0.0
        var iworkSize: Int32 = 0
        var query: Int32 = -1
        dgelsd_(&m, &n, &rhsCount, &a, &lda, &rhs, &ldb, &singularValues, &rcond, &rank, &workSize, &query, &iworkSize, &info)
        guard info == 0 else { throw FreqBenchError("least squares: LAPACK dgelsd workspace query failed (info \(info))") }
        var lwork = Int32(workSize.rounded(.up))
        var work = [Double](repeating: 0, count: Int(max(lwork, 1)))
        var iwork = [Int32](repeating: 0, count: Int(max(iworkSize, 1)) + 64 * Int(n))
        dgelsd_(&m, &n, &rhsCount, &a, &lda, &rhs, &ldb, &singularValues, &rcond, &rank, &work, &lwork, &iwork, &info)
        guard info == 0 else { throw FreqBenchError("least squares: LAPACK dgelsd failed (info \(info))") }
        return Array(rhs.prefix(columns.count))
    }
}
