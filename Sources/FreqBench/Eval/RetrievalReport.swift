import Collections
import Foundation

/// The upstream-shaped retrieval results: `full` recall and `conceptwise` recall per concept.
public enum RetrievalReport {
    /// The k values upstream reported.
    public static let defaultKs = [1, 5, 10]

    /// The entry for one direction and k: `full` = fraction of correct queries; `conceptwise` =
    /// mean correctness over the captions (t2i) or images (i2t) carrying the concept, nil when none do.
    public static func entry(_ outcome: RetrievalOutcome, direction: RetrievalDirection, k: Int,
                             concepts: RetrievalConcepts) -> EvaluationResultEntry {
        let correct = outcome.correct(direction, k: k)
        let map = direction == .textToImage ? concepts.captionsByConcept : concepts.imagesByConcept
        var conceptwise = OrderedDictionary<String, Double?>()
        for (concept, indices) in map {
            conceptwise[concept] = indices.isEmpty ? nil : Double(indices.filter { correct[$0] }.count) / Double(indices.count)
        }
        let full = correct.isEmpty ? nil : Double(correct.filter { $0 }.count) / Double(correct.count)
        return EvaluationResultEntry(full: full, breakdown: conceptwise)
    }

    /// The file name upstream used: `NAME_{t2i,i2t}_k={k}_results.json`.
    public static func fileName(dataset: String, direction: RetrievalDirection, k: Int) -> String {
        "\(dataset)_\(direction.rawValue)_k=\(k)_results.json"
    }

    /// Merges this model's entries into the six files in `directory`; returns the files written.
    @discardableResult
    public static func write(_ outcome: RetrievalOutcome, concepts: RetrievalConcepts, dataset: String, modelKey: String,
                             ks: [Int] = defaultKs, into directory: URL) throws -> [URL] {
        var written = [URL]()
        for direction in [RetrievalDirection.textToImage, .imageToText] {
            for k in ks {
                let url = directory.appendingPathComponent(fileName(dataset: dataset, direction: direction, k: k))
                try EvaluationResultsFile.merge(entry(outcome, direction: direction, k: k, concepts: concepts),
                                                modelKey: modelKey, kind: .conceptwise, into: url)
                written.append(url)
            }
        }
        return written
    }

    /// A CLIP_benchmark-shaped result (`task` `zeroshot_retrieval`; metrics
    /// `image_retrieval_recall@k` = t2i and `text_retrieval_recall@k` = i2t, fractions), with
    /// the model key and provenance under `freqbench`.
    public static func clipBenchmark(_ outcome: RetrievalOutcome, dataset: String, modelKey: String,
                                     ks: [Int] = defaultKs, provenance: Provenance) -> JSONValue {
        let key = ModelKey(parsing: modelKey)
        var metrics = [(String, JSONValue)]()
        for k in ks {
            for (name, direction) in [("image_retrieval_recall", RetrievalDirection.textToImage), ("text_retrieval_recall", .imageToText)] {
                let correct = outcome.correct(direction, k: k)
                metrics.append(("\(name)@\(k)", correct.isEmpty ? .null : .double(Double(correct.filter { $0 }.count) / Double(correct.count))))
            }
        }
        return .object([
            "dataset": .string(dataset), "model": .string(key.backbone), "pretrained": .string(key.pretrained),
            "task": .string("zeroshot_retrieval"), "metrics": .object(.init(uniqueKeysWithValues: metrics)), "language": .string("en"),
            "freqbench": .object(["model_key": .string(modelKey), "provenance": provenance.json]),
        ])
    }
}
