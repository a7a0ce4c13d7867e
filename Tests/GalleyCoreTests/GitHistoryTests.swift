import Foundation
@testable import GalleyCore
import Testing

/// A page that says no date is dated by its git history, not by when it was checked out.
@Suite struct GitHistoryTests {
    @Test func logIsReadIntoFirstAndLastCommitDates() {
        let log = "\u{1E}2024-03-01T10:00:00+01:00\n\nposts/b.md\nposts/ä.md\n\u{1E}2023-01-01T00:00:00Z\n\nposts/b.md\n\u{1E}not a date\n\nposts/c.md\n"
        let dates = GitHistory.parse(log)
        #expect(dates["posts/b.md"] == .init(created: Date(timeIntervalSince1970: 1_672_531_200), modified: Date(timeIntervalSince1970: 1_709_283_600)))
        #expect(dates["posts/ä.md"]?.created == Date(timeIntervalSince1970: 1_709_283_600))
        #expect(dates["posts/c.md"] == nil)
    }

    /// Runs `git` in `folder` with fixed author and committer dates.
    func git(_ arguments: [String], in folder: URL, at date: String = "2020-01-01T00:00:00Z") throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder.path] + arguments
        process.environment = [
            "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com", "GIT_COMMITTER_NAME": "Ada",
            "GIT_COMMITTER_EMAIL": "ada@example.com", "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder.path,
        ]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "git \(arguments)")
    }

    @Test func anUndatedPageOfASiteInGitIsDatedByItsCommits() async throws {
        let repository = FileManager.default.temporaryDirectory.appendingPathComponent("galley-git-\(UUID())")
        defer { try? FileManager.default.removeItem(at: repository) }
        // The site is a folder of the repository, as a project's docs/ often is.
        let site = repository.appendingPathComponent("docs")
        try FileManager.default.createDirectory(at: site.appendingPathComponent("_docs"), withIntermediateDirectories: true)
        try "---\ntitle: Install\n---\nFirst words.\n".write(to: site.appendingPathComponent("_docs/install.md"), atomically: true, encoding: .utf8)
        try "collections:\n  docs:\n    output: true\n".write(to: site.appendingPathComponent("_config.yml"), atomically: true, encoding: .utf8)
        try git(["init", "-q"], in: repository)
        try git(["add", "."], in: repository)
        try git(["commit", "-q", "-m", "first"], in: repository, at: "2021-05-17T09:30:00Z")
        try "---\ntitle: Install\n---\nFirst words, and more.\n".write(to: site.appendingPathComponent("_docs/install.md"), atomically: true, encoding: .utf8)
        try git(["commit", "-q", "-am", "second"], in: repository, at: "2022-02-02T12:00:00Z")

        let store = MemoryStore()
        let report = await SiteImporter(store: store, options: .init(), clock: { Date(timeIntervalSince1970: 1_800_000_000) }).importPaths([site.path])
        #expect(report.failures.isEmpty, "\(report.failures)")
        let install = try #require(try await store.post(slug: Slug("install")))
        #expect(install.publishedAt == Date(timeIntervalSince1970: 1_621_243_800))
        #expect(install.updatedAt == Date(timeIntervalSince1970: 1_643_803_200))
        #expect(report.warnings.contains { $0.kind == .noDate && $0.message.hasSuffix("its first commit's date is used (git)") })
    }
}
