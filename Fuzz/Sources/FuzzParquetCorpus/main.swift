import FreqBench
import FuzzSupport

/// Byte 0 picks the options; the rest is a parquet file (read by Apache Arrow through the
/// bridge, which must be built: ci/setup-arrow).
func fuzzParquetCorpus(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    guard let selector = input.first else { return 0 }
    var options = CorpusOptions(format: .parquet)
    options.skipBadRecords = selector & 1 != 0
    options.keepEmpty = selector & 2 != 0
    options.idColumn = selector & 4 != 0 ? "key" : nil
    let file = FuzzScratch.write(UnsafeRawBufferPointer(rebasing: input.dropFirst()), to: "corpus.parquet")
    CorpusRoundTrip.check(file, options: options, shards: Int(selector >> 3) % 3 + 1)
    return 0
}

/// libFuzzer's own `main`, where the linker takes it instead of this target's, calls this.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzParquetCorpus(data, size) }

runFuzzer(fuzzParquetCorpus)
