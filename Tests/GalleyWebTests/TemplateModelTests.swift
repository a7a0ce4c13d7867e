import Foundation
import GalleyCore
@testable import GalleyWeb
import Mustache
import Testing

/// The public pages' models give templates their fields by name (`child(named:)`) instead of
/// through `Mirror`: each must give every field, and give it as `Mirror` would. The models checked
/// are held to the renderer's own list of templates, so a new page cannot be left out.
@Suite struct TemplateModelTests {
    @Test func everyPageModelGivesEachFieldAsMirrorWould() async throws {
        let blog = TestBlog()
        let now = TestBlog.now
        let outline = "## One\n\ntext\n\n### Two\n\n## Three\n\n![a](/media/a.png)\n"
        try await blog.publish("older", daysAgo: 3, tags: ["Swift", "Server Side"])
        let post = try await blog.publish("middle", daysAgo: 2, tags: ["Swift"], source: outline)
        try await blog.publish("newer", daysAgo: 1, tags: ["Swift"])
        let store = blog.store, site = blog.site
        let first = try PageRequest(page: 1, perPage: 2)
        let home = await store.publishedPosts(first, tagged: nil, at: now)
        let tagged = await store.publishedPosts(first, tagged: try Slug("swift"), at: now)
        let tags = await store.publicTags(at: now)
        let archive = await store.publishedArchive(at: now)
        let adjacent = await store.adjacentPosts(to: post, at: now)
        let related = await store.relatedPosts(to: post, limit: 3, at: now)
        let hits = await store.search(try SearchQuery("title"), page: first, at: now)

        let models: [any MustacheParent] = [
            IndexPage(home, site: site),
            TagPage(tag: Tag(name: "Swift", slug: try Slug("swift")), page: tagged, site: site),
            TagsPage(tags),
            ArchivePage(archive),
            try PostPage(post, adjacent: adjacent, related: related, site: site),
            SearchPage(query: try SearchQuery("title"), page: hits),
            SearchPage(query: nil, page: Page(items: [], request: first, total: 0)),
            ErrorPage(failure: Failure(status: .notFound, code: "not_found", message: "no post here"), requestID: "abc"),
            Layout(
                pageTitle: "t", socialTitle: "s", description: "d", canonicalURL: nil, noIndex: true, siteTitle: "site",
                stylesheet: "/a.css", favicon: "/f.svg", feeds: FeedLink.all(title: "site", path: SitePath.feed, site: site),
                ogType: "website", article: nil, twitterCard: "summary", searchQuery: "", body: "<p>b</p>", year: "2025"
            ),
        ]
        // Every public template the renderer registers is rendered from a model checked here:
        // the pages' own, the layout's, and the partials the list pages include.
        let checkedTemplates = Set(models.compactMap { ($0 as? any PageView).map { type(of: $0).template } })
            .union(models.contains { $0 is Layout } ? ["layout"] : [])
            .union(models.contains { $0 is IndexPage } ? ["post-list", "pagination"] : [])
        let publicTemplates = Set(PageRenderer.templates.filter { !$0.hasPrefix("admin-") })
        #expect(publicTemplates.subtracting(checkedTemplates).isEmpty, "no model checked for \(publicTemplates.subtracting(checkedTemplates).sorted())")

        var seen: Set<String> = []
        for model in models {
            expectEveryField(of: model, at: "\(type(of: model))", seen: &seen)
        }
        // Every model type was reached, with its optional fields both empty and not.
        #expect(seen.isSuperset(of: [
            "PageHead", "FeedLink", "ArticleMeta", "PostListItem", "TagLink", "Pagination", "Item", "Year", "Month", "Entry",
            "OutlineEntry", "Result",
        ]), "\(seen)")
    }

    /// Compares `child(named:)` with `Mirror` for each field, then does the same for the models
    /// inside (each of which must answer by name too).
    private func expectEveryField(of model: Any, at path: String, seen: inout Set<String>) {
        guard let parent = model as? MustacheParent else {
            Issue.record("\(path) (\(type(of: model))) is read through Mirror")
            return
        }
        seen.insert("\(type(of: model))")
        for case let (label?, field) in Mirror(reflecting: model).children {
            let expected = Self.unwrapped(field)
            let answer = parent.child(named: label)
            #expect(answer.map { "\($0)" } == expected.map { "\($0)" }, "\(path).\(label)")
            switch expected {
            case nil, is String, is Bool, is [String]: continue
            case let list as [Any]:
                for (index, element) in list.enumerated() {
                    expectEveryField(of: element, at: "\(path).\(label)[\(index)]", seen: &seen)
                }
            case let nested?: expectEveryField(of: nested, at: "\(path).\(label)", seen: &seen)
            }
        }
        #expect(parent.child(named: "noSuchField") == nil)
    }

    /// A field's value as Mustache's `Mirror` lookup gives it: an empty optional is no value.
    private static func unwrapped(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first?.value
    }
}
