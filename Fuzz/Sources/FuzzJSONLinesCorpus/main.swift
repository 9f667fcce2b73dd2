import FreqBench
import FuzzSupport

/// Byte 0 picks the options; the rest is the file.
func fuzzJSONLinesCorpus(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    guard let selector = input.first else { return 0 }
    var options = CorpusOptions(format: .jsonl)
    options.skipBadRecords = selector & 1 != 0
    options.captionColumn = selector & 2 != 0 ? "text" : nil
    let file = FuzzScratch.write(UnsafeRawBufferPointer(rebasing: input.dropFirst()), to: "corpus.jsonl")
    CorpusRoundTrip.check(file, options: options, shards: Int(selector >> 2) % 4 + 1)
    return 0
}

/// libFuzzer's own `main`, where the linker takes it instead of this target's, calls this.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzJSONLinesCorpus(data, size) }

runFuzzer(fuzzJSONLinesCorpus)
