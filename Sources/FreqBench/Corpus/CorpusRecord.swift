/// One caption of a corpus and its sample id: the 0-based record number in corpus order,
/// counted across all files of the corpus (as upstream numbers samples).
public struct CorpusRecord: Sendable, Equatable {
    public var id: Int
    public var caption: String
    /// The record's own id in the corpus (`CorpusOptions.idColumn`), when asked for.
    public var sourceID: String?

    public init(id: Int, caption: String, sourceID: String? = nil) {
        self.id = id
        self.caption = caption
        self.sourceID = sourceID
    }
}
