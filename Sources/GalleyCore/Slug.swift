import Foundation

/// The URL-safe name of a post or tag: lowercase ASCII letters and digits in runs joined by
/// single hyphens (`hello-world`), at most 200 characters.
public struct Slug: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public static let maxLength = 200

    /// Accepts a slug exactly as given, or throws when it is not one.
    public init(_ rawValue: String) throws(GalleyError) {
        guard Self.isValid(rawValue) else {
            throw GalleyError(
                .invalidInput,
                "'\(rawValue.prefix(100))' is not a valid slug: use lowercase letters, digits and single hyphens"
            )
        }
        self.rawValue = rawValue
    }

    /// Derives a slug from free text (a title, a tag, a file name): accents folded, everything
    /// that is not a letter or digit turned into a hyphen. Text with no usable character gives
    /// `fallback`.
    public init(deriving text: String, fallback: String = "untitled") {
        // ASCII needs no folding but case, and Foundation's folding is slow (an import derives
        // a slug for every file and tag).
        let folded = text.utf8.allSatisfy({ $0 < 0x80 })
            ? text.lowercased()
            : text.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        var slug = ""
        var pendingHyphen = false
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if pendingHyphen, !slug.isEmpty { slug.append("-") }
                pendingHyphen = false
                slug.unicodeScalars.append(scalar)
                if slug.utf8.count >= Self.maxLength { break }
            } else {
                pendingHyphen = true
            }
        }
        self.rawValue = slug.isEmpty ? fallback : slug.lowercased()
    }

    public var description: String { rawValue }

    public static func < (lhs: Slug, rhs: Slug) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(String.self)
        self = try Slug(value)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= maxLength, bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else {
            return false
        }
        var previous: UInt8 = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): break
            case UInt8(ascii: "-") where previous != UInt8(ascii: "-"): break
            default: return false
            }
            previous = byte
        }
        return true
    }
}
