import ArgumentParser

/// `freqbench concepts`: concept extraction for downstream test sets.
struct ConceptsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concepts",
        abstract: "Extract the concepts of downstream test sets.",
        subcommands: [
            ConceptsRetrievalCommand.self,
        ]
    )
}
