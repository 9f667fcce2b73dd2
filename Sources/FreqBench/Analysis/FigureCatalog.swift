/// Every figure file the paper released (820 names), derived from the notebooks' rules
/// (upstream README §4.1–§4.7): which (counttype, prompt, pretraining, model) combinations
/// exist and how each is computed.
public enum FigureCatalog {
    /// The (pretraining, backbone) pairs the figure notebooks loop over (§2, §4.1).
    public static let modelRuns: [(pretraining: String, model: String)] = [
        ("cc3m", "RN50"), ("cc3m", "ViT-B-16"),
        ("cc12m", "RN50"), ("cc12m", "ViT-B-16"),
        ("yfcc15m", "RN50"), ("yfcc15m", "RN101"), ("yfcc15m", "ViT-B-16"),
        ("synthci30m", "ViT-B-16"),
        ("laion200m_train_test_sim_normalized", "ViT-B-32"),
        ("laion400m", "ViT-B-32"), ("laion400m", "ViT-B-16"), ("laion400m", "ViT-L-14"),
    ]
    /// laion200m has only image (rampp0.7) counts: no text or integrated figures.
    static let imageOnlyPretraining = "laion200m_train_test_sim_normalized"
    public static let zeroShotPrompts = ["class", "ensemble", "simple"]
    public static let retrievalMetrics = ["i2t_k=1", "i2t_k=5", "i2t_k=10", "t2i_k=1", "t2i_k=5", "t2i_k=10"]
    /// The 24 text-to-image models of the t2i figures (the model keys of `t2i_evaluations/*.json`).
    public static let textToImageModels = [
        "AlephAlpha_m-vader", "DeepFloyd_IF-I-L-v1.0", "DeepFloyd_IF-I-M-v1.0", "DeepFloyd_IF-I-XL-v1.0",
        "adobe_giga-gan", "craiyon_dalle-mega", "craiyon_dalle-mini", "huggingface_dreamlike-diffusion-v1-0",
        "huggingface_dreamlike-photoreal-v2-0", "huggingface_openjourney-v1-0", "huggingface_openjourney-v2-0",
        "huggingface_promptist-stable-diffusion-v1-4", "huggingface_redshift-diffusion",
        "huggingface_stable-diffusion-safe-max", "huggingface_stable-diffusion-safe-medium",
        "huggingface_stable-diffusion-safe-strong", "huggingface_stable-diffusion-safe-weak",
        "huggingface_stable-diffusion-v1-4", "huggingface_stable-diffusion-v1-5",
        "huggingface_stable-diffusion-v2-1-base", "huggingface_stable-diffusion-v2-base",
        "huggingface_vintedois-diffusion-v0-1", "kakaobrain_mindall-e", "lexica_search-stable-diffusion-1.5",
    ]
    /// The t2i metrics released per counttype (§4.7).
    public static let textToImageMetrics: [(countType: String, metrics: [String])] = [
        ("integrated_rampp0.7", ["exp_aesthetics", "exp_clip", "exp_lpips", "human_aesthetics", "human_align", "max_aesthetics", "max_clip"]),
        ("rampp0.7", ["exp_aesthetics", "exp_clip", "human_aesthetics", "human_align", "max_aesthetics", "max_clip"]),
        ("lemmatized", ["exp_aesthetics", "exp_clip", "max_aesthetics", "max_clip"]),
    ]
    /// The variant text of the t2i figures.
    public static let textToImageVariant = "t2i: mean score per concept, without the notebook's ≤5-scores filter"

    /// All 820 figures: 208 zero-shot, 204 retrieval, 408 t2i.
    public static let all: [FigureSpec] = zeroShot + retrieval + textToImage

