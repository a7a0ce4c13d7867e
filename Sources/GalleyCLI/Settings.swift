import Foundation
import GalleyCore
import Logging

/// Reads each setting from its command-line option, else its environment variable, else its
/// default, and collects every bad value so that one error names them all.
struct Settings {
    let environment: [String: String]
    private(set) var problems: [String] = []

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The raw text of a setting, if given: the option wins over the variable.
    func raw(_ option: String?, env: String) -> String? {
        option ?? environment[env]
    }

    mutating func value<T>(
        _ option: String?, flag: String, env: String, default defaultValue: T,
        expectation: String, _ parse: (String) -> T?
    ) -> T {
        guard let text = raw(option, env: env) else { return defaultValue }
        guard let value = parse(text) else {
            problems.append("\(flag) (\(env)): '\(text)' is not \(expectation)")
            return defaultValue
        }
        return value
    }

    /// Throws one error naming every bad setting, if there was any.
    func validate() throws {
        if !problems.isEmpty { throw ConfigurationError(problems: problems) }
    }
}

struct ConfigurationError: Error, CustomStringConvertible {
    let problems: [String]
    var description: String {
        "invalid configuration:\n" + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}

enum Parse {
    /// A whole number in `range`.
    static func whole(_ range: ClosedRange<Int>) -> (String) -> Int? {
        { Int($0).flatMap { range.contains($0) ? $0 : nil } }
    }

    static func port(_ text: String) -> Int? {
        whole(0...65_535)(text)
    }

    static func host(_ text: String) -> String? {
        let valid = !text.isEmpty && text.utf8.count <= 253 && text.allSatisfy { $0.isLetter || $0.isNumber || ".-:[]".contains($0) }
        return valid ? text.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) : nil
    }

    /// An absolute http(s) URL with a host and no query or fragment, kept without a trailing slash.
    static func baseURL(_ text: String) -> String? {
        SiteSettings.parseBaseURL(text)
    }

    static func cacheSize(_ text: String) -> Int? {
        whole(0...65_536)(text)
    }

    static func logLevel(_ text: String) -> Logger.Level? {
        Logger.Level(rawValue: text.lowercased())
    }

    static func nonEmpty(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}
