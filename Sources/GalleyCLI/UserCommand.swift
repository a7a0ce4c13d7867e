import ArgumentParser
import Foundation
import GalleyCore
import GalleyWeb

#if canImport(Glibc)
import Glibc
#endif

/// `galley user …`: accounts from the command line. Passwords are read from a prompt (or
/// standard input when it is not a terminal), never from an argument, which `ps` would show.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Add, list and disable the people who write on the blog.",
        subcommands: [Add.self, Passwd.self, List.self, Disable.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user; the password is asked for.")

        @Option(help: "Their email address, which they sign in with.") var email: String
        @Option(help: "Their name, as the admin shows it.") var name: String
        @Option(help: "admin, editor or author.") var role: String = "author"
        @OptionGroup var dataOptions: DataOptions

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("--role must be admin, editor or author, got '\(role)'") }
            let password = try PasswordPrompt.read(confirm: true)
            try await dataOptions.withStore { store in
                let user = try await UserAdministration(store: store).add(email: email, name: name, role: role, password: password)
                print("Added \(user.email) (\(user.role.rawValue)), user \(user.id).")
            }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a user's password; their sessions end.")

        @Option(help: "The user's email address.") var email: String
        @OptionGroup var dataOptions: DataOptions

        func run() async throws {
            let password = try PasswordPrompt.read(confirm: true)
            try await dataOptions.withStore { store in
                try await UserAdministration(store: store).setPassword(email: email, password: password)
                print("Password changed; \(User.normalizedEmail(email)) must sign in again.")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every user.")

        @OptionGroup var dataOptions: DataOptions

        func run() async throws {
            try await dataOptions.withStore { store in
                let users = try await UserAdministration(store: store).list()
                if users.isEmpty { print("No users yet. `galley serve` prints a link that creates the first admin.") }
                for user in users {
                    let flags = [user.disabled ? "disabled" : nil, user.totpSecret != nil ? "2fa" : nil].compactMap { $0 }
                    print("\(user.id)\t\(user.email)\t\(user.role.rawValue)\t\(user.name)" + (flags.isEmpty ? "" : "\t" + flags.joined(separator: ",")))
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user (their sessions end), or enable them again.")

        @Option(help: "The user's email address.") var email: String
        @Flag(help: "Enable the user again instead.") var enable = false
        @OptionGroup var dataOptions: DataOptions

        func run() async throws {
            try await dataOptions.withStore { store in
                try await UserAdministration(store: store).setDisabled(email: email, !enable)
                print(enable ? "Enabled \(User.normalizedEmail(email))." : "Disabled \(User.normalizedEmail(email)); their sessions ended.")
            }
        }
    }
}

enum PasswordPrompt {
    /// From the terminal without echo, asked twice; or one line of standard input.
    static func read(confirm: Bool) throws -> String {
        guard isatty(STDIN_FILENO) == 1 else {
            guard let line = readLine(strippingNewline: true) else { throw ValidationError("no password on standard input") }
            return line
        }
        let first = try prompt("Password (at least \(User.minimumPasswordLength) characters): ")
        if confirm, try prompt("Password again: ") != first { throw ValidationError("the two passwords differ") }
        return first
    }

    private static func prompt(_ text: String) throws -> String {
        FileHandle.standardError.write(Data(text.utf8))
        var original = termios()
        tcgetattr(STDIN_FILENO, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(strippingNewline: true) else { throw ValidationError("no password given") }
        return line
    }
}

extension DataOptions {
    /// Opens the database, runs `body`, and closes it whatever happens.
    func withStore(_ body: (any Store) async throws -> Void) async throws {
        try await openStore().store.closing { try await body($0) }
    }
}
