import Foundation

/// The plain-text report of `freqbench parity`.
public enum ParityReport {
    public static func text(_ parity: AnnotatorParity, reference: AnnotatorIdentity, candidate: AnnotatorIdentity) -> String {
        func percent(_ part: Int, _ whole: Int) -> String {
            String(format: "%.3f %%", whole == 0 ? 100 : 100 * Double(part) / Double(whole))
        }
        var lines: [String] = []
        lines.append("parity: \(candidate) against \(reference) on \(parity.captions) captions")
        lines.append("captions with identical noun sets: \(parity.identicalCaptions) / \(parity.captions) (\(percent(parity.identicalCaptions, parity.captions)))")
        if !parity.conceptLists.isEmpty {
            lines.append("concepts with exact lemmatized counts (each annotator's own index and query lemmas):")
            let width = max(8, parity.conceptLists.map(\.name.count).max() ?? 0)
            var exact = 0, total = 0
            for list in parity.conceptLists {
                exact += list.exact
                total += list.concepts
                let name = list.name.padding(toLength: width, withPad: " ", startingAt: 0)
                lines.append("  \(name)  \(list.exact) / \(list.concepts) (\(percent(list.exact, list.concepts)))  max relative error \(String(format: "%.4f", list.maxRelativeError))")
            }
            lines.append("  \("all".padding(toLength: width, withPad: " ", startingAt: 0))  \(exact) / \(total) (\(percent(exact, total)))")
        }
        if parity.disagreements.isEmpty {
            lines.append("no disagreements")
        } else {
            lines.append("most frequent disagreements (term: captions; which side has it as a noun; builtin tags of its tokens):")
            for item in parity.disagreements {
                let side = item.onlyInReference ? "\(reference.name) noun, \(candidate.name) not" : "\(candidate.name) noun, \(reference.name) not"
                let tags = item.candidateTags.isEmpty ? "no such token" : item.candidateTags.joined(separator: ",")
                lines.append("  \"\(item.term)\": \(item.captions); \(side); \(candidate.name) tags \(tags)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
