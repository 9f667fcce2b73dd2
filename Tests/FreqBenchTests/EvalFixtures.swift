import Foundation
@testable import FreqBench

/// Paths to the committed evaluation fixtures and goldens (Fixtures/eval, Golden/eval).
enum EvalFixtures {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
    static func fixture(_ name: String) -> URL { root.appendingPathComponent("Fixtures/eval/\(name)") }
    static func golden(_ name: String) throws -> JSONValue { try JSONParser.parse(contentsOf: root.appendingPathComponent("Golden/eval/\(name)")) }

    /// A golden number array (nested arrays flattened).
    static func floats(_ value: JSONValue?) -> [Double] {
        guard let value else { return [] }
        if let items = value.arrayValue { return items.flatMap { floats($0) } }
        return value.doubleValue.map { [$0] } ?? []
    }
}
