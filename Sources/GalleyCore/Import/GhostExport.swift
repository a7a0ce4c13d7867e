import Foundation

/// A Ghost JSON export (Ghost 4 and 5, `db[0].data`; older ones with `markdown` too): its posts
/// with their tags, authors and old addresses.
///
/// The body is the post's `html` (what Ghost serves), else its Markdown (`markdown`, or the one
/// Markdown card of a `mobiledoc`). Pages and Ghost's internal tags (`#…`) are left out.
enum GhostExport {
    /// The posts, what was left out and why, and no site host: Ghost writes its own address as
    /// `__GHOST_URL__`.
    static func posts(in data: Data, file: String) throws -> (posts: [PlatformPost], skipped: [(path: String, reason: String)], siteHost: String?) {
        let export: Export
        do {
            export = try JSONDecoder().decode(Export.self, from: data)
        } catch DecodingError.dataCorrupted {
            let (line, problem) = Self.jsonProblem(in: data)
            throw ImportReport.Failure(path: file, line: line, message: "not valid JSON: \(problem)")
        } catch let DecodingError.keyNotFound(key, context) {
            throw ImportReport.Failure(path: file, line: nil, message: "not a Ghost export: no '\(key.stringValue)' at \(Self.path(context))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ImportReport.Failure(path: file, line: nil, message: "not a Ghost export: \(context.debugDescription) at \(Self.path(context))")
        } catch {
            throw ImportReport.Failure(path: file, line: nil, message: "not a Ghost export: \(error)")
        }
        guard let data = export.db.first?.data else { throw ImportReport.Failure(path: file, line: nil, message: "not a Ghost export: 'db' is empty") }
        let tagNames = Dictionary((data.tags ?? []).map { ($0.id.text, $0.name) }, uniquingKeysWith: { first, _ in first })
        let userNames = Dictionary((data.users ?? []).map { ($0.id.text, $0.name) }, uniquingKeysWith: { first, _ in first })
        let tagsByPost = Dictionary(grouping: (data.posts_tags ?? []).sorted { ($0.sort_order ?? 0) < ($1.sort_order ?? 0) }, by: \.post_id.text)
        let authorsByPost = Dictionary(grouping: (data.posts_authors ?? []).sorted { ($0.sort_order ?? 0) < ($1.sort_order ?? 0) }, by: \.post_id.text)

        var posts: [PlatformPost] = []
        var skipped: [(path: String, reason: String)] = []
        for (index, post) in data.posts.enumerated() {
            let shown = "\(file): posts[\(index)] '\(post.slug)'"
            if post.type == "page" {
                skipped.append((shown, "a page, not a post"))
                continue
            }
            let body: PlatformPost.Body
            if let html = post.html, !html.isEmpty {
                body = .html(html)
            } else if let markdown = post.markdown ?? post.mobiledoc.flatMap(Self.markdownCard), !markdown.isEmpty {
                body = .markdown(markdown)
            } else if post.mobiledoc != nil || post.lexical != nil {
                throw ImportReport.Failure(path: shown, line: nil, message: "the export has this post's editor document but not its html: export it again from Ghost 4 or later, which writes both")
            } else {
                body = .markdown("")
            }
            let published = Self.date(post.published_at) ?? Self.date(post.created_at) ?? Date(timeIntervalSince1970: 0)
            let tags = (tagsByPost[post.id.text] ?? []).compactMap { tagNames[$0.tag_id.text] }.filter { !$0.hasPrefix("#") }
            // Ghost 1+ lists authors in posts_authors; before, a post had one `author_id`.
            let listed = (authorsByPost[post.id.text] ?? []).compactMap { userNames[$0.author_id.text] }
            let authors = listed.isEmpty ? [post.author_id].compactMap { $0.flatMap { userNames[$0.text] } } : listed
            posts.append(PlatformPost(
                identity: "ghost:\(post.id.text)", shown: shown, title: post.title ?? post.slug, slug: post.slug, body: body,
                summary: post.custom_excerpt ?? "", tags: tags, bylines: authors,
                status: post.status == "published" || post.status == "scheduled" ? .published : .draft, trashed: false,
                publishedAt: published, updatedAt: Self.date(post.updated_at) ?? published,
                addresses: ["/\(post.slug)/"], cover: post.feature_image?.isEmpty == false ? post.feature_image : nil
            ))
        }
        return (posts, skipped, nil)
    }

    /// A mobiledoc whose one card is Markdown (Ghost 1–3's editor): that Markdown.
    static func markdownCard(_ mobiledoc: String) -> String? {
        struct Document: Decodable { let cards: [[JSONScalar]]? }
        guard let document = try? JSONDecoder().decode(Document.self, from: Data(mobiledoc.utf8)),
              let cards = document.cards, cards.count == 1, cards[0].count == 2, case .text("markdown") = cards[0][0],
              case .object(let payload) = cards[0][1] else { return nil }
        return payload["markdown"]
    }

    /// Ghost writes ISO 8601 dates; exports of Ghost 0.x, milliseconds since 1970.
    static func date(_ value: JSONScalar?) -> Date? {
        switch value {
        case .text(let text)?: FrontMatterDate.parse(text)
        case .number(let milliseconds)?: Date(millisecondsSince1970: Int64(milliseconds))
        default: nil
        }
    }

    /// Where JSON stops parsing, and why: the decoder does not say, JSONSerialization says at
    /// which byte (`Invalid value around character 38.`), made a line and column here.
    static func jsonProblem(in data: Data) -> (line: Int?, message: String) {
        do {
            _ = try JSONSerialization.jsonObject(with: data)
            return (nil, "it does not parse")
        } catch {
            let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            guard let match = text.firstMatch(of: /around character (\d+)/), let offset = Int(match.1) else { return (nil, text) }
            let before = data.prefix(offset)
            let line = before.filter { $0 == UInt8(ascii: "\n") }.count + 1
            let column = offset - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
            return (line, "\(text.replacingOccurrences(of: " around character \(offset)", with: "")) (column \(column))")
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return path.isEmpty ? "the top" : path
    }

    // MARK: The export's shape (field names as Ghost writes them)

    struct Export: Decodable { let db: [Database] }
    struct Database: Decodable { let data: Tables }
    struct Tables: Decodable {
        let posts: [Post]
        let tags: [Named]?
        let users: [Named]?
        let posts_tags: [PostTag]?
        let posts_authors: [PostAuthor]?
    }
    struct Post: Decodable {
        let id: Identifier
        let title: String?
        let slug: String
        let html: String?
        let markdown: String?
        let mobiledoc: String?
        let lexical: String?
        let custom_excerpt: String?
        let feature_image: String?
        let status: String
        let type: String?
        let author_id: Identifier?
        let published_at: JSONScalar?
        let created_at: JSONScalar?
        let updated_at: JSONScalar?
    }
    struct Named: Decodable {
        let id: Identifier
        let name: String
    }
    struct PostTag: Decodable {
        let post_id: Identifier
        let tag_id: Identifier
        let sort_order: Int?
    }
    struct PostAuthor: Decodable {
        let post_id: Identifier
        let author_id: Identifier
        let sort_order: Int?
    }

    /// Ghost's ids: 24 hex digits since Ghost 1, numbers before.
    struct Identifier: Decodable, Sendable {
        let text: String
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) { text = String(number) } else { text = try container.decode(String.self) }
        }
    }

    /// A JSON value of a field that is text in one Ghost version and a number in another.
    enum JSONScalar: Decodable, Sendable {
        case text(String), number(Double), object([String: String]), other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else if let object = try? container.decode([String: String].self) {
                self = .object(object)
            } else {
                self = .other
            }
        }
    }
}
