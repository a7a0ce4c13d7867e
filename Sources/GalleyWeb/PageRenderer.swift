import Foundation
import GalleyCore
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
    /// Feeds of this page besides the site's own (a tag's feeds on its page).
    var feeds: [FeedLink] = []
    /// `article` for posts; `website` otherwise.
    var article: ArticleMeta?
    /// What the search box shows.
    var searchQuery = ""
}

/// A `<link rel="alternate">` to a feed.
struct FeedLink: Sendable {
    let title: String
    let type: String
    let href: String

    static func all(title: String, path: (FeedFormat) -> String, site: SiteConfiguration) -> [FeedLink] {
        FeedFormat.allCases.map { format in
            FeedLink(
                title: "\(title) (\(format.title))",
                type: String(format.contentType.prefix { $0 != ";" }),
                href: site.absoluteURL(path(format))
            )
        }
    }
}

/// OpenGraph and structured data of a post.
struct ArticleMeta: Sendable {
    let publishedTime: String
    let modifiedTime: String
    let tags: [String]
    /// Absolute URL of the post's first image, if it has one.
    let image: String?
    /// JSON-LD `BlogPosting`, safe to embed in a `<script>` element.
    let jsonLD: String
}

/// Renders page models into complete HTML responses with the site's layout. Templates are parsed
/// once, at startup.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let site: SiteConfiguration
    let assets: Assets
    /// The site's feeds, advertised on every page.
    var siteFeeds: [FeedLink] { FeedLink.all(title: site.title, path: SitePath.feed, site: site) }

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
        let article = head.article
        let layout = Layout(
            pageTitle: head.title.map { "\($0) — \(site.title)" } ?? site.title,
            socialTitle: head.title ?? site.title,
            description: head.description,
            canonicalURL: head.canonicalPath.map(site.absoluteURL),
            noIndex: head.noIndex,
            siteTitle: site.title,
            stylesheet: assets.path("style.css"),
            favicon: assets.path("favicon.svg"),
            feeds: siteFeeds + head.feeds,
            ogType: article == nil ? "website" : "article",
            article: article,
            twitterCard: article?.image == nil ? "summary" : "summary_large_image",
            searchQuery: head.searchQuery,
            body: body,
            year: String(Calendar(identifier: .gregorian).component(.year, from: site.clock()))
        )
        return try renderTemplate("layout", layout)
    }

    /// Every template a page uses, checked at startup so that rendering cannot miss one later.
    static let templates = [
        "layout", "index", "post", "tag", "tags", "archive", "search", "error", "post-list", "pagination",
        "admin-layout", "admin-login", "admin-setup", "admin-code", "admin-posts", "admin-editor", "admin-conflict",
        "admin-revisions", "admin-media", "admin-account", "admin-settings", "admin-users",
    ]

    /// An admin page in the admin's layout, with the session's CSRF token in its forms and the
    /// admin's security headers.
    func renderAdmin(_ page: some AdminView, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        var page = page
        page.csrf = context.session?.csrfToken ?? ""
        let body = try renderTemplate(type(of: page).template, page)
        let signedIn = context.user.flatMap { user in
            context.session.map { session in
                session.awaitingSecondFactor ? nil : AdminLayout.SignedIn(name: user.name, csrf: session.csrfToken, isAdmin: user.mayManageSite)
            } ?? nil
        }
        let layout = AdminLayout(
            pageTitle: page.title, siteTitle: site.title, stylesheet: assets.path("style.css"),
            adminStylesheet: assets.path("admin.css"), script: assets.path("admin.js"), favicon: assets.path("favicon.svg"),
            signedIn: signedIn, body: body
        )
        return Response(
            status: status,
            headers: AdminHeaders.fields(contentType: "text/html; charset=utf-8"),
            body: .init(byteBuffer: ByteBuffer(string: try renderTemplate("admin-layout", layout)))
        )
    }

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
    let socialTitle: String
    let description: String
    let canonicalURL: String?
    let noIndex: Bool
    let siteTitle: String
    let stylesheet: String
    let favicon: String
    let feeds: [FeedLink]
    let ogType: String
    let article: ArticleMeta?
    let twitterCard: String
    let searchQuery: String
    let body: String
    let year: String
}

extension PageHead: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": self.title
        case "description": self.description
        case "canonicalPath": self.canonicalPath
        case "noIndex": self.noIndex
        case "feeds": self.feeds
        case "article": self.article
        case "searchQuery": self.searchQuery
        default: noField(name)
        }
    }
}

extension Layout: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "pageTitle": self.pageTitle
        case "socialTitle": self.socialTitle
        case "description": self.description
        case "canonicalURL": self.canonicalURL
        case "noIndex": self.noIndex
        case "siteTitle": self.siteTitle
        case "stylesheet": self.stylesheet
        case "favicon": self.favicon
        case "feeds": self.feeds
        case "ogType": self.ogType
        case "article": self.article
        case "twitterCard": self.twitterCard
        case "searchQuery": self.searchQuery
        case "body": self.body
        case "year": self.year
        default: noField(name)
        }
    }
}

extension FeedLink: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": self.title
        case "type": self.type
        case "href": self.href
        default: noField(name)
        }
    }
}

extension ArticleMeta: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "publishedTime": self.publishedTime
        case "modifiedTime": self.modifiedTime
        case "tags": self.tags
        case "image": self.image
        case "jsonLD": self.jsonLD
        default: noField(name)
        }
    }
}
