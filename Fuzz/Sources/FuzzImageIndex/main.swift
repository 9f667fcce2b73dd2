import FreqBench
import Foundation
import FuzzSupport

/// The input is an image index file. Opening and reading postings either fail with an error
/// or give ascending ids (distinct unless the index allows repeated ids); an index that
/// passes `check()` must read every list.
func fuzzImageIndex(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let file = FuzzScratch.write(fuzzInput(data, size), to: "index/\(ImageIndex.fileName)")
    guard let index = try? ImageIndex.open(file.deletingLastPathComponent()) else { return 0 }
    let checked = (try? index.check()) != nil
    for t in index.thresholds.indices {
        for j in index.tags.indices.prefix(64) {
            let ids: [UInt32]
            do {
                ids = try index.postings(threshold: t, tag: j)
            } catch {
                if checked { fatalError("index passes check() but list (\(t), \(j)) fails: \(error)") }
                continue
            }
            for k in ids.indices {
                guard k == 0 || ids[k - 1] < ids[k] || (index.duplicateIDsAllowed && ids[k - 1] == ids[k]) else {
                    fatalError("list (\(t), \(j)) read without an error but is not ascending")
                }
            }
            _ = index.postingCount(threshold: t, tag: j)
        }
    }
    _ = index.column(of: "dog")
    return 0
}

/// libFuzzer's own `main`, where the linker takes it instead of this target's, calls this.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzImageIndex(data, size) }

runFuzzer(fuzzImageIndex)
