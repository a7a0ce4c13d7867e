import Foundation

/// How dates look on pages: `17 May 2024` for people, ISO 8601 for `<time datetime>`.
enum Formats {
    private static let display: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMMM yyyy"
        return formatter
    }()

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
