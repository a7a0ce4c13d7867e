@testable import GalleyWeb
import Testing

/// The post page's `og:image` is the first image of the post: found by a byte search that must
/// agree with the regular expression it replaced (social sites show no SVG, so those are passed
/// over).
@Suite struct ArticleMetaTests {
    @Test(arguments: [
        "<p>no image here</p>",
        #"<p><img src="/media/a.png" alt="A"></p>"#,
        #"<img alt="no source"><img src="/media/second.png">"#,
        #"<img data-src="/lazy.png" src="/real.png">"#,
        #"<img src="" alt="empty"><img src="/b.png">"#,
        #"<img src="/unclosed.png"#,
        #"<img alt="x" src="/no-end.png""#,
        #"<img alt="x"> src="/after-the-tag.png""#,
        #"<imgsrc="/not-a-tag.png"><IMG src="/upper.png"><img  src="/two-spaces.png">"#,
        #"<p>日本語</p><img src="/media/café.png">"#,
        "<img src=\"/a.png\" title=\"b>c\" src=\"/d.png\">",
        "",
    ])
    func firstImageSourceAgreesWithTheRegex(html: String) {
        let expected = html.firstMatch(of: /<img [^>]*src="([^"]+)"/).map { String($0.1) }
        #expect(ArticleMeta.firstImageSource(in: html) == expected)
    }

    @Test func svgImagesArePassedOverForSocialCards() {
        #expect(ArticleMeta.firstImageSource(in: #"<img src="/media/a.svg"><p><img src="/media/b.png"></p>"#) == "/media/b.png")
        #expect(ArticleMeta.firstImageSource(in: #"<img src="/media/only.SVG">"#) == nil)
    }
}
