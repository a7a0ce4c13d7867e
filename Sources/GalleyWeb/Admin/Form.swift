import Foundation
import GalleyCore
import Hummingbird

/// The fields of an `application/x-www-form-urlencoded` body.
struct Form: Sendable {
    /// The forms people fill in by hand: sign-in, setup, settings, users, two-factor codes.
    /// Small, because some of them are open to anyone.
    static let smallLimit = 64 << 10
    /// The editor's forms carry a post's source, which can be long; nothing an author types
    /// comes near this.
    static let postLimit = 4 << 20

    private(set) var fields: [String: String] = [:]

    init(_ fields: [String: String]) {
        self.fields = fields
    }

    init(encoded text: String) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { continue }
            fields[name] = parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""
        }
    }

    /// Reads the form of a request that nothing reads after.
    static func read(_ request: Request, limit: Int = smallLimit) async throws -> Form {
        var request = request
        return try await read(&request, limit: limit)
    }

    /// Reads the request's form, keeping the body on the request for whoever reads it next. A
    /// body over `limit` is a 413, whether its length was announced, streamed in chunks, or
    /// already read by someone with a higher limit.
    static func read(_ request: inout Request, limit: Int = smallLimit) async throws -> Form {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            throw GalleyError(.invalidInput, "send this form as application/x-www-form-urlencoded")
        }
        let tooLarge = GalleyError(.tooLarge, "this form can be at most \(AdminFormats.size(limit)); it was larger")
        let body = try await request.collectBody(upTo: limit, orThrow: tooLarge)
        return Form(encoded: String(buffer: body))
    }

    subscript(_ name: String) -> String? { fields[name] }

    /// The field, with line endings made `\n` (browsers send `\r\n` from a textarea) and
    /// without NUL (see ``Swift/String/replacingNUL``).
    func text(_ name: String) -> String {
        (fields[name] ?? "").replacingOccurrences(of: "\r\n", with: "\n").replacingNUL
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
