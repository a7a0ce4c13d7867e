import Foundation

/// Finds and rewrites the targets of links and images in Markdown: `[text](target)`,
/// `![alt](target "title")`, reference definitions `[id]: target`, and raw HTML's `src`, `href`
/// and `srcset`. Code (fenced blocks, inline spans) is left alone.
enum ContentLinks {
    enum Kind: Sendable, Equatable {
        case image, link
    }

    struct Target {
        var value: String
        var kind: Kind
        /// 1-based, in the text given.
        var line: Int
    }

    /// The text with each target replaced by what `replace` gives (nil keeps it).
    static func rewrite(_ text: String, _ replace: (Target) -> String?) -> String {
        var fence: (marker: Character, count: Int)?
        var result = ""
        result.reserveCapacity(text.utf8.count)
        // Split on the newline byte: splitting Characters is several times slower.
        let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Substring($0) }
        for (number, line) in lines.enumerated() {
            if number > 0 { result += "\n" }
            let trimmed = line.drop(while: { $0 == " " })
            if let marker = trimmed.first, marker == "`" || marker == "~" {
                let count = trimmed.prefix(while: { $0 == marker }).count
                if count >= 3 {
                    if let open = fence {
                        if open.marker == marker, count >= open.count, trimmed.dropFirst(count).allSatisfy(\.isWhitespace) { fence = nil }
                    } else {
                        fence = (marker, count)
                    }
                    result += line
                    continue
                }
            }
            if fence != nil {
                result += line
                continue
            }
            result += rewriteLine(line, line: number + 1, replace)
        }
        return result
    }

    private static func rewriteLine(_ line: Substring, line number: Int, _ replace: (Target) -> String?) -> String {
        // Most lines hold no link, no image and no definition: nothing to look at.
        guard line.utf8.contains(where: { $0 == UInt8(ascii: "]") || $0 == UInt8(ascii: "=") }) else { return String(line) }
        let characters = Array(line)
        var result = ""
        var index = 0
        // A reference definition: `[id]: target "title"` at the start of the line.
        if let definition = referenceDefinition(characters) {
            let value = String(characters[definition])
            result += String(characters[..<definition.lowerBound])
            result += replace(Target(value: value, kind: isImagePath(value) ? .image : .link, line: number)) ?? value
            result += String(characters[definition.upperBound...])
            return result
        }
        while index < characters.count {
            let character = characters[index]
            if character == "`" {
                // An inline code span: copied as it is, up to the same run of backticks.
                let run = characters[index...].prefix(while: { $0 == "`" }).count
                var end = index + run
                var closed = false
                while end < characters.count {
                    if characters[end] == "`" {
                        let closing = characters[end...].prefix(while: { $0 == "`" }).count
                        if closing == run { end += closing; closed = true; break }
                        end += closing
                    } else {
                        end += 1
                    }
                }
                let stop = closed ? end : index + run
                result += String(characters[index..<stop])
                index = stop
                continue
            }
            if character == "]", index + 1 < characters.count, characters[index + 1] == "(" {
                let isImage = imageOpening(characters, before: index)
                result += "]("
                index += 2
                while index < characters.count, characters[index] == " " { result.append(" "); index += 1 }
                let start = index
                var depth = 0
                if index < characters.count, characters[index] == "<" {
                    while index < characters.count, characters[index] != ">" { index += 1 }
                    let value = String(characters[(start + 1)..<min(index, characters.count)])
                    result += "<" + (replace(Target(value: value, kind: isImage ? .image : .link, line: number)) ?? value)
                    continue
                }
                while index < characters.count {
                    let c = characters[index]
                    if c == "(" { depth += 1 } else if c == ")" { if depth == 0 { break }; depth -= 1 } else if c == " " { break }
                    index += 1
                }
                let value = String(characters[start..<index])
                result += value.isEmpty ? "" : (replace(Target(value: value, kind: isImage ? .image : .link, line: number)) ?? value)
                continue
            }
            if let (name, valueRange) = htmlAttribute(characters, at: index) {
                let value = String(characters[valueRange])
                result += String(characters[index..<valueRange.lowerBound])
                if name == "srcset" {
                    result += value.split(separator: ",").map { candidate -> String in
                        let parts = candidate.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1).map(String.init)
                        guard let url = parts.first else { return String(candidate) }
                        let replaced = replace(Target(value: url, kind: .image, line: number)) ?? url
                        return ([replaced] + parts.dropFirst()).joined(separator: " ")
                    }.joined(separator: ", ")
                } else {
                    let kind: Kind = name == "src" || isImagePath(value) ? .image : .link
                    result += replace(Target(value: value, kind: kind, line: number)) ?? value
                }
                index = valueRange.upperBound
                continue
            }
            result.append(character)
            index += 1
        }
        return result
    }

    /// Whether the `]` at `index` closes an image's alt text (`![…]`).
    private static func imageOpening(_ characters: [Character], before index: Int) -> Bool {
        var depth = 0
        var i = index - 1
        while i >= 0 {
            if characters[i] == "]" { depth += 1 } else if characters[i] == "[" {
                if depth == 0 { return i > 0 && characters[i - 1] == "!" }
                depth -= 1
            }
            i -= 1
        }
        return false
    }

    private static func referenceDefinition(_ characters: [Character]) -> Range<Int>? {
        var i = 0
        while i < characters.count, i < 3, characters[i] == " " { i += 1 }
        guard i < characters.count, characters[i] == "[", i + 1 < characters.count, characters[i + 1] != "^" else { return nil }
        guard let close = characters[i...].firstIndex(of: "]"), close + 1 < characters.count, characters[close + 1] == ":" else { return nil }
        var start = close + 2
        while start < characters.count, characters[start] == " " { start += 1 }
        var end = start
        while end < characters.count, !characters[end].isWhitespace { end += 1 }
        guard end > start else { return nil }
        if characters[start] == "<", characters[end - 1] == ">" { return (start + 1)..<(end - 1) }
        return start..<end
    }

    /// ` src="…"`, ` href='…'`, ` srcset="…"` starting at `index`: the name and the value's range.
    private static func htmlAttribute(_ characters: [Character], at index: Int) -> (String, Range<Int>)? {
        guard characters[index] == " " || characters[index] == "\t", index + 1 < characters.count else { return nil }
        // Most spaces are between words: only an `s` or an `h` can start one of these.
        let first = characters[index + 1]
        guard first == "s" || first == "S" || first == "h" || first == "H" else { return nil }
        for name in ["src", "href", "srcset"] {
            let letters = name.count
            guard index + 2 + letters < characters.count else { continue }
            var matches = true
            for (offset, letter) in name.enumerated() where characters[index + 1 + offset].lowercased() != String(letter) {
                matches = false
                break
            }
            guard matches, characters[index + 1 + letters] == "=" else { continue }
            let quoteIndex = index + 2 + letters
            let quote = characters[quoteIndex]
            guard quote == "\"" || quote == "'" else { continue }
            guard let end = characters[(quoteIndex + 1)...].firstIndex(of: quote) else { return nil }
            return (name, (quoteIndex + 1)..<end)
        }
        return nil
    }

    static func isImagePath(_ path: String) -> Bool {
        let bare = path.split(whereSeparator: { $0 == "?" || $0 == "#" }).first.map(String.init) ?? path
        return ["png", "jpg", "jpeg", "gif", "webp", "svg", "avif"].contains(URL(fileURLWithPath: bare).pathExtension.lowercased())
    }
}
