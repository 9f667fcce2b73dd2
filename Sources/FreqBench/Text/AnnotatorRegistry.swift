/// The annotators by command-line name. To add one, add its factory to `factories`.
public enum AnnotatorRegistry {
    /// Makes an annotator from the options.
    public typealias Factory = @Sendable (AnnotatorOptions) throws -> any Annotator

    /// Name -> factory of every annotator.
    static let factories: [String: Factory] = [
        "spacy": { options in try SpacyAnnotator(workers: options.workers, batchSize: options.batchSize ?? 1000) },
        "builtin": { options in try BuiltinAnnotator(threads: options.workers) },
        "builtin-exact": { options in try BuiltinAnnotator(threads: options.workers, exact: true) },
        // clip-beyond-tail's tokens and WordNet noun lemmas (every token), for search text --method beyond-tail.
        "wordnet": { options in try WordNetAnnotator(threads: options.workers) },
    ]

    /// The annotator used when none is named: `builtin` (spaCy's noun lemmas without Python;
    /// identical noun sets for 99.99 % of CC3M-val captions, see ARCHITECTURE.md).
    public static let defaultName = "builtin"

    /// The names of all annotators, sorted.
    public static var names: [String] { factories.keys.sorted() }

    /// Makes the annotator called `name` with default options.
    public static func make(_ name: String) throws -> any Annotator {
        try make(name, options: AnnotatorOptions())
    }

    /// Makes the annotator called `name`; throws for an unknown name, listing the known ones.
    public static func make(_ name: String, options: AnnotatorOptions) throws -> any Annotator {
        guard let factory = factories[name] else {
            throw FreqBenchError("unknown annotator \"\(name)\" (expected one of: \(names.joined(separator: ", ")))")
        }
        return try factory(options)
    }
}
