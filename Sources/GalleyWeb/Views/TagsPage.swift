import GalleyCore
import Mustache

/// `/tags`: every tag with the number of its posts.
struct TagsPage: PageView {
    static let template = "tags"

    struct Item: Sendable {
        let name: String
        let url: String
        let count: String
    }

    let head: PageHead
    let summary: String
    let tags: [Item]
    let isEmpty: Bool

    init(_ tags: [TagCount]) {
        head = PageHead(title: "Tags", description: "Every tag, with its posts.", canonicalPath: SitePath.tags)
        summary = tags.count == 1 ? "1 tag" : "\(tags.count) tags"
        self.tags = tags.map { Item(name: $0.tag.name, url: SitePath.tag($0.tag.slug), count: String($0.count)) }
        isEmpty = tags.isEmpty
    }
}

extension TagsPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "head": self.head
        case "summary": self.summary
        case "tags": self.tags
        case "isEmpty": self.isEmpty
        default: noField(name)
        }
    }
}

extension TagsPage.Item: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "url": self.url
        case "count": self.count
        default: noField(name)
        }
    }
}
