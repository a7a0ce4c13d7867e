import Foundation
import GalleyCore

/// How dates look on pages: `17 May 2024` for people, ISO 8601 for `<time datetime>`.
enum Formats {
    private static let display = DateFormatter.utc("d MMMM yyyy")

    static func displayDate(_ date: Date) -> String {
        display.string(from: date)
    }

    static func isoDate(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// "Ada", "Ada and Grace", "Ada, Grace and Linus"; nil for no names.
    static func names(_ names: [String]) -> String? {
        guard let last = names.last else { return nil }
        return names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " and " + last
    }

    static func readingTime(_ minutes: Int) -> String {
        "\(minutes) min read"
    }
}
