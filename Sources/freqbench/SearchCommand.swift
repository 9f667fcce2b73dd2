import ArgumentParser

/// `freqbench search`: count concepts in indexes.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Count concepts in text and image indexes.",
        subcommands: [
            SearchTextCommand.self,
            SearchImageCommand.self,
            SearchIntegratedCommand.self,
        ]
    )
}
