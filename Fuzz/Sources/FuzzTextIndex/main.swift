import FreqBench
import Foundation
import FuzzSupport

/// The input is a text index file. Opening, looking terms up and decoding lists either fail
/// with an error or give lists that are sorted, distinct and inside the index's id range;
/// an index that passes `check()` must decode every list.
func fuzzTextIndex(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let file = FuzzScratch.write(fuzzInput(data, size), to: "index/\(TextIndex.fileName)")
    guard let index = try? TextIndex(directory: file.deletingLastPathComponent()) else { return 0 }
    let upper = UInt64(index.header.idRange.upperBound)
    var terms: [String] = []
    for position in 0..<min(index.termCount, 256) {
        guard let (term, list) = try? index.entry(at: position) else { continue }
        terms.append(term)
        guard let ids = try? list.decoded() else { continue }
        for k in ids.indices {
            guard UInt64(ids[k]) < upper, k == 0 || ids[k - 1] < ids[k] else {
                fatalError("list of '\(term)' decoded without an error but is not sorted inside 0..<\(upper)")
            }
        }
    }
    for term in terms + ["dog", "", "zzzz"] { _ = try? index.documentFrequency(of: term) }
    if (try? index.check()) != nil {
        for position in 0..<index.termCount {
            do {
                _ = try index.entry(at: position).postings.decoded()
            } catch {
                fatalError("index passes check() but list \(position) fails: \(error)")
            }
        }
    }
    return 0
}

/// libFuzzer's own `main`, where the linker takes it instead of this target's, calls this.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzTextIndex(data, size) }

runFuzzer(fuzzTextIndex)
