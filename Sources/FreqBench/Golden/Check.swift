/// The outcome of one check of `freqbench verify`: one line of its output, one row of the
/// report tables, one JUnit test case.
public struct Check: Sendable, Equatable {
    /// How a check ended.
    public enum Status: String, Sendable, Equatable, CaseIterable {
        /// Got what was expected (within the recorded tolerance).
        case passed
        /// Got something else: the verdict of `verify` is failure.
        case failed
        /// Differs, as documented upstream (e.g. released figures made from older counts);
        /// reported with its reason, never counted as a pass and never as a failure.
        case expectedDeviation = "expected-deviation"
        /// Could not run because its inputs are absent; the reason says which.
        case skipped
    }

    /// The suite it belongs to, e.g. `paper.figures`, `paper.rho`, `fixtures.text`.
    public var suite: String
    /// A stable name within the suite, e.g. a figure file name or `cc3m/image/RN50`.
    public var name: String
    public var status: Status
    /// What was expected, as shown to a reader.
    public var expected: String
    /// What was computed.
    public var got: String
    /// A numeric deviation (e.g. max relative error), when one applies.
    public var deviation: Double?
    /// Why it failed, deviated or was skipped; the evidence.
    public var detail: String

    public init(suite: String, name: String, status: Status, expected: String = "", got: String = "",
                deviation: Double? = nil, detail: String = "") {
        self.suite = suite
        self.name = name
        self.status = status
        self.expected = expected
        self.got = got
        self.deviation = deviation
        self.detail = detail
    }
}
