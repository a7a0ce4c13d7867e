import Foundation
import GalleyCore
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
        let notice = request.uri.queryParameters.get("notice") == "saved" ? "Saved. Every page shows the new settings now." : nil
        return try pages.renderAdmin(SettingsPage(pages.site.settings, notice: notice), context: context)
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.requireAdmin(to: "change the site's settings")
        let form = try await Form.read(request)
        do {
            let settings = try SiteSettings.validated(
                title: form.text("title"), description: form.text("description"), author: form.text("author"),
                baseURL: form.text("base_url"), postsPerPage: form.text("posts_per_page")
            )
            try await settings.save(to: store)
            pages.site.apply(settings)
            context.logger.notice("site settings changed", metadata: ["title": "\(settings.title)", "base_url": "\(settings.baseURL)"])
            return .redirect(to: Self.path + "?notice=saved", type: .normal)
        } catch let error as GalleyError {
            let typed = SiteSettings(
                title: form.text("title"), description: form.text("description"), author: form.text("author"),
                baseURL: form.text("base_url"), postsPerPage: Int(form.text("posts_per_page")) ?? 0
            )
            return try pages.renderAdmin(SettingsPage(typed, error: error.message), context: context, status: .badRequest)
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
    let notice: String?
    let error: String?

    init(_ settings: SiteSettings, notice: String? = nil, error: String? = nil) {
        siteTitle = settings.title
        description = settings.description
        author = settings.author ?? ""
        baseURL = settings.baseURL
        postsPerPage = settings.postsPerPage > 0 ? String(settings.postsPerPage) : ""
        self.notice = notice
        self.error = error?.asSentence
    }
}
