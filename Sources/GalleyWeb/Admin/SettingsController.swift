import Foundation
import GalleyCore
import GalleyMarkdown
import Hummingbird

/// The site's settings page, for admins.
struct SettingsController: Sendable {
    let store: any Store
    let pages: PageRenderer

    static let path = "/admin/settings"

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get(RouterPath(Self.path), use: form)
        router.post(RouterPath(Self.path), use: save)
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.requireAdmin(to: "change the site's settings")
        var notice: String?
        if request.uri.queryParameters.get("notice") == "saved" {
            notice = "Saved. Every page shows the new settings now."
            if let count = request.uri.queryParameters.get("rendered").flatMap(Int.init) {
                notice! += " \(count) \(count == 1 ? "post was" : "posts were") rendered again with raw HTML \(pages.site.rawHTML.rawValue)."
            }
        }
        return try pages.renderAdmin(SettingsPage(pages.site.settings, rawHTML: pages.site.rawHTML, notice: notice), context: context)
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.requireAdmin(to: "change the site's settings")
        let form = try await Form.read(request)
        do {
            let settings = try SiteSettings.validated(
                title: form.text("title"), description: form.text("description"), author: form.text("author"),
                baseURL: form.text("base_url"), postsPerPage: form.text("posts_per_page"), rawHTML: form.text("raw_html")
            )
            let before = pages.site.rawHTML
            try await settings.save(to: store)
            pages.site.apply(settings)
            context.logger.notice("site settings changed", metadata: ["title": "\(settings.title)", "base_url": "\(settings.baseURL)"])
            guard pages.site.rawHTML != before else { return .redirect(to: Self.path + "?notice=saved", type: .normal) }
            // Every stored post is rendered again now, in this request, so that the answer
            // says when all pages show the change (a few milliseconds a post: seconds for
            // thousands).
            let rendered = try await RenderingUpgrade(store: store, renderer: pages.site.renderer).run()
            context.logger.notice("rendered posts again for the raw-HTML setting", metadata: ["raw_html": "\(pages.site.rawHTML)", "posts": "\(rendered)"])
            return .redirect(to: Self.path + "?notice=saved&rendered=\(rendered)", type: .normal)
        } catch let error as GalleyError {
            let typed = SiteSettings(
                title: form.text("title"), description: form.text("description"), author: form.text("author"),
                baseURL: form.text("base_url"), postsPerPage: Int(form.text("posts_per_page")) ?? 0
            )
            let rawHTML = MarkdownRenderer.RawHTML(rawValue: form.text("raw_html")) ?? pages.site.rawHTML
            return try pages.renderAdmin(SettingsPage(typed, rawHTML: rawHTML, error: error.message), context: context, status: .badRequest)
        }
    }
}

struct SettingsPage: AdminView {
    static let template = "admin-settings"
    var csrf = ""
    let title = "Settings"
    let siteTitle: String
    let description: String
    let author: String
    let baseURL: String
    let postsPerPage: String
    /// The three raw-HTML choices, the site's one selected.
    let rawHTMLChoices: [Choice]
    let notice: String?
    let error: String?

    struct Choice {
        let value: String
        let label: String
        let selected: Bool
    }

    static func label(_ rawHTML: MarkdownRenderer.RawHTML) -> String {
        switch rawHTML {
        case .sanitized: "Kept and made safe (recommended)"
        case .escaped: "Shown as text"
        case .omitted: "Left out"
        }
    }

    init(_ settings: SiteSettings, rawHTML: MarkdownRenderer.RawHTML, notice: String? = nil, error: String? = nil) {
        siteTitle = settings.title
        description = settings.description
        author = settings.author ?? ""
        baseURL = settings.baseURL
        postsPerPage = settings.postsPerPage > 0 ? String(settings.postsPerPage) : ""
        rawHTMLChoices = MarkdownRenderer.RawHTML.allCases.map {
            Choice(value: $0.rawValue, label: Self.label($0), selected: $0 == rawHTML)
        }
        self.notice = notice
        self.error = error?.asSentence
    }
}
