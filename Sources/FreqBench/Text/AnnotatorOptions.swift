/// Settings an annotator may use when it is made by `AnnotatorRegistry`; each annotator
/// ignores what does not apply to it.
public struct AnnotatorOptions: Sendable {
    /// Worker processes or threads (`nil`: one per core).
    public var workers: Int?
    /// Captions per internal batch (`nil`: the annotator's default).
    public var batchSize: Int?

    public init(workers: Int? = nil, batchSize: Int? = nil) {
        self.workers = workers
        self.batchSize = batchSize
    }
}
