import Foundation
import Synchronization

/// When each file of a site was first and last committed, from the site's git history: the best
/// date for a page whose front matter, file name and address say none (Hugo's `enableGitInfo`
/// reads the same), far better than the modification time a fresh checkout gives every file.
///
/// Read on first use only (most sites date every post), with one `git log` for the whole site;
/// nothing when the site is not in a git work tree or git is not installed.
public final class GitHistory: Sendable {
    public struct Dates: Sendable, Equatable {
        /// The author date of the first commit that has the file at this path.
        public var created: Date
        /// The author date of the last commit that changed it.
        public var modified: Date
    }

    public let root: URL
    private let loaded = Mutex<[String: Dates]?>(nil)

    public init(root: URL) {
        self.root = root
    }

    /// The dates of the file at `path`, relative to the root; nil when git does not know it.
    public func dates(of path: String) -> Dates? {
        loaded.withLock { loaded in
            if loaded == nil { loaded = Self.read(root) }
            return loaded?[path]
        }
    }

    static func read(_ root: URL) -> [String: Dates] {
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // Author dates, newest first; paths relative to the root, unquoted, renames as new files.
        git.arguments = [
            "git", "-c", "core.quotePath=false", "-C", root.path, "log", "--format=%x1e%aI", "--name-only",
            "--no-renames", "--relative", "--", ".",
        ]
        let output = Pipe()
        git.standardOutput = output
        git.standardError = FileHandle.nullDevice
        do {
            try git.run()
        } catch {
            return [:]
        }
        // Read before waiting: a long history fills the pipe's buffer.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        git.waitUntilExit()
        guard git.terminationStatus == 0 else { return [:] }
        return parse(String(decoding: data, as: UTF8.self))
    }

    /// `git log --format=%x1e%aI --name-only` read into each path's first and last dates.
    static func parse(_ log: String) -> [String: Dates] {
        let formatter = ISO8601DateFormatter()
        var dates: [String: Dates] = [:]
        for commit in log.split(separator: "\u{1E}") {
            var lines = commit.split(separator: "\n").makeIterator()
            guard let stamp = lines.next(), let date = formatter.date(from: String(stamp)) else { continue }
            while let path = lines.next() {
                let path = String(path)
                // Newest first: the first commit seen changed it last; the last seen created it.
                dates[path, default: Dates(created: date, modified: date)].created = date
            }
        }
        return dates
    }
}
