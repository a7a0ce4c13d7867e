import Foundation
import Hummingbird
import Mustache

/// A page's template and its model: typed, preformatted strings only.
protocol PageView: Sendable {
    static var template: String { get }
    var head: PageHead { get }
}

/// What the layout needs from each page.
struct PageHead: Sendable {
    /// The page's own title; the layout adds the site's.
    var title: String?
    var description: String
    /// The canonical path of this page (`/posts/hello`), made absolute with the base URL.
    var canonicalPath: String?
    /// Error pages and other pages search engines should not keep.
    var noIndex = false
}

/// Renders page models into complete HTML responses with the site's layout. Templates are parsed
/// once, at startup.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let site: SiteConfiguration
    let assets: Assets

    init(site: SiteConfiguration, resources: URL) async throws {
        self.library = try await MustacheLibrary(directory: resources.appendingPathComponent("templates").path)
        for name in Self.templates where library.getTemplate(named: name) == nil {
            throw TemplateMissing(name: name)
        }
        self.assets = try Assets(directory: resources.appendingPathComponent("assets"))
        self.site = site
    }

    func render(_ page: some PageView, status: HTTPResponse.Status = .ok) throws -> Response {
        let html = try html(page)
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }

    func html(_ page: some PageView) throws -> String {
        let body = try renderTemplate(type(of: page).template, page)
        let head = page.head
        let layout = Layout(
            pageTitle: head.title.map { "\($0) — \(site.title)" } ?? site.title,
            description: head.description,
            canonicalURL: head.canonicalPath.map(site.absoluteURL),
            noIndex: head.noIndex,
            siteTitle: site.title,
            stylesheet: assets.path("style.css"),
            favicon: assets.path("favicon.svg"),
            body: body,
            year: String(Calendar(identifier: .gregorian).component(.year, from: site.clock()))
        )
        return try renderTemplate("layout", layout)
    }

    /// Every template a page uses, checked at startup so that rendering cannot miss one later.
    static let templates = ["layout", "index", "post", "tag", "archive", "error", "post-list", "pagination"]

    /// The themed error page. Its templates were checked at startup, so the plain fallback is
    /// only a last line of defence: what failures end in must not fail itself.
    func errorPage(_ failure: Failure, requestID: String) -> Response {
        let page = ErrorPage(failure: failure, requestID: requestID)
        let html = (try? html(page)) ?? "<!doctype html><title>\(failure.status.code)</title><p>\(failure.status.code) \(failure.status.reasonPhrase). Request id: \(requestID)</p>"
        return Response(
            status: failure.status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }

    private func renderTemplate(_ name: String, _ model: Any) throws -> String {
        guard let html = library.render(model, withTemplate: name) else {
            throw TemplateMissing(name: name)
        }
        return html
    }

    struct TemplateMissing: Error {
        let name: String
    }
}

/// The model of `layout.mustache`.
struct Layout {
    let pageTitle: String
    let description: String
    let canonicalURL: String?
    let noIndex: Bool
    let siteTitle: String
    let stylesheet: String
    let favicon: String
    let body: String
    let year: String
}
