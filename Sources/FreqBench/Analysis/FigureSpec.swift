/// One released figure file of the paper: its identity (the name grammar of upstream README
/// §1.7) and the recipe that computes it from search counts and results (§3, §4).
public struct FigureSpec: Sendable, Equatable {
    public var kind: FigureKind
    /// The counttype as it appears in figure names, e.g. `integrated_rampp0.7`, `lemmatized`, `rampp0.55`.
    public var countType: String
    /// The zero-shot prompt (`simple`, `class`, `ensemble`), retrieval metric (`i2t_k=1`, …) or t2i metric.
    public var prompt: String
    /// The pretraining set, e.g. `cc3m` or `laion200m_train_test_sim_normalized`.
    public var pretraining: String
    /// The `model_` part of the name (a backbone, or a t2i model name).
    public var model: String
    /// The downstream datasets, in concatenation order.
    public var datasets: [String]
    public var binCount: Int
    public var modelKeyRule: ModelKeyRule
    /// The documented variant of the default rules this figure needs, if any (shown in status.tsv).
    public var variant: String?
    /// The documented reason the released figure differs from what the released inputs give.
    public var knownDeviation: KnownUpstreamDeviation?

    public init(kind: FigureKind, countType: String, prompt: String, pretraining: String, model: String,
                datasets: [String], binCount: Int, modelKeyRule: ModelKeyRule, variant: String? = nil) {
        self.kind = kind
        self.countType = countType
        self.prompt = prompt
        self.pretraining = pretraining
        self.model = model
        self.datasets = datasets
        self.binCount = binCount
        self.modelKeyRule = modelKeyRule
        self.variant = variant
        self.knownDeviation = KnownUpstreamDeviation.of(kind: kind, countType: countType, prompt: prompt, pretraining: pretraining)
    }

    /// The released name without extension:
    /// `log-linear-all-datasets-plot-counttype_{CT}_prompttype_{PROMPT}_ptdataset_{PT}_model_{M}{SUFFIX}`.
    public var name: String {
        "log-linear-all-datasets-plot-counttype_\(countType)_prompttype_\(prompt)_ptdataset_\(pretraining)_model_\(model)\(kind.nameSuffix)"
    }

    /// The counttype of the search-count files: figure names say `integrated_rampp0.X` for
    /// the count files' `integrated_tlemmatized_i0.X`.
    public var searchCountType: String {
        if countType.hasPrefix("integrated_rampp") {
            return "integrated_tlemmatized_i" + countType.dropFirst("integrated_rampp".count)
        }
        return countType
    }

    /// The search-count file of one dataset, relative to the upstream folder.
    public func countsPath(dataset: String) -> String {
        "search_counts/\(dataset)_\(pretraining)_\(searchCountType)_search_counts.json"
    }

    /// The result file of one dataset, relative to the upstream folder.
    public func resultsPath(dataset: String) -> String {
        switch kind {
        case .zeroShot: return "zero_shot_evaluations/\(dataset)_\(prompt)_results.json"
        case .retrieval: return "retrieval_evaluations/\(dataset)_\(prompt)_results.json"
        case .textToImage: return "t2i_evaluations/t2i_\(prompt).json"
        }
    }
}
