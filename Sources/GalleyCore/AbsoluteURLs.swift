import Foundation

/// Makes the relative links and images of rendered post HTML absolute, for places that show the
/// HTML away from the site (feed readers).
public enum AbsoluteURLs {
    /// Rewrites every `href="…"` and `src="…"` value that is not already absolute against `base`.
    /// Fragment-only links (`#section`) point into the page at `base`.
    public static func rewrite(_ html: String, base: URL) -> String {
        var output = ""
        output.reserveCapacity(html.utf8.count + 256)
        var rest = Substring(html)
        while let attribute = rest.firstRange(of: /(href|src)="([^"]*)"/) {
            output += rest[..<attribute.lowerBound]
            let match = rest[attribute]
            let name = match.hasPrefix("href") ? "href" : "src"
            let value = match.dropFirst(name.count + 2).dropLast()
            output += "\(name)=\"\(absolute(String(value), base: base))\""
            rest = rest[attribute.upperBound...]
        }
        output += rest
        return output
    }

    /// One link target made absolute against `base`; absolute ones are returned as they are.
    public static func absolute(_ value: String, base: URL) -> String {
        // Values are HTML-escaped; `&amp;` resolves the same either way, so keep them as they are.
        if value.isEmpty || value.contains(":") && !value.hasPrefix("/") && !value.hasPrefix("#") && !value.hasPrefix("?") {
            return value
        }
        return URL(string: value, relativeTo: base)?.absoluteString ?? value
    }
}
