import Foundation
import GalleyCore
import GalleyMarkdown
import Synchronization

/// Everything the web application is told at startup, validated once by whoever builds it
/// (`galley serve` or a test). Nothing reads the environment after this.
public struct SiteConfiguration: Sendable {
    /// The values the settings page can change, shared by every copy of this configuration, so
    /// that a change reaches every page at once.
    private let live: LiveSettings

    /// Where the site is reached, without a trailing slash (`https://blog.example.com`), for
    /// canonical links and absolute URLs.
    public var baseURL: String { settings.baseURL }
    public var title: String { settings.title }
    public var description: String { settings.description }
    /// Who writes the blog, for feeds and structured data; nil leaves it out.
    public var author: String? { settings.author }
    /// Posts on each page of the index and of tag pages.
    public var postsPerPage: Int { settings.postsPerPage }
    /// The clock public pages judge scheduling by; tests move it.
    public let clock: @Sendable () -> Date
    /// `galley serve --raw-html`: what becomes of raw HTML until an admin chooses.
    public let defaultRawHTML: MarkdownRenderer.RawHTML

    public init(
        baseURL: String = "http://127.0.0.1:8080",
        title: String = "Galley",
        description: String = "A blog about code, published with Galley.",
        author: String? = nil,
        postsPerPage: Int = 10,
        rawHTML: MarkdownRenderer.RawHTML = .sanitized,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        live = LiveSettings(SiteSettings(
            title: title, description: description, author: author,
            baseURL: baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL, postsPerPage: postsPerPage
        ))
        self.clock = clock
        defaultRawHTML = rawHTML
    }

    public var settings: SiteSettings { live.value.withLock { $0 } }

    /// What becomes of raw HTML in posts: as the admin chose, else as `serve` was told.
    public var rawHTML: MarkdownRenderer.RawHTML { settings.rawHTML ?? defaultRawHTML }

    /// Renders posts as the site's settings say now.
    public var renderer: MarkdownRenderer { MarkdownRenderer(rawHTML: rawHTML) }

    /// Serves `settings` from now on, in every copy of this configuration.
    public func apply(_ settings: SiteSettings) {
        live.value.withLock { $0 = settings }
    }

    /// Applies the settings saved in `store`, if any (at startup, and when another replica
    /// changed them).
    public func reload(from store: any SettingsStore) async throws {
        if let saved = try await SiteSettings.load(from: store) { apply(saved) }
    }

    /// `path` as an absolute URL on this site.
    public func absoluteURL(_ path: String) -> String {
        baseURL + path
    }
}

private final class LiveSettings: Sendable {
    let value: Mutex<SiteSettings>
    init(_ settings: SiteSettings) { value = Mutex(settings) }
}
