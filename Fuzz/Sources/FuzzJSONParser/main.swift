import FreqBench
import Foundation
import FuzzSupport

/// Any bytes: a value or an error. A value must write, parse back and write again to the
/// same bytes. The same bytes as a concept list: a list or an error.
func fuzzJSONParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    let concepts = FuzzScratch.write(input, to: "concepts.json")
    _ = try? ConceptList.read(concepts)
    guard let value = try? JSONParser.parse(Data(input), source: "fuzz input") else { return 0 }
    let first = FuzzScratch.directory.appendingPathComponent("first.json")
    let second = FuzzScratch.directory.appendingPathComponent("second.json")
    do {
        let writer = JSONWriter(indent: 1)
        try writer.write(value, to: first)
        try writer.write(try JSONParser.parse(contentsOf: first), to: second)
        guard try Data(contentsOf: first) == Data(contentsOf: second) else {
            fatalError("a parsed value does not write, parse and write again to the same bytes")
        }
    } catch {
        fatalError("a parsed value cannot be written and parsed again: \(error)")
    }
    return 0
}

/// libFuzzer's own `main`, where the linker takes it instead of this target's, calls this.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzJSONParser(data, size) }

runFuzzer(fuzzJSONParser)
