import Foundation
import GalleyCore

/// What `galley user` does, beside the web admin: every rule about passwords in one place.
public struct UserAdministration: Sendable {
    let store: any Store
    let clock: @Sendable () -> Date

    public init(store: any Store, clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.clock = clock
    }

    public func add(email: String, name: String, role: Role, password: String) async throws -> User {
        try User.validate(email: email, name: name, password: password)
        return try await store.createUser(User(
            email: email, name: name.trimmingCharacters(in: .whitespacesAndNewlines), role: role,
            passwordHash: try await Passwords.hash(password), createdAt: clock()
        ))
    }

    /// Sets a new password; every session of the user ends.
    public func setPassword(email: String, password: String) async throws {
        try User.validate(password: password)
        var user = try await existing(email)
        user.passwordHash = try await Passwords.hash(password)
        try await store.updateUser(user)
    }

    /// Disables (or enables again) a user; disabling ends every session of theirs.
    public func setDisabled(email: String, _ disabled: Bool) async throws {
        var user = try await existing(email)
        user.disabled = disabled
        try await store.updateUser(user)
    }

    public func list() async throws -> [User] {
        try await store.users()
    }

    private func existing(_ email: String) async throws -> User {
        guard let user = try await store.user(email: email) else {
            throw GalleyError.notFound("there is no user with the email \(User.normalizedEmail(email))")
        }
        return user
    }
}
