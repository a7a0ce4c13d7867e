import Foundation

/// The dates static site generators accept in front matter: RFC 3339 (`2024-05-17T09:30:00+02:00`,
/// fractions of a second, `Z`), a space instead of the `T`, Ruby's `Time#to_s` that Jekyll writes
/// (`2023-01-29 18:30:22 -0800`), a zone name (`UTC`, `GMT`), minutes without seconds, or a date
/// alone. A date or time without a zone is in the site's time zone, as the engine reads it.
///
/// Hand-written rather than a list of `DateFormatter` patterns: one pass over the bytes, no
/// formatter per pattern, and no pattern list to keep in step with what the engines accept.
public enum FrontMatterDate {
    public static func parse(_ text: String, timeZone: TimeZone = .gmt) -> Date? {
        strict(text, timeZone: timeZone)
    }

    /// As Ruby's `Time.parse` does for Jekyll, a date-time followed by words it does not need
    /// (`2023-01-29 18:30:22 2023 -0800`): the date-time and a zone at the end, if any.
    public static func lenient(_ text: String, timeZone: TimeZone = .gmt) -> Date? {
        if let date = strict(text, timeZone: timeZone) { return date }
        let words = text.split(separator: " ")
        guard words.count > 2 else { return nil }
        let head = words.prefix(2).joined(separator: " ")
        if let zone = words.last, zone.first == "+" || zone.first == "-" || zone == "UTC" || zone == "Z",
           let date = strict(head + " " + zone, timeZone: timeZone) {
            return date
        }
        return strict(head, timeZone: timeZone) ?? strict(String(words[0]), timeZone: timeZone)
    }

    private static func strict(_ text: String, timeZone: TimeZone) -> Date? {
        var scanner = DateScanner(Array(text.trimmingCharacters(in: .whitespaces).utf8))
        guard let year = scanner.digits(4), scanner.skip("-"), let month = scanner.digits(2), scanner.skip("-"),
              let day = scanner.digits(2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var hour = 0, minute = 0, second = 0, nanosecond = 0
        var offset: Int?
        if !scanner.atEnd {
            guard scanner.skip("T") || scanner.skip("t") || scanner.skip(" ") else { return nil }
            scanner.skipSpaces()
            guard let h = scanner.digits(2), scanner.skip(":"), let m = scanner.digits(2), h < 24, m < 60 else { return nil }
            (hour, minute) = (h, m)
            if scanner.skip(":") {
                guard let s = scanner.digits(2), s <= 60 else { return nil }
                second = min(s, 59)
                if scanner.skip(".") || scanner.skip(",") {
                    guard let fraction = scanner.fraction() else { return nil }
                    nanosecond = fraction
                }
            }
            scanner.skipSpaces()
            if !scanner.atEnd {
                guard let zone = scanner.zone() else { return nil }
                offset = zone
            }
            scanner.skipSpaces()
            guard scanner.atEnd else { return nil }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = offset.flatMap { TimeZone(secondsFromGMT: $0) } ?? timeZone
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second, nanosecond: nanosecond)
        guard let date = calendar.date(from: components),
              calendar.component(.day, from: date) == day  // 2023-02-30 is not a day
        else { return nil }
        return date
    }

    /// Whether a scalar reads as a date (for telling dates from text in untyped formats).
    static func looksLikeDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8.prefix(10))
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        return parse(text) != nil
    }
}

private struct DateScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    mutating func skipSpaces() {
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
    }

    mutating func digits(_ count: Int) -> Int? {
        guard index + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<index + count] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        index += count
        return value
    }

    /// Digits after a decimal point, as nanoseconds (beyond nine digits ignored).
    mutating func fraction() -> Int? {
        var value = 0, count = 0
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            if count < 9 { value = value * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
            count += 1
            index += 1
        }
        guard count > 0 else { return nil }
        for _ in count..<max(count, 9) { value *= 10 }
        return value
    }

    /// `Z`, `UTC`, `GMT`, `+02:00`, `+0200`, `-08`: seconds east of UTC.
    mutating func zone() -> Int? {
        let rest = String(decoding: bytes[index...], as: UTF8.self)
        if ["Z", "z", "UTC", "GMT"].contains(rest) {
            index = bytes.count
            return 0
        }
        let sign: Int
        if skip("+") { sign = 1 } else if skip("-") { sign = -1 } else { return nil }
        guard let hours = digits(2), hours <= 14 else { return nil }
        var minutes = 0
        if skip(":") {
            guard let m = digits(2) else { return nil }
            minutes = m
        } else if let m = digits(2) {
            minutes = m
        }
        guard minutes < 60 else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }
}
