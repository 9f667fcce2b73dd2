import Foundation
import Testing
@testable import FreqBench

/// The converted en_core_web_sm model, loaded once for all builtin-annotator suites.
/// Fails loudly, naming `ci/setup-builtin`, when the model has not been converted.
enum BuiltinTestModel {
    private static let loaded: Result<BuiltinModel, FreqBenchError> = {
        do { return .success(try BuiltinModel()) } catch let error as FreqBenchError {
            return .failure(error)
        } catch {
            return .failure(FreqBenchError("\(error)"))
        }
    }()

    static func model() throws -> BuiltinModel {
        switch loaded {
        case .success(let model): return model
        case .failure(let error):
            Issue.record("builtin model unavailable: \(error) (run ci/setup-builtin)")
            throw error
        }
    }

    static func annotator(threads: Int = 2) throws -> BuiltinAnnotator {
        BuiltinAnnotator(model: try model(), threads: threads)
    }
}
