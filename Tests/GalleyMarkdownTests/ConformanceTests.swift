import Foundation
import GalleyMarkdown
import Testing

/// Every example of the CommonMark spec and of GitHub's extension spec goes through our
/// renderer. Those our own additions deliberately change are listed, each with its reason, in
/// `Fixtures/expected-differences.txt`; the list must stay exact in both directions.
@Suite struct ConformanceTests {
    static let examples: [SpecExample] = {
        do {
            return try SpecExample.load("spec") + SpecExample.load("extensions")
        } catch {
            Issue.record(error)
            return []
        }
    }()

    @Test func specFilesAreRead() {
        #expect(Self.examples.filter { $0.file == "spec" }.count == 671)
        #expect(Self.examples.filter { $0.file == "extensions" }.count == 28)
    }

    @Test func everyExamplePassesExceptTheListedDifferences() throws {
        let listed = try ExpectedDifferences.load()
        let renderer = MarkdownRenderer()
        var failing: [String: SpecExample] = [:]
        for example in Self.examples {
            // cmark's runner skips examples whose expectation is <IGNORE>: they only must not crash.
            guard example.html != "<IGNORE>\n" else { _ = renderer.render(example.markdown); continue }
            let actual = HTMLNormalizer.normalize(renderer.render(example.markdown).html)
            let expected = HTMLNormalizer.normalize(example.html)
            if actual != expected { failing[example.key] = example }
        }
        let unexpected = failing.keys.filter { listed[$0] == nil }.sorted()
        let nowPassing = listed.keys.filter { failing[$0] == nil }.sorted()
        for key in unexpected {
            let example = try #require(failing[key])
            Issue.record("""
                \(example.testDescription) fails and is not listed:
                markdown: \(example.markdown.debugDescription)
                expected: \(HTMLNormalizer.normalize(example.html).debugDescription)
                actual:   \(HTMLNormalizer.normalize(renderer.render(example.markdown).html).debugDescription)
                """)
        }
        #expect(nowPassing.isEmpty, "listed as different but now passing: \(nowPassing)")
    }
}

/// `Fixtures/expected-differences.txt`: one `file:number  reason` line per example.
enum ExpectedDifferences {
    static func load() throws -> [String: String] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/expected-differences", withExtension: "txt"))
        var entries: [String: String] = [:]
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let parts = trimmed.split(separator: " ", maxSplits: 1)
            let reason = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
            #expect(!reason.isEmpty, "entry without a reason: \(trimmed)")
            entries[String(parts[0])] = reason
        }
        return entries
    }
}
