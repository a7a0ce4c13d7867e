import Foundation
import Yams

/// The YAML block at the top of a Markdown file, as Jekyll and Hugo write it.
public struct FrontMatter: Sendable, Equatable {
    public var title: String?
    public var date: Date?
    public var slug: String?
    public var tags: [String] = []
    public var draft = false
    public var summary: String?

    public init() {}
}

/// A Markdown file split into its front matter and body.
public struct MarkdownDocument: Sendable, Equatable {
    public var frontMatter: FrontMatter
    public var body: String

    /// Something wrong in a file, at a 1-based line of that file.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Splits `---`-fenced YAML front matter from the body and reads the keys Galley knows:
    /// `title`, `date`, `slug`, `tags` (a list, or a comma- or space-separated string), `draft`,
    /// `published: false` (Jekyll's draft), and `summary` or `description`. Unknown keys are ignored.
    public static func parse(_ text: String) throws(ParseError) -> MarkdownDocument {
        // `\r\n` is one Character in Swift, so split on any newline, not on "\n".
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = first.dropFirst() }
        guard lines.first?.trimmingTrailingSpaces() == "---" else {
            return MarkdownDocument(frontMatter: FrontMatter(), body: text)
        }
        guard let end = lines.dropFirst().firstIndex(where: { ["---", "..."].contains($0.trimmingTrailingSpaces()) }) else {
            throw ParseError(line: 1, message: "front matter opened with '---' is never closed")
        }
        let yaml = lines[1..<end].joined(separator: "\n")
        let body = lines[(end + 1)...].joined(separator: "\n")
        return MarkdownDocument(frontMatter: try FrontMatter(yaml: yaml, firstLine: 2), body: body)
    }
}

extension FrontMatter {
    /// - Parameter firstLine: the file line the YAML starts on, so errors point into the file.
    init(yaml: String, firstLine: Int) throws(MarkdownDocument.ParseError) {
        self.init()
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw Self.error(error, firstLine: firstLine)
        } catch {
            throw .init(line: firstLine, message: "unreadable YAML: \(error)")
        }
        guard let root else { return }
        guard let mapping = root.mapping else {
            throw .init(line: firstLine, message: "front matter must be a mapping of keys to values")
        }
        func line(_ node: Node) -> Int { (node.mark?.line ?? 1) + firstLine - 1 }
        func string(_ node: Node, _ key: String) throws(MarkdownDocument.ParseError) -> String {
            guard let scalar = node.scalar else { throw .init(line: line(node), message: "'\(key)' must be text") }
            return scalar.string
        }
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { continue }
            if value.null != nil { continue }
            switch key {
            case "title":
                title = try string(value, key)
            case "slug":
                slug = try string(value, key)
            case "summary", "description":
                if summary == nil { summary = try string(value, key) }
            case "date":
                let text = try string(value, key)
                guard let parsed = FrontMatterDate.parse(text) else {
                    throw .init(line: line(value), message: "'date' is not a date: '\(text)' (use e.g. 2024-05-17 or 2024-05-17T09:30:00+02:00)")
                }
                date = parsed
            case "tags":
                if let sequence = value.sequence {
                    tags = try sequence.map { node throws(MarkdownDocument.ParseError) in try string(node, "tags") }
                } else {
                    let text = try string(value, key)
                    tags = text.split(whereSeparator: { $0 == "," || (!text.contains(",") && $0 == " ") })
                        .map { $0.trimmingCharacters(in: .whitespaces) }
                }
            case "draft", "published":
                guard let flag = value.bool else {
                    throw .init(line: line(value), message: "'\(key)' must be true or false")
                }
                draft = draft || (key == "draft" ? flag : !flag)
            default:
                continue
            }
        }
    }

    private static func error(_ error: YamlError, firstLine: Int) -> MarkdownDocument.ParseError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let message = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return .init(line: mark.line + firstLine - 1, message: "invalid YAML: \(message)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return .init(line: context.mark.line + firstLine - 1, message: "duplicate keys: \(duplicates.joined(separator: ", "))")
        default:
            return .init(line: firstLine, message: "invalid YAML: \(error)")
        }
    }
}

/// The date formats Jekyll and Hugo front matter use. A date without a time zone is read as UTC.
enum FrontMatterDate {
    private static let formats = [
        "yyyy-MM-dd'T'HH:mm:ss.SSSXXXXX", "yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd'T'HH:mmXXXXX",
        "yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm",
        "yyyy-MM-dd HH:mm:ss.SSS Z", "yyyy-MM-dd HH:mm:ss Z", "yyyy-MM-dd HH:mm Z",
        "yyyy-MM-dd HH:mm:ssXXXXX", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd",
    ]

    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for format in formats {
            if let date = DateFormatter.utc(format).date(from: trimmed) { return date }
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingTrailingSpaces() -> Substring {
        var result = self
        while result.last == " " || result.last == "\t" { result = result.dropLast() }
        return result
    }
}
