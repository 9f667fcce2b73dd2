import Foundation

/// How class prompts are formed (upstream's three prompt types).
public enum PromptMode: String, Sendable, CaseIterable {
    /// "A photo of a {c}."
    case simple
    /// The bare class name.
    case `class`
    /// The dataset's template list, embeddings averaged.
    case ensemble
}

/// Class names and prompt templates of one dataset, from one of the catalogs zero-shot
/// evaluation uses:
///
/// - CLIP_benchmark: `en_classnames.json` (dataset → names) and
///   `en_zeroshot_classification_templates.json` (dataset → templates with `{c}`);
/// - clip-rocket (SLIP): `labels.json` (dataset → names, a name may be a list of synonyms, each
///   prompted), `templates.json` (dataset → templates with `{}`), `dataset_catalog.json` (the
///   datasets it knows);
/// - upstream: `templates/ensemble_templates.json` (dataset → templates with `{c}`) and the class
///   order of `zero_shot_evaluations/{dataset}_{prompt}_results.json`.
public struct PromptCatalog: Sendable, Equatable {
    public let dataset: String
    /// Class names in class-index order (for a synonym list, its first name).
    public let classnames: [String]
    /// All names of each class (one, or clip-rocket's synonyms).
    public let synonyms: [[String]]
    /// Ensemble templates, with `{c}` where the class name goes.
    public let templates: [String]
    /// The class names with the file (and key) they were read from, for agreement checks.
    public let classnameSource: ClassNameSource

    /// A catalog from lists in memory; `classnamesFile` and `classnamesLocation` say where the
    /// names were read, for the errors of `check`. Synonym lists must not be empty.
    public init(dataset: String, classnames: [String], synonyms: [[String]]? = nil, templates: [String],
                classnamesFile: String = "<memory>", classnamesLocation: String? = nil) {
        self.dataset = dataset
        self.classnames = classnames
        self.synonyms = synonyms ?? classnames.map { [$0] }
        self.templates = templates
        self.classnameSource = ClassNameSource(names: classnames, synonyms: synonyms, file: classnamesFile, location: classnamesLocation)
    }

    /// The prompts of each class under `mode`: every template × every synonym (template-major,
    /// as clip-rocket orders them).
    public func prompts(_ mode: PromptMode) -> [[String]] {
        let forms: [String]
        switch mode {
        case .simple: forms = ["A photo of a {c}."]
        case .class: forms = ["{c}"]
        case .ensemble: forms = templates
        }
        return synonyms.map { names in
            forms.flatMap { form in names.map { form.replacingOccurrences(of: "{c}", with: $0) } }
        }
    }

    /// Reads CLIP_benchmark's two JSON files from `directory`.
    public static func clipBenchmark(_ directory: URL, dataset: String) throws -> PromptCatalog {
        let names = directory.appendingPathComponent("en_classnames.json")
        let templates = directory.appendingPathComponent("en_zeroshot_classification_templates.json")
        return PromptCatalog(dataset: dataset, classnames: try strings(in: names, key: dataset),
                             templates: try strings(in: templates, key: dataset),
                             classnamesFile: names.path, classnamesLocation: "key \"\(dataset)\"")
    }

    /// Reads clip-rocket's `labels.json`, `templates.json` and (when present) `dataset_catalog.json`.
    public static func clipRocket(_ directory: URL, dataset: String) throws -> PromptCatalog {
        let catalog = directory.appendingPathComponent("dataset_catalog.json")
        if FileManager.default.fileExists(atPath: catalog.path) {
            guard try JSONParser.parse(contentsOf: catalog)[dataset]?.objectValue != nil else {
                throw FreqBenchError("dataset \"\(dataset)\" is not in the catalog", file: catalog.path)
            }
        }
        let labels = directory.appendingPathComponent("labels.json")
        guard let entries = try JSONParser.parse(contentsOf: labels)[dataset]?.arrayValue else {
            throw FreqBenchError("no label list for dataset \"\(dataset)\"", file: labels.path)
        }
        let synonyms: [[String]] = try entries.enumerated().map { index, entry in
            if let name = entry.stringValue { return [name] }
            if let list = entry.arrayValue, !list.isEmpty {
                return try list.map { item in
                    guard let name = item.stringValue else { throw FreqBenchError("label \(index): expected strings", file: labels.path, location: dataset) }
                    return name
                }
            }
            throw FreqBenchError("label \(index): expected a name or a list of names", file: labels.path, location: dataset)
        }
        let templatesURL = directory.appendingPathComponent("templates.json")
        // clip-rocket formats templates with Python's positional `{}`.
        let templates = try strings(in: templatesURL, key: dataset).map { $0.replacingOccurrences(of: "{}", with: "{c}") }
        return PromptCatalog(dataset: dataset, classnames: synonyms.map { $0[0] }, synonyms: synonyms, templates: templates,
                             classnamesFile: labels.path, classnamesLocation: "key \"\(dataset)\"")
    }

    /// Reads upstream's ensemble templates and the class order of its released results; every
    /// model entry of the results file must list the same classes in the same order.
    public static func upstream(_ directory: URL, dataset: String, prompt: PromptMode = .ensemble) throws -> PromptCatalog {
        let templates = directory.appendingPathComponent("templates/ensemble_templates.json")
        let results = directory.appendingPathComponent("zero_shot_evaluations/\(dataset)_\(prompt.rawValue)_results.json")
        let entries = try EvaluationResultsFile.read(results, kind: .classwise)
        guard let (firstKey, first) = entries.elements.first else {
            throw FreqBenchError("no model entries to take the class order from", file: results.path)
        }
        let order = ClassNameSource(names: Array(first.breakdown.keys), file: results.path, location: "model \(firstKey)")
        for (key, entry) in entries.elements.dropFirst() {
            try ClassNameSource(names: Array(entry.breakdown.keys), file: results.path, location: "model \(key)").requireAgreement(with: order)
        }
        return PromptCatalog(dataset: dataset, classnames: order.names, templates: try strings(in: templates, key: dataset),
                             classnamesFile: results.path, classnamesLocation: order.location)
    }

    /// Throws unless `classnames` (e.g. the `classnames` of a features file, read from `file`)
    /// names this catalog's classes in the same order (a synonym of a class counts as its name);
    /// the error names both files, the first differing index and both names.
    public func check(classnames other: [String], file: String, location: String? = nil) throws {
        try check(ClassNameSource(names: other, file: file, location: location))
    }

    /// Throws unless `source` names this catalog's classes in the same order (see `ClassNameSource`).
    public func check(_ source: ClassNameSource) throws {
        try source.requireAgreement(with: classnameSource)
    }

    private static func strings(in url: URL, key: String) throws -> [String] {
        guard let items = try JSONParser.parse(contentsOf: url)[key]?.arrayValue else {
            throw FreqBenchError("no list for dataset \"\(key)\"", file: url.path)
        }
        return try items.enumerated().map { index, item in
            guard let text = item.stringValue else { throw FreqBenchError("item \(index) of \"\(key)\" is not a string", file: url.path) }
            return text
        }
    }
}
