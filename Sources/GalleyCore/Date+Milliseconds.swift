import Foundation

extension Date {
    /// Milliseconds since 1970: the precision every store keeps times at. Rounded to the nearest:
    /// a time read as text (`…09:30:00.123Z`) can land a hair below its millisecond as a double.
    public var millisecondsSince1970: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded())
    }

    public init(millisecondsSince1970 milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// This moment as every store keeps it, so a value read back compares equal to what was saved.
    public var truncatedToMilliseconds: Date {
        Date(millisecondsSince1970: millisecondsSince1970)
    }
}

extension DateFormatter {
    /// A formatter for a fixed format in UTC with the POSIX locale: machine-readable and
    /// independent of the server's settings.
    public static func utc(_ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = format
        return formatter
    }
}
