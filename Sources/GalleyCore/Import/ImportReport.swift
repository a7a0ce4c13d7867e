import Foundation

/// What an import did (or, with `--dry-run`, would do), file by file, and what still needs a human.
public struct ImportReport: Sendable, Equatable {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var line: Int?
        public var message: String
        public var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(message)" }
    }

    /// Something that did not stop a file but that its author should look at.
    public struct Warning: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable, CaseIterable {
            case unresolvedLink = "unresolved links"
            case untranslatedTag = "untranslated template tags"
            case missingImage = "missing images"
            case refusedFile = "files not imported"
            case renamed = "slugs taken, renamed"
            case noDate = "no date"
            case expiry = "expiry dates"
            case duplicateKey = "duplicate keys"
            case aliasTaken = "old addresses taken"
        }

        public var kind: Kind
        public var path: String
        public var line: Int?
        public var message: String
        public var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(message)" }
    }

    public var engine: SiteLayout.Engine?
    public var filesRead = 0
    public var created: [String] = []
    public var updated: [String] = []
    public var unchanged: [String] = []
    /// (file, why)
    public var skipped: [(path: String, reason: String)] = []
    public var failures: [Failure] = []
    public var warnings: [Warning] = []
    /// Old addresses stored as aliases, and images and files stored as media.
    public var aliases = 0
    public var media = 0
    /// What became of a Galley export's settings.
    public var settings: String?
    public var dryRun = false

    public init() {}

    public static func == (lhs: ImportReport, rhs: ImportReport) -> Bool {
        lhs.created == rhs.created && lhs.updated == rhs.updated && lhs.unchanged == rhs.unchanged
            && lhs.skipped.map(\.path) == rhs.skipped.map(\.path) && lhs.failures == rhs.failures && lhs.warnings == rhs.warnings
    }

    public var summary: String {
        "\(created.count) created, \(updated.count) updated, \(unchanged.count) unchanged, "
            + "\(skipped.count) skipped, \(failures.count) failed"
    }

    /// The closing table: counts, skip reasons, and warnings by kind.
    public var table: String {
        var rows: [(String, String)] = [
            ("files read", String(filesRead)),
            (dryRun ? "would create" : "created", String(created.count)),
            (dryRun ? "would update" : "updated", String(updated.count)),
            ("unchanged", String(unchanged.count)),
            ("skipped", String(skipped.count)),
        ]
        for (reason, count) in Dictionary(grouping: skipped, by: \.reason).mapValues(\.count).sorted(by: { $0.key < $1.key }) {
            rows.append(("  \(reason)", String(count)))
        }
        rows.append(("failed", String(failures.count)))
        rows.append(("old addresses kept", String(aliases)))
        rows.append(("images and files stored", String(media)))
        if let settings { rows.append(("settings", settings)) }
        for kind in Warning.Kind.allCases {
            let count = warnings.filter { $0.kind == kind }.count
            if count > 0 { rows.append(("warning: \(kind.rawValue)", String(count))) }
        }
        let width = rows.map(\.0.count).max() ?? 0
        let valueWidth = rows.map(\.1.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + String(repeating: " ", count: valueWidth - $0.1.count) + $0.1 }
            .joined(separator: "\n")
    }
}
