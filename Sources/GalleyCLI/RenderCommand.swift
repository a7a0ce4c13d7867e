import ArgumentParser
import Foundation
import GalleyCore
import GalleyMarkdown

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print a Markdown file as the HTML Galley would publish.",
        discussion: """
            The same pipeline as a saved post: GitHub-flavoured Markdown, raw HTML sanitized (or as \
            --raw-html says), highlighted code, heading anchors. Front matter is left out. With \
            --repeat, renders that many times and reports the time per render on standard error \
            instead.
            """
    )

    @Argument(help: ArgumentHelp("A Markdown file, with or without front matter; - reads standard input.", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("Render this many times and report the time per render.", valueName: "count"))
    var `repeat`: Int?

    @Option(help: ArgumentHelp("sanitized (default), escaped or omitted, as the site setting.", valueName: "mode"))
    var rawHTML: MarkdownRenderer.RawHTML = .sanitized

    func validate() throws {
        if let count = `repeat`, count < 1 { throw ValidationError("--repeat needs a count of at least 1") }
    }

    func run() throws {
        let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
        let markdown: String
        do {
            markdown = try MarkdownDocument.parse(String(decoding: data, as: UTF8.self)).body
        } catch {
            throw ValidationError("\(file):\(error.line): \(error.message)")
        }
        let renderer = MarkdownRenderer(rawHTML: rawHTML)
        guard let count = `repeat` else {
            print(renderer.render(markdown).html, terminator: "")
            return
        }
        var fastest = Duration.seconds(3600)
        let clock = ContinuousClock()
        let total = clock.measure {
            for _ in 0..<count {
                let one = clock.measure { _ = renderer.render(markdown) }
                fastest = min(fastest, one)
            }
        }
        let microseconds = { (duration: Duration) in Double(duration.components.attoseconds) / 1e12 + Double(duration.components.seconds) * 1e6 }
        FileHandle.standardError.write(Data(String(
            format: "rendered %d bytes %d times: mean %.1f µs, fastest %.1f µs\n",
            data.count, count, microseconds(total) / Double(count), microseconds(fastest)
        ).utf8))
    }
}

extension MarkdownRenderer.RawHTML: ExpressibleByArgument {}
