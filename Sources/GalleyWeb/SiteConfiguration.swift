import Foundation

/// Everything the web application is told at startup, validated once by whoever builds it
/// (`galley serve` or a test). Nothing reads the environment after this.
public struct SiteConfiguration: Sendable {
    /// Where the site is reached, without a trailing slash (`https://blog.example.com`), for
    /// canonical links and absolute URLs.
    public var baseURL: String
    public var title: String
    public var description: String
    /// Who writes the blog, for feeds and structured data; nil leaves it out.
    public var author: String?
    /// Posts on each page of the index and of tag pages.
    public var postsPerPage: Int
    /// The clock public pages judge scheduling by; tests move it.
    public var clock: @Sendable () -> Date

    public init(
        baseURL: String = "http://127.0.0.1:8080",
        title: String = "Galley",
        description: String = "A blog about code, published with Galley.",
        author: String? = nil,
        postsPerPage: Int = 10,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.title = title
        self.description = description
        self.author = author
        self.postsPerPage = postsPerPage
        self.clock = clock
    }

    /// `path` as an absolute URL on this site.
    public func absoluteURL(_ path: String) -> String {
        baseURL + path
    }
}
