import ArgumentParser
import Logging

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create the database or bring its schema up to date.",
        discussion: "`serve` does this by itself at startup; this command is for deployments that migrate first."
    )

    @OptionGroup var dataOptions: DataOptions

    func run() async throws {
        var settings = Settings()
        let folder = dataOptions.folder(&settings)
        try settings.validate()
        Logs.bootstrap(level: .warning)
        let (store, applied) = try await DataOptions.openStore(folder: folder, logger: Logger(label: "galley"))
        try await store.close()
        print(applied.isEmpty ? "The database is up to date." : "Applied migrations \(applied.map(String.init).joined(separator: ", ")).")
    }
}
