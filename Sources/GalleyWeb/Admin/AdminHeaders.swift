import GalleyMarkdown
import HTTPTypes
import Hummingbird

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
}

/// The headers of every admin response: no script but the admin's own file, no framing, no
/// referrer leaving the site, nothing cached.
enum AdminHeaders {
    static let contentSecurityPolicy = [
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' https: data:", "connect-src 'self'",
        // The editor's preview shows what the post will: its https images and allowed videos.
        "frame-src " + HTMLSanitizer.frameSources.joined(separator: " "),
        "font-src 'self'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'",
    ].joined(separator: "; ")

    static func fields(contentType: String) -> HTTPFields {
        [
            .contentType: contentType,
            .cacheControl: "no-store",
            .contentSecurityPolicy: contentSecurityPolicy,
            .xFrameOptions: "DENY",
            .referrerPolicy: "same-origin",
            .xContentTypeOptions: "nosniff",
        ]
    }
}

extension AdminHeaders {
    /// `headers` with each admin header it does not set itself, but the content type.
    static func adding(to headers: inout HTTPFields) {
        for field in fields(contentType: "") where field.name != .contentType && headers[field.name] == nil {
            headers.append(field)
        }
    }
}

/// Adds the admin's headers to whatever an admin route answers (redirects, JSON, errors).
struct AdminHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        AdminHeaders.adding(to: &response.headers)
        return response
    }
}
