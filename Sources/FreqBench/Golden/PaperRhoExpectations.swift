/// The ρ values of the paper's plots (upstream README §4.4, §4.5 with §6, §4.6): the
/// expectations of the `paper.rho` checks. Values are r of the released figure files.
public enum PaperRhoExpectations {
    static let searchTypes = [("image", "rampp0.7"), ("text", "lemmatized"), ("integrated", "integrated_rampp0.7")]
    static let olderLaionCounts = "laion400m text and image figures were made from older laion400m counts than the released ones (upstream README §5, §6)"

    /// §4.5 / §6: the zero-shot log-linear plots (image, text, integrated).
    public static let zeroShot: [PlotRhoExpectation] = {
        // (pretraining, prompt, models, per search type: [(shown, r)])
        typealias Row = (shown: String, r: Double)
        let table: [(String, String, [String], [[Row]])] = [
            ("cc3m", "ensemble", ["RN50", "ViT-B-16"], [
                [("0.98**", 0.976700), ("0.97**", 0.974984)],
                [("0.93**", 0.934469), ("0.93**", 0.927109)],
                [("0.96**", 0.961475), ("0.97**", 0.969860)]]),
            ("cc12m", "ensemble", ["RN50", "ViT-B-16"], [
                [("0.97**", 0.974857), ("0.98**", 0.975953)],
                [("0.96**", 0.956803), ("0.96**", 0.955443)],
                [("0.94**", 0.943491), ("0.92**", 0.923107)]]),
            ("yfcc15m", "ensemble", ["RN50", "RN101", "ViT-B-16"], [
                [("0.82**", 0.817095), ("0.94**", 0.944565), ("0.95**", 0.948915)],
                [("0.93**", 0.928149), ("0.96**", 0.962294), ("0.93**", 0.930358)],
                [("0.94**", 0.941453), ("0.96**", 0.959094), ("0.97**", 0.974715)]]),
            ("laion400m", "ensemble", ["ViT-B-32", "ViT-B-16", "ViT-L-14"], [
                [("0.96**", 0.960184), ("0.96**", 0.957603), ("0.94**", 0.941357)],
                [("0.95**", 0.946263), ("0.94**", 0.944173), ("0.91**", 0.906210)],
                [("0.99**", 0.985842), ("0.98**", 0.976038), ("0.94**", 0.944074)]]),
            ("synthci30m", "class", ["ViT-B-16"], [[("0.93**", 0.929722)], [("0.89**", 0.893612)], [("0.82**", 0.816573)]]),
        ]
        // §6: r over [2:-1] that the released laion400m counts give (text, image).
        let laionReleased: [String: [Double]] = ["image": [0.9615, 0.9590, 0.9409], "text": [0.9020, 0.9112, 0.8003]]
        var expectations: [PlotRhoExpectation] = []
        for (pretraining, prompt, models, rows) in table {
            for ((searchName, countType), row) in zip(searchTypes, rows) {
                for (index, (model, entry)) in zip(models, row).enumerated() {
                    let released = pretraining == "laion400m" ? laionReleased[searchName]?[index] : nil
                    expectations.append(PlotRhoExpectation(
                        plot: "zero-shot/\(pretraining)/\(searchName)/\(prompt)", countType: countType, prompt: prompt,
                        pretraining: pretraining, model: model, slice: .zeroShotPlot(pretraining: pretraining),
                        shown: entry.shown, value: entry.r, decimals: 6,
                        releasedCountsValue: released, deviationReason: released == nil ? nil : olderLaionCounts))
                }
            }
        }
        expectations.append(PlotRhoExpectation(
            plot: "zero-shot/laion200m_train_test_sim_normalized/image/class", countType: "rampp0.7", prompt: "class",
            pretraining: "laion200m_train_test_sim_normalized", model: "ViT-B-32", slice: .interior,
            shown: "0.97**", value: 0.974437, decimals: 6, pValue: 1.81e-6))
        return expectations
    }()

