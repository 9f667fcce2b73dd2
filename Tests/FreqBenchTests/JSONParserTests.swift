import Foundation
import Testing
@testable import FreqBench

/// JSON strings: ASCII, escapes and raw UTF-8 decode to the same text; bytes that are not
/// UTF-8 are an error.
@Suite("JSON parser strings")
struct JSONParserTests {
    private func string(_ bytes: [UInt8]) throws -> String? {
        try JSONParser.parse(Data(#"{"s": ""#.utf8 + bytes + #""}"#.utf8))["s"]?.stringValue
    }

    @Test("ASCII, escapes, raw UTF-8 and surrogate pairs")
    func decoding() throws {
        #expect(try string(Array("plain ascii".utf8)) == "plain ascii")
        #expect(try string(Array(#"a\"b\\c\/d\n\t"#.utf8)) == "a\"b\\c/d\n\t")
        #expect(try string(Array(#"caf\u00e9"#.utf8)) == "café")
        #expect(try string(Array("café".utf8)) == "café")
        #expect(try string(Array(#"\ud83d\ude00 x"#.utf8)) == "😀 x")
        #expect(try string(Array(#"\u0041"#.utf8)) == "A")
    }

    @Test("bytes that are not UTF-8 are refused")
    func invalidUTF8() {
        #expect(throws: FreqBenchError.self) { try string([0x61, 0xFF, 0x62]) }
        #expect(throws: FreqBenchError.self) { try string([0xC3]) }
    }
}
