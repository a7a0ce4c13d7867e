import Foundation
import GalleyCore

/// The one-time link that creates the first admin of a new site. Only the token's hash is
/// stored, with its expiry, so that any replica can check it.
public enum FirstRunSetup {
    static let settingKey = "setup_token"
    public static let lifetime: TimeInterval = 3600

    /// A new setup link (path and query) when the site has no user yet; nil otherwise.
    public static func issue(store: any Store, at now: Date) async throws -> String? {
        guard try await store.users().isEmpty else { return nil }
        let token = Secret.token()
        let expiry = now.addingTimeInterval(lifetime).millisecondsSince1970
        try await store.setSetting(settingKey, to: "\(Secret.sha256(token)) \(expiry)")
        return "\(AdminPath.setup)?token=\(token)"
    }

    /// Whether `token` is the live setup token of a site that still has no user.
    static func accepts(_ token: String, store: any Store, at now: Date) async throws -> Bool {
        guard !token.isEmpty, let stored = try await store.setting(settingKey), try await store.users().isEmpty else { return false }
        let parts = stored.split(separator: " ")
        guard parts.count == 2, let expiry = Int64(parts[1]) else { return false }
        return Secret.equal(String(parts[0]), Secret.sha256(token)) && now.millisecondsSince1970 < expiry
    }

    static func consume(store: any Store) async throws {
        try await store.setSetting(settingKey, to: "")
    }
}