    /// The 208 zero-shot figures (§4.1, §4.2).
    public static let zeroShot: [FigureSpec] = {
        var specs: [FigureSpec] = []
        func standard(_ countType: String, datasets: [String], prompts: [String], pretraining: Set<String>) {
            for prompt in prompts {
                for run in modelRuns where pretraining.contains(run.pretraining) {
                    specs.append(FigureSpec(kind: .zeroShot, countType: countType, prompt: prompt, pretraining: run.pretraining,
                                            model: run.model, datasets: datasets, binCount: FigureBinCount.zeroShot,
                                            modelKeyRule: .firstContainingPretrainingAndModel))
                }
            }
        }
        let allPretraining = Set(modelRuns.map(\.pretraining))
        let textPretraining = allPretraining.subtracting([imageOnlyPretraining])
        standard("integrated_rampp0.7", datasets: PaperDatasetList.zeroShot18, prompts: zeroShotPrompts, pretraining: textPretraining)
        standard("lemmatized", datasets: PaperDatasetList.zeroShot17, prompts: zeroShotPrompts, pretraining: textPretraining)
        standard("lowercased", datasets: PaperDatasetList.zeroShot17, prompts: ["class"], pretraining: ["cc3m", "cc12m", "yfcc15m", "laion400m"])
        standard("lowercased", datasets: PaperDatasetList.zeroShot17, prompts: ["ensemble", "simple"], pretraining: ["cc3m", "cc12m", "laion400m"])
        standard("rampp0.7", datasets: PaperDatasetList.zeroShot18, prompts: zeroShotPrompts, pretraining: allPretraining)
        for countType in ["rampp0.5", "rampp0.6"] {
            standard(countType, datasets: PaperDatasetList.zeroShot18, prompts: zeroShotPrompts, pretraining: ["cc3m", "cc12m", "yfcc15m", "laion400m"])
        }
        // Legacy mislabelled laion400m "RN50" files (§4.2): ViT-B-32/laion400m picked by the older
        // "first key containing PT" rule, 8 bins. The rampp0.7 one follows the default rule and
        // finds no model key (§5 counts it among the files whose inputs are missing).
        for countType in ["rampp0.5", "rampp0.6"] {
            specs.append(FigureSpec(kind: .zeroShot, countType: countType, prompt: "class", pretraining: "laion400m", model: "RN50",
                                    datasets: PaperDatasetList.zeroShot18, binCount: FigureBinCount.thresholdSweep,
                                    modelKeyRule: .firstContainingPretraining,
                                    variant: "legacy laion400m \"RN50\" = ViT-B-32/laion400m (first key containing the PT), 8 bins"))
        }
        specs.append(FigureSpec(kind: .zeroShot, countType: "rampp0.7", prompt: "class", pretraining: "laion400m", model: "RN50",
                                datasets: PaperDatasetList.zeroShot18, binCount: FigureBinCount.zeroShot,
                                modelKeyRule: .firstContainingPretrainingAndModel))
        // Threshold sweeps (§4.2): class prompt, ZS18, 8 bins.
        let sweeps: [(String, [String])] = [
            ("integrated_rampp0.5", ["cc3m", "cc12m", "yfcc15m"]), ("integrated_rampp0.6", ["cc3m", "cc12m"]),
            ("rampp0.55", ["cc3m", "cc12m"]), ("rampp0.65", ["cc3m", "cc12m"]),
        ]
        for (countType, pretraining) in sweeps {
            for run in modelRuns where pretraining.contains(run.pretraining) {
                specs.append(FigureSpec(kind: .zeroShot, countType: countType, prompt: "class", pretraining: run.pretraining,
                                        model: run.model, datasets: PaperDatasetList.zeroShot18, binCount: FigureBinCount.thresholdSweep,
                                        modelKeyRule: .firstContainingPretrainingAndModel, variant: "threshold sweep, 8 bins"))
            }
        }
        return specs
    }()

    /// The 204 retrieval figures (§4.3): coco then flickr, 7 bins.
    public static let retrieval: [FigureSpec] = {
        var specs: [FigureSpec] = []
        for countType in ["integrated_rampp0.7", "lemmatized", "rampp0.7"] {
            for metric in retrievalMetrics {
                for run in modelRuns where countType == "rampp0.7" || run.pretraining != imageOnlyPretraining {
                    specs.append(FigureSpec(kind: .retrieval, countType: countType, prompt: metric, pretraining: run.pretraining,
                                            model: run.model, datasets: PaperDatasetList.retrieval,
                                            binCount: FigureBinCount.retrievalAndTextToImage, modelKeyRule: .firstContainingPretrainingAndModel))
                }
            }
        }
        return specs
    }()

    /// The 408 t2i figures (§4.7): laion_aesthetics counts of the `t2i` concepts, 7 bins.
    public static let textToImage: [FigureSpec] = {
        var specs: [FigureSpec] = []
        for (countType, metrics) in textToImageMetrics {
            for metric in metrics {
                for model in textToImageModels {
                    specs.append(FigureSpec(kind: .textToImage, countType: countType, prompt: metric, pretraining: "laion_aesthetics",
                                            model: model, datasets: PaperDatasetList.textToImage,
                                            binCount: FigureBinCount.retrievalAndTextToImage, modelKeyRule: .exactModelName,
                                            variant: textToImageVariant))
                }
            }
        }
        return specs
    }()
}
