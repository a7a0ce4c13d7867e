import Foundation
import GalleyCore

/// Random tokens and their hashes, for sessions, CSRF and one-time links.
enum Secret {
    /// 256 random bits from the system's cryptographic generator, base64url without padding.
    static func token(bytes count: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Lowercase hex SHA-256.
    static func sha256(_ bytes: some DataProtocol) -> String {
        Media.sha256(of: bytes)
    }

    static func sha256(_ text: String) -> String {
        sha256(Data(text.utf8))
    }

    /// Compares without leaking, through timing, how much of the two matched.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
