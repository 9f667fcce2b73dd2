import ArgumentParser

/// `freqbench search`: count concepts in indexes (text, image, integrated) or in a corpus (metaclip).
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Count concepts in text and image indexes, or with MetaCLIP's substring matching in a corpus.",
        subcommands: [
            SearchTextCommand.self,
            SearchImageCommand.self,
            SearchIntegratedCommand.self,
            SearchMetaCLIPCommand.self,
        ]
    )
}
