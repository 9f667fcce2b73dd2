import Foundation
@testable import FreqBench

/// One opened copy of ../shared/upstream shared by the Analysis, Figures and Verify suites, so
/// each released file is parsed once per test run (the data is read-only).
enum UpstreamFixture {
    private static let data = UpstreamData(root: DataPaths.upstream)

    /// The shared upstream data; records an issue and throws when ../shared/upstream is absent.
    static func shared() throws -> UpstreamData {
        _ = try SharedData.upstream("search_counts")
        return data
    }
}
