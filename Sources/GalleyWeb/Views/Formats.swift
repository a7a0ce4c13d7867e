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

    static func readingTime(_ minutes: Int) -> String {
        "\(minutes) min read"
    }
}
