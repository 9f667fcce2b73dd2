/// How query words become index terms (upstream's two text count types).
public enum TextSearchMethod: String, CaseIterable, Sendable {
    /// Each word is replaced by the annotator's query term (the lemma of its last token).
    case lemmatized
    /// Words are looked up as they are (lowercased by the query split).
    case lowercased
}
