import Foundation
import TOMLKit
import Yams

/// One value of front matter, whichever of YAML, TOML or JSON it was written in: what the three
/// have in common, so that one reader interprets the keys for all of them.
public indirect enum FrontMatterValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case number(Double)
    case bool(Bool)
    /// A date or date-time as written (TOML's typed dates are written back as RFC 3339 text), so
    /// that a date without a zone can be read in the site's time zone.
    case date(String)
    case list([FrontMatterValue])
    case table([FrontMatterEntry])

    /// The text of a scalar (a number or a flag as written), nil for a list or a table.
    public var text: String? {
        switch self {
        case let .string(text), let .date(text): text
        case let .integer(value): String(value)
        case let .number(value): String(value)
        case let .bool(value): String(value)
        case .list, .table: nil
        }
    }

    /// A list of texts: a list's scalars, or one scalar as a list of one.
    public var texts: [String]? {
        if case let .list(items) = self { return items.compactMap(\.text) }
        return text.map { [$0] }
    }

    public subscript(key: String) -> FrontMatterValue? {
        guard case let .table(entries) = self else { return nil }
        return entries.last(where: { $0.key == key })?.value
    }

    /// JSON for the value, with keys in the order they were written: how unknown keys are kept.
    public var json: String {
        switch self {
        case let .string(text), let .date(text): Self.quoted(text)
        case let .integer(value): String(value)
        case let .number(value): value.isFinite ? String(value) : "null"
        case let .bool(value): String(value)
        case let .list(items): "[" + items.map(\.json).joined(separator: ",") + "]"
        case let .table(entries): "{" + entries.map { Self.quoted($0.key) + ":" + $0.value.json }.joined(separator: ",") + "}"
        }
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// A key of a front matter table, with the file line it is on where the format tells it.
public struct FrontMatterEntry: Sendable, Equatable {
    public var key: String
    public var value: FrontMatterValue
    public var line: Int?

    public init(key: String, value: FrontMatterValue, line: Int? = nil) {
        self.key = key
        self.value = value
        self.line = line
    }
}

/// The three ways a static site generator fences front matter.
public enum FrontMatterFormat: String, Sendable {
    /// `---` … `---` (Jekyll, Hugo, Zola's YAML option)
    case yaml
    /// `+++` … `+++` (Hugo, Zola)
    case toml
    /// `{` … `}` at the top of the file (Hugo)
    case json
}

extension FrontMatterValue {
    typealias ParseError = MarkdownDocument.ParseError

    /// Reads a YAML mapping. A key given twice at the top level is a warning (the last one counts,
    /// as Jekyll's Ruby YAML decides), not a failure.
    static func yaml(_ text: String, firstLine: Int, warnings: inout [MarkdownDocument.Warning]) throws(ParseError) -> [FrontMatterEntry] {
        var text = text
        var root: Node?
        while true {
            do {
                // The encoding given: Yams' default reads the process's environment every time.
                root = try Yams.compose(yaml: text, .default, .default, .utf8)
                break
            } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
                // Keep the last block of each key given twice; nested duplicates stay errors, and
                // so do keys that no line starts (an anchor, a flow mapping): each round must drop
                // something, or it would never end (the front-matter fuzz target's finding).
                guard let dropped = Self.droppingEarlierTopLevelKeys(duplicates, in: text), dropped != text else {
                    throw .init(line: context.mark.line + firstLine - 1, message: "duplicate keys: \(duplicates.joined(separator: ", "))")
                }
                for key in duplicates {
                    warnings.append(.init(line: context.mark.line + firstLine - 1, kind: "duplicate key", message: "'\(key)' is given more than once; the last one is used"))
                }
                text = dropped
            } catch let error as YamlError {
                throw Self.error(error, firstLine: firstLine)
            } catch {
                throw .init(line: firstLine, message: "unreadable YAML: \(error)")
            }
        }
        guard let root else { return [] }
        guard let mapping = root.mapping else {
            throw .init(line: firstLine, message: "front matter must be a mapping of keys to values")
        }
        return try entries(of: mapping, firstLine: firstLine)
    }

    private static func entries(of mapping: Node.Mapping, firstLine: Int) throws(ParseError) -> [FrontMatterEntry] {
        var entries: [FrontMatterEntry] = []
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else { continue }
            let line = (keyNode.mark?.line ?? 1) + firstLine - 1
            guard let value = try value(of: valueNode, firstLine: firstLine) else { continue }
            entries.append(FrontMatterEntry(key: key, value: value, line: line))
        }
        return entries
    }

    private static func value(of node: Node, firstLine: Int) throws(ParseError) -> FrontMatterValue? {
        switch node {
        case let .scalar(scalar):
            if node.null != nil { return nil }
            // Quoted text is text, whatever it looks like.
            if scalar.style == .plain {
                if let flag = node.bool { return .bool(flag) }
                if let integer = node.int { return .integer(integer) }
                if let number = node.float, scalar.string.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return .number(number) }
                if FrontMatterDate.looksLikeDate(scalar.string) { return .date(scalar.string) }
            }
            return .string(scalar.string)
        case let .sequence(sequence):
            var items: [FrontMatterValue] = []
            for item in sequence {
                if let value = try value(of: item, firstLine: firstLine) { items.append(value) }
            }
            return .list(items)
        case let .mapping(mapping):
            return .table(try entries(of: mapping, firstLine: firstLine))
        case .alias:
            return nil
        }
    }

    /// The YAML without the earlier top-level blocks of `keys` (a block is a line `key:` at
    /// column 0 and the indented lines under it), or nil when none of them is top-level.
    private static func droppingEarlierTopLevelKeys(_ keys: [String], in text: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        func topKey(_ line: Substring) -> String? {
            guard let first = line.first, first != " ", first != "\t", first != "#", first != "-" else { return nil }
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return String(line[..<colon]).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        }
        var lastStart: [String: Int] = [:]
        for (index, line) in lines.enumerated() {
            if let key = topKey(line), keys.contains(key) { lastStart[key] = index }
        }
        guard !lastStart.isEmpty else { return nil }
        var keep: [Substring] = []
        var dropping = false
        for (index, line) in lines.enumerated() {
            if let key = topKey(line) {
                dropping = keys.contains(key) && lastStart[key] != index
            }
            // A blank line stands in for a dropped one, so that line numbers stay right.
            keep.append(dropping ? "" : line)
        }
        return keep.joined(separator: "\n")
    }

    private static func error(_ error: YamlError, firstLine: Int) -> ParseError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let message = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return .init(line: mark.line + firstLine - 1, message: "not valid YAML at line \(mark.line + firstLine - 1): \(message)")
        default:
            return .init(line: firstLine, message: "not valid YAML: \(error)")
        }
    }

    /// Reads a TOML table with TOMLKit (toml++, TOML 1.0).
    static func toml(_ text: String, firstLine: Int) throws(ParseError) -> [FrontMatterEntry] {
        if let failure = TOMLSyntax.firstFailure(in: text) {
            let shown = failure.line + firstLine - 1
            throw .init(line: shown, message: "TOML front matter: \(failure.reason) (line \(shown))")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let line = error.source.begin.line + firstLine - 1
            throw .init(line: line, message: "TOML front matter: \(error.description) (line \(line))")
        } catch {
            throw .init(line: firstLine, message: "TOML front matter: \(error)")
        }
        return entries(of: table)
    }

    private static func entries(of table: TOMLTable) -> [FrontMatterEntry] {
        // toml++ keeps a table's keys sorted; the source order is not known.
        table.keys.compactMap { key in table[key].flatMap(value(of:)).map { FrontMatterEntry(key: key, value: $0) } }
    }

    private static func value(of node: any TOMLValueConvertible) -> FrontMatterValue? {
        switch node.type {
        case .string: return node.string.map(FrontMatterValue.string)
        case .int: return node.int.map(FrontMatterValue.integer)
        case .double: return node.double.map(FrontMatterValue.number)
        case .bool: return node.bool.map(FrontMatterValue.bool)
        case .date: return node.date.map { .date(String(format: "%04d-%02d-%02d", $0.year, $0.month, $0.day)) }
        case .time: return node.time.map { .string(String(format: "%02d:%02d:%02d", $0.hour, $0.minute, $0.second)) }
        case .dateTime:
            guard let value = node.dateTime else { return nil }
            var text = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.%03d", value.date.year, value.date.month, value.date.day,
                value.time.hour, value.time.minute, value.time.second, value.time.nanoSecond / 1_000_000
            )
            if let offset = value.offset?.offset {
                text += offset == 0 ? "Z" : String(format: "%@%02d:%02d", offset < 0 ? "-" : "+", abs(offset) / 60, abs(offset) % 60)
            }
            return .date(text)
        case .array:
            guard let array = node.array else { return nil }
            return .list((0..<array.count).compactMap { value(of: array[$0]) })
        case .table:
            return node.table.map { .table(entries(of: $0)) }
        }
    }

    /// Reads a JSON object (Hugo's `{ … }` front matter).
    static func json(_ text: String, firstLine: Int) throws(ParseError) -> [FrontMatterEntry] {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch let DecodingError.dataCorrupted(context) {
            throw .init(line: firstLine, message: "JSON front matter is not valid JSON: \((context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] ?? context.debugDescription)")
        } catch {
            throw .init(line: firstLine, message: "JSON front matter is not valid JSON: \(error)")
        }
        guard case let .table(entries) = value.value else {
            throw .init(line: firstLine, message: "front matter must be a mapping of keys to values")
        }
        return entries
    }
}

/// JSON as front matter values: flags stay flags, whole numbers integers.
private struct JSONValue: Decodable {
    var value: FrontMatterValue?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = nil
        } else if let flag = try? container.decode(Bool.self) {
            value = .bool(flag)
        } else if let integer = try? container.decode(Int.self) {
            value = .integer(integer)
        } else if let number = try? container.decode(Double.self) {
            value = .number(number)
        } else if let text = try? container.decode(String.self) {
            value = FrontMatterDate.looksLikeDate(text) ? .date(text) : .string(text)
        } else if let items = try? container.decode([JSONValue].self) {
            value = .list(items.compactMap(\.value))
        } else {
            let dictionary = try container.decode([String: JSONValue].self)
            value = .table(dictionary.keys.sorted().compactMap { key in dictionary[key]?.value.map { FrontMatterEntry(key: key, value: $0) } })
        }
    }
}
