/// One token as the builtin annotator analyses it: text, fine-grained tag (Penn Treebank,
/// e.g. `NNS`), universal POS (`NOUN`), morphology (`Number=Plur`) and lemma (`dog`).
public struct AnalyzedToken: Sendable, Equatable {
    public var text: String
    public var tag: String
    public var pos: String
    public var morph: String
    public var lemma: String

    public init(text: String, tag: String, pos: String, morph: String, lemma: String) {
        self.text = text
        self.tag = tag
        self.pos = pos
        self.morph = morph
        self.lemma = lemma
    }

    /// Whether the token counts as a caption term (POS NOUN or PROPN).
    public var isNoun: Bool { pos == "NOUN" || pos == "PROPN" }
}
