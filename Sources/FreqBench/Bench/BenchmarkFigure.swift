import Collections

/// One figure a benchmark measured: a named value with its unit and how it was measured.
/// Every `freqbench bench` subcommand prints these, one line each, or as JSON.
public struct BenchmarkFigure: Sendable {
    public var name: String
    public var value: Double
    public var unit: String
    public var detail: String

    public init(name: String, value: Double, unit: String, detail: String) {
        self.name = name
        self.value = value
        self.unit = unit
        self.detail = detail
    }

    /// `name: value unit  (detail)`, the value to `significantDigits`.
    public func line(significantDigits: Int = 4) -> String {
        "\(name): \(String(format: "%.\(significantDigits)g", value)) \(unit)  (\(detail))"
    }

    public var json: JSONValue {
        .object(["name": .string(name), "value": .double(value), "unit": .string(unit), "detail": .string(detail)])
    }

    /// The JSON document of a benchmark run: `fields` (e.g. its size), the figures and the provenance.
    public static func document(_ figures: [BenchmarkFigure], fields: [(String, JSONValue)] = []) -> JSONValue {
        var members = OrderedDictionary<String, JSONValue>()
        for (key, value) in fields { members[key] = value }
        members["figures"] = .array(figures.map(\.json))
        members["provenance"] = Provenance.current().json
        return .object(members)
    }
}
