/// One caption of a corpus and its sample id: the 0-based record number in corpus order,
/// counted across all files of the corpus (as upstream numbers samples).
public struct CorpusRecord: Sendable, Equatable {
    public var id: Int
    public var caption: String
    /// The record's own id in the corpus (`CorpusOptions.idColumn`), when asked for.
    public var sourceID: String?
    /// More captions of the same sample (clip-rocket's images): the record's terms are the
    /// union of all its captions' terms.
    public var additionalCaptions: [String]

    public init(id: Int, caption: String, sourceID: String? = nil, additionalCaptions: [String] = []) {
        self.id = id
        self.caption = caption
        self.sourceID = sourceID
        self.additionalCaptions = additionalCaptions
    }

    /// Every caption of the record.
    public var captions: [String] { [caption] + additionalCaptions }
}
