import Foundation
import Testing
@testable import FreqBench

@Suite("Order-preserving JSON")
struct JSONTests {
    @Test("object keys keep their file order")
    func keyOrder() throws {
        let value = try JSONParser.parse(#"{"zebra": 1, "apple": 2, "mango": {"b": 1, "a": 2}}"#)
        #expect(value.objectValue.map { Array($0.keys) } == ["zebra", "apple", "mango"])
        #expect(value["mango"]?.objectValue.map { Array($0.keys) } == ["b", "a"])
    }

    @Test("numbers keep their text; Python's NaN reads as nan")
    func numbers() throws {
        let value = try JSONParser.parse(#"[12345678901234567, 0.1, -2.5e-3, NaN, -Infinity]"#)
        let items = try #require(value.arrayValue)
        #expect(items[0].intValue == 12345678901234567)
        #expect(items[1].doubleValue == 0.1)
        #expect(items[2].doubleValue == -0.0025)
        #expect(items[3].doubleValue?.isNaN == true)
        #expect(items[4].doubleValue == -.infinity)
    }

    @Test("errors name the source and line")
    func errors() {
        #expect {
            try JSONParser.parse("{\n  \"a\": 1,\n  \"b\" 2\n}", source: "x.json")
        } throws: { error in
            (error as? FreqBenchError)?.description == "x.json: line 3, column 7: invalid JSON: expected ':'"
        }
    }

    @Test("doubles print as Python's repr", arguments: [
        (0.1, "0.1"), (1e16, "1e+16"), (1e15, "1000000000000000.0"), (1e-05, "1e-05"),
        (0.0001, "0.0001"), (100.0, "100.0"), (-0.0, "-0.0"), (1.2345678901234567e-7, "1.2345678901234566e-07"),
        (Double.leastNonzeroMagnitude, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"), (123456.789, "123456.789"),
    ])
    func pythonRepr(value: Double, expected: String) {
        #expect(JSONNumber.format(value) == expected)
    }

    @Test("writer matches json.dumps separators, indent and ASCII escapes")
    func writer() throws {
        let value = try JSONParser.parse(#"{"a": [1, 2], "é": "x\"y", "n": {}}"#)
        #expect(JSONWriter().string(value) == #"{"a": [1, 2], "\u00e9": "x\"y", "n": {}}"#)
        #expect(JSONWriter(indent: 2).string(value) == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"\\u00e9\": \"x\\\"y\",\n  \"n\": {}\n}")
    }
}