    /// §4.6: the RAM++ threshold plots (class prompt, image search at 0.5, 0.6, 0.7).
    public static let thresholds: [PlotRhoExpectation] = {
        let table: [(String, [String], [(String, [(Double, Double?)])])] = [
            ("cc3m", ["RN50", "ViT-B-16"], [
                ("rampp0.5", [(0.9406, nil), (0.9319, nil)]), ("rampp0.6", [(0.9564, nil), (0.9595, nil)]),
                ("rampp0.7", [(0.9751, nil), (0.9723, nil)])]),
            ("cc12m", ["RN50", "ViT-B-16"], [
                ("rampp0.5", [(0.9329, nil), (0.9437, nil)]), ("rampp0.6", [(0.9551, nil), (0.9423, nil)]),
                ("rampp0.7", [(0.9746, nil), (0.9510, nil)])]),
            ("laion400m", ["ViT-B-32", "ViT-B-16", "ViT-L-14"], [
                ("rampp0.5", [(0.7600, 0.0175), (0.5724, 0.107), (0.0701, 0.858)]),
                ("rampp0.6", [(0.8660, nil), (0.5544, nil), (0.5788, nil)]),
                ("rampp0.7", [(0.9462, nil), (0.9053, nil), (0.8714, nil)])]),
            ("yfcc15m", ["RN50", "RN101", "ViT-B-16"], [
                ("rampp0.5", [(0.6120, 0.060), (0.4949, 0.146), (0.6783, 0.031)]),
                ("rampp0.6", [(0.9373, nil), (0.9373, nil), (0.9337, nil)]),
                ("rampp0.7", [(0.8185, nil), (0.8932, nil), (0.9213, nil)])]),
        ]
        var expectations: [PlotRhoExpectation] = []
        for (pretraining, models, rows) in table {
            for (countType, values) in rows {
                for (model, (value, p)) in zip(models, values) {
                    let differs = pretraining == "laion400m" && countType == "rampp0.7"
                    expectations.append(PlotRhoExpectation(
                        plot: "zero-shot-thresholds/\(pretraining)/\(countType)/class", countType: countType, prompt: "class",
                        pretraining: pretraining, model: model, slice: .zeroShotPlot(pretraining: pretraining),
                        shown: nil, value: value, decimals: 4, pValue: p,
                        deviationReason: differs ? "laion400m rampp0.7 figures were made from older laion400m counts than the released ones (upstream README §5)" : nil))
                }
            }
        }
        return expectations
    }()

    /// §4.4: retrieval plots read off the saved images (last four bins).
    public static let retrieval: [PlotRhoExpectation] = {
        // The cc3m legends were documented without their significance marks: values only.
        let rows: [(String, String, String, String, String?, Double, Double?)] = [
            ("cc3m", "rampp0.7", "t2i_k=1", "RN50", nil, 0.9889, nil),
            ("cc3m", "rampp0.7", "t2i_k=1", "ViT-B-16", nil, 0.9675, nil),
            ("cc12m", "lemmatized", "i2t_k=5", "RN50", "0.95", 0.9489, 0.0511),
            ("cc12m", "lemmatized", "i2t_k=5", "ViT-B-16", "0.96**", 0.9584, 0.0416),
            ("laion400m", "integrated_rampp0.7", "i2t_k=1", "ViT-B-32", "0.99**", 0.9869, nil),
            ("laion400m", "integrated_rampp0.7", "i2t_k=1", "ViT-B-16", "0.99**", 0.9943, nil),
            ("laion400m", "integrated_rampp0.7", "i2t_k=1", "ViT-L-14", "0.94", 0.9364, 0.064),
        ]
        let searchName = ["rampp0.7": "image", "lemmatized": "text", "integrated_rampp0.7": "integrated"]
        return rows.map { pretraining, countType, metric, model, shown, value, p in
            PlotRhoExpectation(plot: "retrieval/\(pretraining)/\(searchName[countType] ?? countType)/\(metric)", kind: .retrieval,
                               countType: countType, prompt: metric, pretraining: pretraining, model: model, slice: .lastFour,
                               shown: shown, value: value, decimals: 4, pValue: p)
        }
    }()

    public static let all = zeroShot + thresholds + retrieval
}
