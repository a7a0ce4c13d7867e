import ArgumentParser

/// `galley`: the blog engine's one binary.
public struct GalleyCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "galley",
        abstract: "A self-hosted blog engine for technical writing.",
        subcommands: [
            ServeCommand.self, ImportCommand.self, ExportCommand.self, MigrateCommand.self, UserCommand.self, DBCommand.self, BackupCommand.self,
            RestoreCommand.self, RenderCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )

    public init() {}
}

extension GalleyCommand {
    /// Parses the process's arguments and runs the command: `main.swift`'s one line. Named apart
    /// from ArgumentParser's overloaded `main()`, which top-level code would resolve to the
    /// synchronous variant.
    public static func runFromCommandLine() async {
        await main(nil)
    }
}
