import Foundation

/// A synonyms file of `search text --method beyond-tail --synonyms FILE`: a JSON object whose
/// values, in file order, are the concepts' templates, paired with the concepts by position
/// (clip-beyond-tail's `descriptors_imagenet_synset.json`: synset id -> synonym list). A value
/// is a list of strings (each one alternative) or a string (split like a class name).
public enum BeyondTailSynonyms {
    /// The templates in `url`; there must be exactly `conceptCount` of them (upstream's
    /// `zip` would silently drop the extra concepts or synonyms).
    public static func read(_ url: URL, conceptCount: Int) throws -> [BeyondTailConcept.Template] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw FreqBenchError("cannot read the synonyms file: \(error.localizedDescription)", file: url.path)
        }
        let value = try JSONParser.parse(try ConceptList.utf8WithoutByteOrderMark(data, file: url.path), source: url.path)
        guard let object = value.objectValue else {
            throw FreqBenchError("expected a JSON object whose values are the concepts' synonym lists", file: url.path)
        }
        guard object.count == conceptCount else {
            throw FreqBenchError("\(object.count) synonym entries for \(conceptCount) concepts: the synonyms file must have "
                + "one value per concept, in the same order", file: url.path)
        }
        return try object.values.enumerated().map { index, value in
            if let text = value.stringValue { return .name(text) }
            if let items = value.arrayValue {
                let strings = items.compactMap(\.stringValue)
                if strings.count == items.count { return .synonyms(strings) }
            }
            throw FreqBenchError("value \(index) (key \(JSONWriter().string(.string(object.keys[index])))) is neither a string "
                + "nor a list of strings", file: url.path)
        }
    }
}
