import Foundation
import GalleyCore

/// The one-time link that creates the first admin of a new site. Only the token's hash is
/// stored, with its expiry, so that any replica can check it; each replica that starts on a site
/// without users prints its own link, and whichever is used first makes all of them dead.
public enum FirstRunSetup {
    static let settingPrefix = "setup_token:"
    public static let lifetime: TimeInterval = 3600

    /// A new setup link (path and query) when the site has no user yet; nil otherwise.
    public static func issue(store: any Store, at now: Date) async throws -> String? {
        guard try await store.users().isEmpty else { return nil }
        let token = Secret.token()
        let expiry = now.addingTimeInterval(lifetime).millisecondsSince1970
        try await store.setSetting(settingPrefix + Secret.sha256(token), to: String(expiry))
        return "\(AdminPath.setup)?token=\(token)"
    }

    /// Whether `token` is a live setup token of a site that still has no user.
    static func accepts(_ token: String, store: any Store, at now: Date) async throws -> Bool {
        guard !token.isEmpty, let expiry = try await store.setting(settingPrefix + Secret.sha256(token)).flatMap(Int64.init),
              now.millisecondsSince1970 < expiry
        else { return false }
        return try await store.users().isEmpty
    }

    static func consume(_ token: String, store: any Store) async throws {
        try await store.setSetting(settingPrefix + Secret.sha256(token), to: "")
    }
}
