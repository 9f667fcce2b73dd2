/// An error that FreqBench reports to its user: where it happened and what was expected.
///
/// Every message names the file and, where there is one, the line, record or member,
/// so that bad input can be found and fixed without reading the source.
public struct FreqBenchError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, in one sentence a user can act on.
    public var message: String
    /// The file the error is about, if any.
    public var file: String?
    /// Where in the file: "line 12", "record 7", "member 000123.txt", "dataset probs".
    public var location: String?

    public init(_ message: String, file: String? = nil, location: String? = nil) {
        self.message = message
        self.file = file
        self.location = location
    }

    public var description: String {
        switch (file, location) {
        case let (file?, location?): return "\(file): \(location): \(message)"
        case let (file?, nil): return "\(file): \(message)"
        case let (nil, location?): return "\(location): \(message)"
        case (nil, nil): return message
        }
    }
}
