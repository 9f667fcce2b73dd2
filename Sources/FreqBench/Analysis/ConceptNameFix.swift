/// Renames applied to result-file concept keys before joining them with count keys
/// (upstream README §1.1): cifar10 results say `plane` where the counts say `airplane`.
public enum ConceptNameFix {
    /// The renames for `dataset`, result key → count key.
    public static func renames(for dataset: String) -> [String: String] {
        dataset == "cifar10" ? ["plane": "airplane"] : [:]
    }
}
