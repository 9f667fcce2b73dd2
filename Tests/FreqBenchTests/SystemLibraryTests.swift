import Foundation
import Testing
@testable import FreqBench

/// Each system library is linked and does one real operation.
@Suite("System libraries")
struct SystemLibraryTests {
    @Test("OpenBLAS sgemm multiplies 2×3 by 3×2")
    func sgemm() {
        let product = BLAS.multiply([1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12], m: 2, n: 2, k: 3)
        #expect(product == [58, 64, 139, 154])
    }

    @Test("sgemm reads and writes rows inside wider records (lda, ldc) and leaves the rest alone, on 1 and 2 threads")
    func sgemmStrides() {
        // Two records of 5 floats: [a0 a1 | c0 c1 | x]; c = a · bᵀ with b = [[1, 2], [3, 4]].
        for threads in [1, 2] {
            var records: [Float] = [1, 1, .nan, .nan, 9, 2, 3, .nan, .nan, 9]
            let b: [Float] = [1, 2, 3, 4]
            BLAS.withThreads(threads) {
                records.withUnsafeMutableBufferPointer { r in
                    b.withUnsafeBufferPointer { w in
                        BLAS.sgemm(r.baseAddress!, w.baseAddress!, r.baseAddress! + 2, m: 2, n: 2, k: 2, transposeB: true, lda: 5, ldc: 5)
                    }
                }
            }
            #expect(records == [1, 1, 3, 7, 9, 2, 3, 8, 18, 9], "threads \(threads)")  // beta 0: the NaNs in c are ignored
        }
    }

    @Test("HDF5 writes and reads float32, float16, int64 and strings")
    func hdf5RoundTrip() throws {
        let url = try TemporaryDirectory.make().appendingPathComponent("round.h5")
        do {
            let file = try HDF5File.create(url)
            try file.write("f32", float32: [1.5, -2, 3.25, 4, 5, 6], shape: [2, 3], chunkRows: 1)
            try file.write("f16", float16: [0.5, 0.6000977, 0.7001953], shape: [3])
            try file.write("ids", int64: [7, 8, 9], shape: [3])
            try file.write("tags", strings: ["cat", "hot dog", "café"])
        }
        let file = try HDF5File.open(url)
        let f32 = try file.dataset("f32")
        #expect(f32.shape == [2, 3])
        #expect(f32.elementType == .float32)
        #expect(f32.chunkRows == 1)
        #expect(try f32.readFloat32(rows: 1..<2) == [4, 5, 6])
        let f16 = try file.dataset("f16")
        #expect(f16.elementType == .float16)
        #expect(try f16.readFloat16() == [Float16(0.5), Float16(0.6), Float16(0.7)])
        #expect(try file.dataset("ids").readInt64() == [7, 8, 9])
        #expect(try file.dataset("tags").readStrings() == ["cat", "hot dog", "café"])
        #expect(throws: FreqBenchError.self) { try file.dataset("missing") }
    }

    @Test("libgit2 opens a repository and reads HEAD")
    func libgit2() throws {
        let directory = try TemporaryDirectory.make()
        try GitTestRepository.initialize(at: directory, files: ["a.txt": "hello\n"])
        let repository = try GitRepository.open(directory)
        let head = try #require(try repository.headCommit())
        #expect(head.count == 40)
        #expect(try repository.isDirty() == false)
        try "changed\n".write(to: directory.appendingPathComponent("a.txt"), atomically: false, encoding: .utf8)
        #expect(try repository.isDirty() == true)
    }

    @Test("libtorch multiplies matrices and round-trips a .pt tensor")
    func libtorch() throws {
        #expect(try Torch.matmul([1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12], m: 2, k: 3, n: 2) == [58, 64, 139, 154])
        let url = try TemporaryDirectory.make().appendingPathComponent("t.pt")
        try Torch.writeTensor([1, 2, 3, 4, 5, 6], shape: [3, 2], to: url)
        let tensor = try Torch.readTensor(url)
        #expect(tensor.shape == [3, 2])
        #expect(tensor.values == [1, 2, 3, 4, 5, 6])
        #expect(throws: FreqBenchError.self) { try Torch.readTensor(url.deletingLastPathComponent().appendingPathComponent("none.pt")) }
    }
}
