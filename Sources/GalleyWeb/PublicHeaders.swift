import GalleyMarkdown
import HTTPTypes
import Hummingbird

/// The headers every public answer carries, defined once: stored with each cached page (so the
/// raw fast path sends them too) and added to every other public answer by
/// ``PublicHeadersMiddleware``. Public pages need no script at all, may not be framed
/// (clickjacking), show images from the site and https, frames only from the video hosts the
/// sanitizer lets a post embed, and send only the origin to other sites.
enum PublicHeaders {
    static let contentSecurityPolicy = [
        "default-src 'none'", "style-src 'self'", "img-src 'self' https: data:", "font-src 'self'",
        // The video hosts a post's sanitized HTML may embed, and no other frame.
        "frame-src " + HTMLSanitizer.frameSources.joined(separator: " "),
        "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'",
    ].joined(separator: "; ")

    /// HSTS only when the site's public address is https: sent over plain HTTP it would lock a
    /// laptop's browser out of `http://127.0.0.1`.
    static func fields(site: SiteConfiguration) -> HTTPFields {
        var fields: HTTPFields = [
            .contentSecurityPolicy: contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
            .referrerPolicy: "strict-origin-when-cross-origin",
            .xFrameOptions: "DENY",
        ]
        if site.baseURL.lowercased().hasPrefix("https://") { fields[.strictTransportSecurity] = hsts }
        return fields
    }

    static let hsts = "max-age=31536000"

    /// `headers` with each public header it does not set itself.
    static func adding(to headers: inout HTTPFields, site: SiteConfiguration) {
        for field in fields(site: site) where headers[field.name] == nil {
            headers.append(field)
        }
    }
}

/// Adds ``PublicHeaders`` to every answer that has not set them (errors, search, health checks,
/// media, redirects); the admin's stricter ones, set inside, are kept, and an address under
/// `/admin` that no route answers gets the admin's too.
struct PublicHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let site: SiteConfiguration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if request.uri.path == "/admin" || request.uri.path.hasPrefix("/admin/") {
            AdminHeaders.adding(to: &response.headers)
        }
        PublicHeaders.adding(to: &response.headers, site: site)
        return response
    }
}
