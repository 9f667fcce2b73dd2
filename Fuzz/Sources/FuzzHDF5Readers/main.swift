import FreqBench
import Foundation
import FuzzSupport

/// The input is an HDF5 file, read as each of FreqBench's HDF5 inputs: tag probabilities
/// (ids and a block of probabilities), zero-shot features and retrieval features. Each read
/// gives values or an error.
func fuzzHDF5Readers(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let file = FuzzScratch.write(fuzzInput(data, size), to: "input.h5")
    if let tags = try? TagProbabilities.open(file) {
        let rows = 0..<min(tags.sampleCount, 64)
        _ = try? tags.readSampleIDs(rows)
        let bytes = rows.count * tags.tags.count * tags.precision.byteWidth
        if bytes <= 1 << 24 {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes, 1), alignment: 16)
            defer { buffer.deallocate() }
            _ = try? tags.readProbabilityBits(rows, into: buffer)
        }
    }
    _ = try? ZeroShotFeatures.readHDF5(file)
    _ = try? RetrievalFeatures.readHDF5(file)
    return 0
}

/// libFuzzer's own `main`, where the linker takes it instead of this target's, calls this.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzHDF5Readers(data, size) }

runFuzzer(fuzzHDF5Readers)
