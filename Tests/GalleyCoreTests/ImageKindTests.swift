import Foundation
@testable import GalleyCore
import Testing

/// Uploads and imported files are told apart by their bytes alone.
@Suite struct ImageKindTests {
    @Test(arguments: [
        #"<svg xmlns="http://www.w3.org/2000/svg"/>"#,
        "\u{FEFF}<svg>",
        "  \n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- Generator: Inkscape -->\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<svg\n width=\"1\">",
        "<!doctype svg><svg\tviewBox='0 0 1 1'>",
    ])
    func svgIsToldByItsFirstElement(text: String) {
        #expect(ImageKind(sniffing: Array(text.utf8)) == .svg)
        #expect(ImageKind.svg.contentType == "image/svg+xml")
    }

    @Test(arguments: [
        "<svgx>", "<html><svg>", "text <svg>", "<?xml version=\"1.0\"?><note/>", "<!-- never closed <svg>",
        "<?xml version=\"1.0\"", "<svg", "",
    ])
    func otherTextIsNotAnImage(text: String) {
        #expect(ImageKind(sniffing: Array(text.utf8)) == nil)
        #expect(ImageKind.refusal(for: Array(text.utf8)).message == "only PNG, JPEG, GIF, WebP and SVG images can be uploaded")
    }

    @Test func anSVGThatIsNotTextOrDeclaresEntitiesIsRefusedAndSaysWhy() {
        let cases: [([UInt8], String)] = [
            (Array("<svg>".utf8) + [0] + Array("</svg>".utf8), "it holds a NUL byte, so it is not text"),
            (Array("<svg>".utf8) + [0xC3, 0x28] + Array("</svg>".utf8), "it is not UTF-8 text"),
            (Array(#"<!DOCTYPE svg [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><svg>&lol2;</svg>"#.utf8), "its DOCTYPE declares entities"),
        ]
        for (bytes, reason) in cases {
            #expect(ImageKind(sniffing: bytes) == nil)
            #expect(ImageKind.refusal(for: bytes).message == "this SVG image is refused: \(reason)")
        }
    }

    @Test func theFirstBytesOfEachRasterFormat() {
        #expect(ImageKind(sniffing: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == .png)
        #expect(ImageKind(sniffing: [0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(ImageKind(sniffing: Array("GIF89a..".utf8)) == .gif)
        #expect(ImageKind(sniffing: Array("RIFF\0\0\0\0WEBPVP8 ".utf8)) == .webp)
    }
}
