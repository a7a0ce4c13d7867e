import Foundation
import GalleyMarkdown

/// A post as Ghost or WordPress exported it, read but not yet written.
struct PlatformPost: Sendable {
    /// `ghost:<id>` or `wordpress:<post_id>`: the post's identity for the next import.
    var identity: String
    /// How the report names it: the export's file and the post's place in it.
    var shown: String
    var title: String
    var slug: String
    /// HTML, or Markdown when the platform kept it.
    var body: Body
    var summary: String
    var tags: [String]
    var bylines: [String]
    var status: PostStatus
    var trashed: Bool
    var publishedAt: Date
    var updatedAt: Date
    var addresses: [String]
    /// An image the platform shows above the post (Ghost's `feature_image`).
    var cover: String?

    enum Body: Sendable {
        case html(String)
        case markdown(String)
    }
}

/// `galley import export.json` (Ghost) or `galley import export.xml` (WordPress): each post as a
/// draft through the same write path as every import, one transaction a post, with its old
/// addresses, bylines, tags and images (from `--media`, the export's image folder).
struct PlatformImporter: Sendable {
    let store: any Store
    let renderer: MarkdownRenderer
    let options: SiteImporter.Options
    let clock: @Sendable () -> Date

    /// Where the platform's image addresses point, and the folder (`--media`) holding the same
    /// paths below it: `content/images/` for Ghost, `wp-content/uploads/` for WordPress.
    let mediaMarker: String

    func save(_ posts: [PlatformPost], skipped: [(path: String, reason: String)], siteHost: String?, into report: inout ImportReport) async throws {
        report.skipped += skipped
        report.filesRead += posts.count + skipped.count
        let imported = try await store.importedSlugs()
        let now = clock().truncatedToMilliseconds

        // Slugs first: the one an earlier import gave a post, else the platform's, else the next
        // free one; then every old address knows its post, for links between posts.
        var claims = SlugClaims(taken: try await store.takenSlugs())
        for post in posts { if let slug = imported[post.identity] { claims.keep(slug) } }
        var slugs: [Slug] = []
        var renames: [Int: ImportReport.Warning] = [:]
        for (index, post) in posts.enumerated() {
            if let slug = imported[post.identity] {
                slugs.append(slug)
                continue
            }
            let (slug, renamed) = claims.claim(Slug(deriving: post.slug, fallback: Slug(deriving: post.title).rawValue), for: post.shown)
            slugs.append(slug)
            renames[index] = renamed
        }
        var byAddress: [String: Slug] = [:]
        for (post, slug) in zip(posts, slugs) {
            for address in post.addresses { if let path = AliasPath.normalize(address), byAddress[path] == nil { byAddress[path] = slug } }
        }

        for (index, post) in posts.enumerated() {
            defer { options.progress?(index + 1, posts.count) }
            let slug = slugs[index]
            var warnings = renames[index].map { [$0] } ?? []
            var markdown = switch post.body {
            case .html(let html): HTMLToMarkdown.convert(html)
            case .markdown(let text): text
            }
            if let cover = post.cover, !markdown.contains(cover) { markdown = "![](\(cover))\n\n" + markdown }
            var media: [Media] = []
            markdown = ContentLinks.rewrite(markdown) { target in
                guard let range = target.value.range(of: mediaMarker) else {
                    // A link to another post of the old site: to its new address.
                    var path = target.value
                    if path.hasPrefix("__GHOST_URL__") {
                        path.removeFirst("__GHOST_URL__".count)
                    } else if let url = URLComponents(string: path), url.host != nil {
                        guard url.host == siteHost else { return nil }
                        path = url.path
                    }
                    guard path.hasPrefix("/"), let normalized = AliasPath.normalize(path), let other = byAddress[normalized] else {
                        return target.value.hasPrefix("__GHOST_URL__") ? String(target.value.dropFirst("__GHOST_URL__".count)) : nil
                    }
                    return Post.path(other) + (path.firstIndex(of: "#").map { String(path[$0...]) } ?? "")
                }
                let relative = String(target.value[range.upperBound...].prefix { $0 != "?" && $0 != "#" })
                guard let folder = options.mediaFolder else {
                    warnings.append(.init(kind: .missingImage, path: post.shown, line: nil, message: "'\(target.value)': pass --media with the export's \(mediaMarker) folder to bring it along"))
                    return nil
                }
                let file = folder.appendingPathComponent(relative.removingPercentEncoding ?? relative)
                guard FileManager.default.fileExists(atPath: file.path) else {
                    warnings.append(.init(kind: .missingImage, path: post.shown, line: nil, message: "'\(target.value)' is not in \(folder.path)"))
                    return nil
                }
                switch SiteImporter.media(at: file, limit: options.mediaLimit, now: now) {
                case .success(let item):
                    media.append(item)
                    return item.path
                case .failure(let reason):
                    warnings.append(.init(kind: .refusedFile, path: post.shown, line: nil, message: "'\(target.value)': \(reason.message)"))
                    return nil
                }
            }
            let aliases = AliasPath.aliases(post.addresses, besides: slug).sorted()
            report.warnings += warnings
            do {
                let draft = try PostWriter.checked(PostDraft(
                    slug: slug, title: post.title, summary: post.summary, source: markdown, tags: .named(post.tags),
                    status: post.status, publishedAt: post.publishedAt, updatedAt: max(post.updatedAt, post.publishedAt),
                    bylines: post.bylines, origin: PostOrigin(source: post.identity, aliases: aliases)
                ))
                let rendered = renderer.render(draft.source)
                report.aliases += aliases.count
                let outcome: SaveOutcome
                if options.dryRun {
                    report.media += media.count
                    let existing = imported[post.identity] == nil ? nil : try await store.post(slug: slug)
                    outcome = SaveOutcome.predicted(saving: draft, rendered: rendered, over: existing)
                } else {
                    // One transaction a post: a failure leaves nothing of it behind.
                    let batch = try await store.saveImported([ImportedPost(draft: draft, rendered: rendered, media: media)], at: now)
                    report.media += batch.newMedia
                    outcome = batch.outcomes.first ?? .unchanged
                }
                switch outcome {
                case .created: report.created.append(post.shown)
                case .updated: report.updated.append(post.shown)
                case .unchanged: report.unchanged.append(post.shown)
                }
                if !options.dryRun, post.trashed, let saved = try await store.post(slug: slug) {
                    try await store.setTrashed(postID: saved.id, true, at: post.updatedAt)
                }
            } catch {
                report.failures.append(.init(path: post.shown, line: nil, message: error.message))
            }
        }
    }
}
