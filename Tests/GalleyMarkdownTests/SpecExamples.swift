import Foundation
import Testing

/// One example of a CommonMark-style spec file: Markdown in, expected HTML out.
struct SpecExample: Sendable, CustomTestStringConvertible {
    let file: String
    let number: Int
    let line: Int
    let section: String
    let markdown: String
    let html: String

    var key: String { "\(file):\(number)" }
    var testDescription: String { "\(key) (\(section), line \(line))" }

    /// Reads every example of a spec file shipped in `Fixtures/`, numbered from 1 as cmark's
    /// `spec_tests.py` numbers them (disabled examples keep their number but are left out).
    static func load(_ file: String) throws -> [SpecExample] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(file)", withExtension: "txt"))
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let fence = String(repeating: "`", count: 32)
        var examples: [SpecExample] = []
        var section = ""
        var index = 0
        var number = 0
        while index < lines.count {
            let line = lines[index]
            if line.hasPrefix("#") {
                section = line.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces)
            }
            // `example`, optionally followed by the extensions it needs; `disabled` ones are
            // skipped by cmark's own runner too.
            guard line.hasPrefix("\(fence) example") else { index += 1; continue }
            number += 1
            let disabled = line.split(separator: " ").contains("disabled")
            let start = index + 1
            var markdown: [Substring] = []
            var html: [Substring] = []
            index += 1
            while lines[index] != "." { markdown.append(lines[index]); index += 1 }
            index += 1
            while lines[index] != fence { html.append(lines[index]); index += 1 }
            index += 1
            func text(_ lines: [Substring]) -> String {
                lines.map { $0 + "\n" }.joined().replacingOccurrences(of: "→", with: "\t")
            }
            if disabled { continue }
            examples.append(SpecExample(
                file: file, number: number, line: start, section: section,
                markdown: text(markdown), html: text(html)
            ))
        }
        return examples
    }
}

