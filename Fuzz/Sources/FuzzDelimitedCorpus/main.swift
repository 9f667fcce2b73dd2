import FreqBench
import FuzzSupport

/// Byte 0 picks the format and options; the rest is the file.
func fuzzDelimitedCorpus(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    guard let selector = input.first else { return 0 }
    let formats: [CorpusFormat] = [.cc3m, .tsv, .csv, .cc12m]
    var options = CorpusOptions(format: formats[Int(selector & 3)])
    options.skipBadRecords = selector & 4 != 0
    options.quoting = selector & 8 != 0 ? .none : .csv
    if options.format == .tsv || options.format == .csv {
        options.captionColumn = selector & 16 != 0 ? "caption" : "1"
    }
    let file = FuzzScratch.write(UnsafeRawBufferPointer(rebasing: input.dropFirst()), to: "corpus.\(options.format.rawValue)")
    CorpusRoundTrip.check(file, options: options, shards: Int(selector >> 5) % 4 + 1)
    return 0
}

/// libFuzzer's own `main`, where the linker takes it instead of this target's, calls this.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzDelimitedCorpus(data, size) }

runFuzzer(fuzzDelimitedCorpus)
