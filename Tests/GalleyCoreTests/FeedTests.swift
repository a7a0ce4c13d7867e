import Foundation
import GalleyCore
import Testing

@Suite struct FeedTests {
    /// RSS readers take `<description>` as HTML; a summary is text, so it must reach them as text
    /// (found by the XSS corpus of Tests/browser/xss.py: readers ran `<img onerror>` from it).
    @Test func anRSSSummaryIsTextToTheReaderNotHTML() throws {
        let entry = FeedDocument.Entry(
            id: "https://blog.example.com/posts/a", url: "https://blog.example.com/posts/a", title: "A",
            summary: "<img src=x onerror=alert(1)> & more", contentHTML: "<p>Body</p>",
            published: Date(timeIntervalSince1970: 0), updated: Date(timeIntervalSince1970: 0), tags: []
        )
        let feed = FeedDocument(
            title: "Blog", subtitle: "<b>not bold</b>", homeURL: "https://blog.example.com/", selfURL: "https://blog.example.com/rss.xml",
            author: nil, entries: [entry]
        )
        let rss = try FeedFormat.rss.render(feed)
        #expect(rss.contains("<description>&amp;lt;img src=x onerror=alert(1)&amp;gt; &amp;amp; more</description>"))
        #expect(rss.contains("<description>&amp;lt;b&amp;gt;not bold&amp;lt;/b&amp;gt;</description>"))
        #expect(rss.contains("<content:encoded>&lt;p&gt;Body&lt;/p&gt;</content:encoded>"), "content is HTML, escaped once")
    }
}
