import Foundation
import Testing

/// The theme's colours, light and dark, read from style.css itself: text and links on their
/// backgrounds, and every highlighting colour on the code background and on a highlighted line,
/// at WCAG AA's 4.5:1 or more.
@Suite struct ThemeContrastTests {
    static let css: String = {
        let file = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "Sources/GalleyWeb/Resources/assets/style.css")
        return (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    }()

    /// `--name: #rrggbb` declarations outside `@media (prefers-color-scheme: dark)` blocks, and
    /// those with the dark blocks' declarations put over them.
    static func schemes() -> (light: [String: String], dark: [String: String]) {
        var darkBlocks: [Range<String.Index>] = []
        for match in css.matches(of: /@media \(prefers-color-scheme: dark\)\s*\{/) {
            var index = match.range.upperBound, depth = 1
            while depth > 0, index < css.endIndex {
                if css[index] == "{" { depth += 1 } else if css[index] == "}" { depth -= 1 }
                index = css.index(after: index)
            }
            darkBlocks.append(match.range.lowerBound..<index)
        }
        var light: [String: String] = [:], dark: [String: String] = [:]
        for match in css.matches(of: /--([a-z-]+):\s*(#[0-9a-fA-F]{6})/) {
            let inDark = darkBlocks.contains { $0.contains(match.range.lowerBound) }
            if inDark { dark[String(match.output.1)] = String(match.output.2) } else { light[String(match.output.1)] = String(match.output.2) }
        }
        return (light, light.merging(dark) { $1 })
    }

    static func luminance(_ hex: String) -> Double {
        let value = Int(hex.dropFirst(), radix: 16) ?? 0
        let channels = [value >> 16, value >> 8 & 0xFF, value & 0xFF].map { channel -> Double in
            let c = Double(channel) / 255
            return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    }

    static func contrast(_ a: String, _ b: String) -> Double {
        let (x, y) = (luminance(a), luminance(b))
        return (max(x, y) + 0.05) / (min(x, y) + 0.05)
    }

    @Test(arguments: ["light", "dark"])
    func everyColourPairMeetsAA(scheme: String) throws {
        let (light, dark) = Self.schemes()
        let colours = scheme == "light" ? light : dark
        var pairs = [("text", "bg"), ("muted", "bg"), ("accent", "bg"), ("text", "surface"), ("muted", "surface"), ("accent", "surface"),
                     ("muted", "code-bg"), ("accent", "code-bg"), ("code-text", "code-bg")]
        let tokenColours = colours.keys.filter { $0.hasPrefix("hl-") && $0 != "hl-line" }.sorted()
        #expect(tokenColours.count >= 10, "the highlighting colours were not found in style.css")
        for name in tokenColours { pairs += [(name, "code-bg"), (name, "hl-line")] }
        for (foreground, background) in pairs {
            let (fg, bg) = (try #require(colours[foreground]), try #require(colours[background]))
            #expect(Self.contrast(fg, bg) >= 4.5, "\(scheme): --\(foreground) \(fg) on --\(background) \(bg) is \(Self.contrast(fg, bg)):1")
        }
    }

    @Test func darkModeChangesTheColours() {
        let (light, dark) = Self.schemes()
        #expect(light["bg"] != dark["bg"] && light["hl-keyword"] != dark["hl-keyword"])
    }
}
