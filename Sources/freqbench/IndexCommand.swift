import ArgumentParser

/// `freqbench index`: build and merge indexes (text: captions → terms; image: tags → samples).
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Build and merge indexes.",
        subcommands: [
            IndexTextCommand.self,
            IndexImageCommand.self,
            IndexMergeCommand.self,
            IndexCheckCommand.self,
        ]
    )
}
