import Foundation
import GalleyMarkdown

/// What the settings page changes: the site's name and address, how lists page and what becomes
/// of raw HTML in posts. Stored in
/// the database, so that every replica serves the same; `galley serve`'s options give the values
/// of a site whose admin never saved this page.
public struct SiteSettings: Sendable, Equatable, Codable {
    public static let settingKey = "site"

    public var title: String
    public var description: String
    public var author: String?
    /// Without a trailing slash: `https://blog.example.com`.
    public var baseURL: String
    public var postsPerPage: Int
    /// Nil until an admin chooses on the settings page (settings saved by an earlier version
    /// have none): `galley serve --raw-html` decides meanwhile.
    public var rawHTML: MarkdownRenderer.RawHTML?

    public init(title: String, description: String, author: String?, baseURL: String, postsPerPage: Int, rawHTML: MarkdownRenderer.RawHTML? = nil) {
        self.title = title
        self.description = description
        self.author = author
        self.baseURL = baseURL
        self.postsPerPage = postsPerPage
        self.rawHTML = rawHTML
    }

    /// Settings as a person typed them, checked and tidied; throws what is wrong.
    public static func validated(
        title: String, description: String, author: String, baseURL: String, postsPerPage: String, rawHTML: String
    ) throws(GalleyError) -> SiteSettings {
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty, title.count <= 200 else { throw GalleyError(.invalidInput, "the title needs 1 to 200 characters") }
        let description = description.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !description.isEmpty, description.count <= 500 else { throw GalleyError(.invalidInput, "the description needs 1 to 500 characters") }
        let author = author.trimmingCharacters(in: .whitespacesAndNewlines)
        guard author.count <= 100 else { throw GalleyError(.invalidInput, "the author's name can have at most 100 characters") }
        guard let url = parseBaseURL(baseURL.trimmingCharacters(in: .whitespaces)) else {
            throw GalleyError(.invalidInput, "the base URL must be an http:// or https:// address without query, like https://blog.example.com")
        }
        guard let perPage = Int(postsPerPage.trimmingCharacters(in: .whitespaces)), (1...100).contains(perPage) else {
            throw GalleyError(.invalidInput, "posts per page must be a whole number from 1 to 100")
        }
        guard let rawHTML = MarkdownRenderer.RawHTML(rawValue: rawHTML) else {
            throw GalleyError(.invalidInput, "raw HTML must be sanitized, escaped or omitted")
        }
        return SiteSettings(
            title: title, description: description, author: author.isEmpty ? nil : author, baseURL: url, postsPerPage: perPage, rawHTML: rawHTML
        )
    }

    /// An http(s) URL with a host and no query or fragment, without its trailing slash.
    public static func parseBaseURL(_ text: String) -> String? {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = components.host, !host.isEmpty,
              components.query == nil, components.fragment == nil
        else { return nil }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    /// The settings the admin saved, if they did.
    public static func load(from store: any SettingsStore) async throws -> SiteSettings? {
        guard let text = try await store.setting(settingKey), !text.isEmpty else { return nil }
        return try JSONDecoder().decode(SiteSettings.self, from: Data(text.utf8))
    }

    /// How `galley import` renders raw HTML: as the admin chose, else as the stored posts were
    /// last rendered (by `galley serve`, whose `--raw-html` it cannot know), else sanitized.
    public static func rawHTML(of store: any SettingsStore) async throws -> MarkdownRenderer.RawHTML {
        if let chosen = try await load(from: store)?.rawHTML { return chosen }
        return try await RenderingUpgrade.recordedRawHTML(in: store) ?? .sanitized
    }

    public func save(to store: any SettingsStore) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try await store.setSetting(Self.settingKey, to: String(decoding: try encoder.encode(self), as: UTF8.self))
    }
}
