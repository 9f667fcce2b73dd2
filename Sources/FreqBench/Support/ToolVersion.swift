/// The version of FreqBench, recorded in every index header and result file.
public enum ToolVersion {
    public static let current = "0.1.0"
}
