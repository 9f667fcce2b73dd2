/// A list of class names together with the file (and dataset, key or model entry) it came from,
/// so that two lists that must describe the same classes can be compared with an error that
/// names both sources.
///
/// Class lists meet wherever a result depends on class indices read from two places: a features
/// file's `classnames` and a catalog (CLIP_benchmark `en_classnames.json`, clip-rocket
/// `labels.json`, the class order of an upstream result file), a `--classnames` file and a
/// catalog, the entries of one upstream result file, a new result merged into an existing file,
/// and the `<dataset>.h5` of successive checkpoints. They agree when they have the same count and
/// the same name at every index. The one mapping allowed: a class given as a list of synonyms
/// (clip-rocket's `labels.json`) matches any of its synonyms.
public struct ClassNameSource: Sendable, Equatable {
    /// Class names in class-index order.
    public let names: [String]
    /// The accepted names of each class (clip-rocket synonym lists), or nil: the name only.
    public let synonyms: [[String]]?
    /// The file the names were read from.
    public let file: String
    /// Where in the file: "dataset classnames", "\"pets\"", "model backboneRN50_pretrainedcc3m".
    public let location: String?

    public init(names: [String], synonyms: [[String]]? = nil, file: String, location: String? = nil) {
        self.names = names
        self.synonyms = synonyms
        self.file = file
        self.location = location
    }

    /// "file (location)", as the source is named in messages.
    public var label: String { location.map { "\(file) (\($0))" } ?? file }

    /// Throws unless `other` lists the same classes in the same order; the error names both
    /// sources and, for a name mismatch, the first differing index and both names.
    public func requireAgreement(with other: ClassNameSource) throws {
        guard names.count == other.names.count else {
            throw FreqBenchError(
                "class lists disagree: \(names.count) classes here, but \(other.names.count) in \(other.label)",
                file: file, location: location)
        }
        guard let index = names.indices.first(where: { !matches(other, at: $0) }) else { return }
        throw FreqBenchError(
            "class lists disagree at index \(index): \"\(names[index])\" here, but \"\(other.names[index])\" in \(other.label)",
            file: file, location: location)
    }

    /// The names class `index` may be called by.
    private func accepted(at index: Int) -> [String] {
        synonyms.map { $0[index] } ?? [names[index]]
    }

    private func matches(_ other: ClassNameSource, at index: Int) -> Bool {
        let mine = accepted(at: index)
        let theirs = other.accepted(at: index)
        return mine.contains { theirs.contains($0) }
    }
}
