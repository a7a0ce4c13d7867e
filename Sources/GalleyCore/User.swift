import Foundation

/// What a signed-in person may do.
public enum Role: String, Sendable, Codable, CaseIterable {
    /// Everything: every post, the users, the settings.
    case admin
    /// Every post.
    case editor
    /// Their own posts only.
    case author
}

/// Someone who writes on the site. The password is kept only as its bcrypt hash.
public struct User: Sendable, Equatable, Codable {
    public var id: Int64
    public var email: String
    public var name: String
    public var role: Role
    public var passwordHash: String
    public var disabled: Bool
    /// The shared secret of the optional TOTP second factor; nil when it is off.
    public var totpSecret: String?
    /// SHA-256 hashes of the unused recovery codes.
    public var recoveryCodeHashes: [String]
    public var createdAt: Date

    public init(
        id: Int64 = 0, email: String, name: String, role: Role, passwordHash: String, disabled: Bool = false,
        totpSecret: String? = nil, recoveryCodeHashes: [String] = [], createdAt: Date
    ) {
        self.id = id
        self.email = email
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
        self.disabled = disabled
        self.totpSecret = totpSecret
        self.recoveryCodeHashes = recoveryCodeHashes
        self.createdAt = createdAt
    }

    /// Whether this user may change `post`: admins and editors any post, authors their own.
    public func mayEdit(_ post: Post) -> Bool {
        role != .author || post.authorID == id
    }

    public var mayManageSite: Bool { role == .admin }

    /// Email addresses are compared without case and surrounding spaces.
    public static func normalizedEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// Checks what a person chose before it is hashed.
    public static func validate(email: String, name: String, password: String) throws(GalleyError) {
        let email = normalizedEmail(email)
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), email.count <= 254,
              !email.contains(where: \.isWhitespace)
        else {
            throw GalleyError(.invalidInput, "'\(email.prefix(100))' is not an email address")
        }
        guard !name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, name.count <= 100 else {
            throw GalleyError(.invalidInput, "a name is needed, at most 100 characters")
        }
        try validate(password: password)
    }

    public static let minimumPasswordLength = 10
    /// bcrypt reads only the first 72 bytes: a longer password would be cut without a word.
    public static let maximumPasswordBytes = 72

    public static func validate(password: String) throws(GalleyError) {
        guard password.count >= minimumPasswordLength else {
            throw GalleyError(.invalidInput, "a password needs at least \(minimumPasswordLength) characters")
        }
        guard password.utf8.count <= maximumPasswordBytes else {
            throw GalleyError(.invalidInput, "a password can have at most \(maximumPasswordBytes) bytes")
        }
    }
}

/// A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so a copy
/// of the database does not let anyone sign in.
public struct Session: Sendable, Equatable {
    public var tokenHash: String
    public var userID: Int64
    /// The value every state-changing form and fetch of this session must send back.
    public var csrfToken: String
    /// Signed in with a password but the second factor is still to come.
    public var awaitingSecondFactor: Bool
    public var createdAt: Date
    public var lastSeenAt: Date

    public init(tokenHash: String, userID: Int64, csrfToken: String, awaitingSecondFactor: Bool, createdAt: Date, lastSeenAt: Date) {
        self.tokenHash = tokenHash
        self.userID = userID
        self.csrfToken = csrfToken
        self.awaitingSecondFactor = awaitingSecondFactor
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
    }

    /// Sessions end after a week without use, and a month after sign-in whatever happens.
    public static let idleLifetime: TimeInterval = 7 * 24 * 3600
    public static let absoluteLifetime: TimeInterval = 30 * 24 * 3600

    public func isValid(at now: Date) -> Bool {
        now.timeIntervalSince(lastSeenAt) < Self.idleLifetime && now.timeIntervalSince(createdAt) < Self.absoluteLifetime
    }
}
