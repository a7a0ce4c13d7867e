import ArgumentParser

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create the database or bring its schema up to date.",
        discussion: "`serve` does this by itself at startup; this command is for deployments that migrate first."
    )

    @OptionGroup var dataOptions: DataOptions

    func run() async throws {
        let (store, applied) = try await dataOptions.openStore()
        try await store.close()
        print(applied.isEmpty ? "The database is up to date." : "Applied migrations \(applied.map(String.init).joined(separator: ", ")).")
    }
}
