import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Runs the real `galley` binary: import a fixture blog, serve it on a free port, read it over
/// HTTP as a browser would, and stop it with SIGTERM.
@Suite(.serialized) struct EndToEndTests {
    @Test func importServeAndReadABlog() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("galley-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))

        let firstImport = try Galley.run(["import", fixtures.appendingPathComponent("blog").path, "--data", data.path])
        #expect(firstImport.status == 0, "\(firstImport.output)")
        #expect(firstImport.output.contains("5 created, 0 updated, 0 unchanged, 0 skipped, 0 failed"))
        let again = try Galley.run(["import", fixtures.appendingPathComponent("blog").path, "--data", data.path])
        #expect(again.output.contains("0 created, 0 updated, 5 unchanged"))

        let broken = try Galley.run(["import", fixtures.appendingPathComponent("broken").path, "--data", data.path])
        #expect(broken.status == 1)
        #expect(broken.errors.contains("broken/bad-yaml.md:4: not valid YAML at line 4"), "\(broken.errors)")
        #expect(broken.output.contains("1 created"))

        let server = try Galley.serve(data: data)
        defer { server.stop() }
        let base = server.baseURL

        let home = try await HTTP.get(base + "/")
        #expect(home.status == 200)
        for visible in ["Hello from Jekyll", "Second post: tables &amp; footnotes", "A Hugo page bundle", "Fine despite its neighbour"] {
            #expect(home.body.contains(visible), "\(visible)")
        }
        for hidden in ["Not ready yet", "From the future", "Welcome to Galley"] {
            #expect(!home.body.contains(hidden), "\(hidden)")
        }

        let post = try await HTTP.get(base + "/posts/hello-jekyll")
        #expect(post.status == 200)
        #expect(post.body.contains(#"<code class="language-swift" data-lang="swift"><span class="kd">struct</span> <span class="nc">Greeting</span>"#))
        #expect(post.body.contains(#"<td align="right">42</td>"#))
        #expect(post.body.contains(#"<time datetime="2024-01-15T10:00:00Z">15 January 2024</time>"#))

        let tag = try await HTTP.get(base + "/tags/swift")
        #expect(tag.body.contains("3 posts"))
        #expect(try await HTTP.get(base + "/archive").body.contains(#"<h2 id="year-2024">2024 <span class="count">3 posts</span></h2>"#))

        let api = try await HTTP.get(base + "/api/v1/posts?per_page=2")
        #expect(api.body.contains(#""total":4"#))
        #expect(api.body.contains(#""total_pages":2"#))

        let bad = try await HTTP.get(base + "/api/v1/posts?page=abc", headers: ["X-Request-Id": "e2e-trace-0001"])
        #expect(bad.status == 400)
        #expect(bad.headers["X-Request-Id"] == "e2e-trace-0001")
        #expect(try await HTTP.get(base + "/posts/not-ready").status == 404)
        #expect(try await HTTP.get(base + "/readyz").status == 200)

        let exit = server.stop()
        #expect(exit == 0)
        #expect(server.log.contains("hb.request.id=e2e-trace-0001"), "the log line carries the request id")
    }

    /// A new site prints a one-time link for its first admin; `galley user` manages the rest,
    /// reading passwords from standard input, never from arguments.
    @Test func theFirstAdminLinkAndTheUserCommands() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("galley-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let first = try Galley.serve(data: data)
        let printed = (try? String(contentsOf: first.stdout, encoding: .utf8)) ?? ""
        let link = try #require(printed.firstMatch(of: /first admin within an hour: (http:\/\/\S+\/admin\/setup\?token=[A-Za-z0-9_-]{43})/))
        #expect(try await HTTP.get(String(link.1)).status == 200)
        #expect(first.stop() == 0)

        let user = ["user", "add", "--data", data.path, "--email", "Eve@Example.com", "--name", "Eve", "--role", "editor"]
        let short = try Galley.run(user, input: "too short\n")
        #expect(short.status != 0)
        #expect(short.errors.contains("at least 10 characters"))
        let added = try Galley.run(user, input: "a long enough password\n")
        #expect(added.status == 0, "\(added.errors)")
        #expect(added.output.contains("Added eve@example.com (editor)"))
        let again = try Galley.run(user, input: "a long enough password\n")
        #expect(again.status != 0)
        #expect(again.errors.contains("exists already"))
        #expect(try Galley.run(["user", "passwd", "--data", data.path, "--email", "eve@example.com"], input: "another long password\n").status == 0)
        #expect(try Galley.run(["user", "disable", "--data", data.path, "--email", "eve@example.com"]).status == 0)
        let list = try Galley.run(["user", "list", "--data", data.path])
        #expect(list.output.contains("eve@example.com\teditor\tEve\tdisabled"))

        let second = try Galley.serve(data: data)
        defer { second.stop() }
        let printedAgain = (try? String(contentsOf: second.stdout, encoding: .utf8)) ?? ""
        #expect(!printedAgain.contains("/admin/setup"), "no link once someone can sign in")
    }

    @Test func aFreshDataFolderGetsTheWelcomePost() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("galley-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try Galley.serve(data: data)
        defer { server.stop() }
        let home = try await HTTP.get(server.baseURL + "/")
        #expect(home.body.contains("Welcome to Galley"))
        let post = try await HTTP.get(server.baseURL + "/posts/welcome-to-galley")
        #expect(post.body.contains("<table>"))
        #expect(post.body.contains(#"<pre class="highlight"><code class="language-bash" data-lang="bash"><span class="n">galley</span>"#))
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("galley.sqlite").path))
    }

    /// `galley import` is another process: the server learns of its writes by polling, and its
    /// response cache must not keep serving the old pages.
    @Test func postsImportedBesideARunningServerAppearWithinASecond() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("galley-e2e-\(UUID().uuidString)")
        let posts = data.appendingPathComponent("incoming")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try Galley.serve(data: data)
        defer { server.stop() }
        let before = try await HTTP.get(server.baseURL + "/")
        #expect(before.body.contains("Welcome to Galley"))
        #expect(try await HTTP.get(server.baseURL + "/").body == before.body)

        try FileManager.default.createDirectory(at: posts, withIntermediateDirectories: true)
        try "---\ntitle: Arrived from elsewhere\ndate: 2025-01-01\n---\nHello.\n".write(to: posts.appendingPathComponent("arrived.md"), atomically: true, encoding: .utf8)
        let imported = try Galley.run(["import", posts.path, "--data", data.path])
        #expect(imported.status == 0, "\(imported.errors)")
        let importedAt = Date()
        var seen = false
        while !seen, Date().timeIntervalSince(importedAt) < 3 {
            seen = try await HTTP.get(server.baseURL + "/").body.contains("Arrived from elsewhere")
            if !seen { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(seen)
        #expect(Date().timeIntervalSince(importedAt) < 1.5, "seen after \(Date().timeIntervalSince(importedAt)) s")
    }

    /// The commands as an operator runs them: a backup while the blog is served, checked, and
    /// restored into a new data folder that serves the same pages.
    @Test func aBackupTakenWhileServingRestoresIntoABlogThatServesTheSamePages() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("galley-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let data = work.appendingPathComponent("live"), restored = work.appendingPathComponent("restored")
        let backup = work.appendingPathComponent("backup.sqlite").path
        let server = try Galley.serve(data: data)
        let page = try await HTTP.get(server.baseURL + "/posts/welcome-to-galley")
        let made = try Galley.run(["backup", backup, "--data", data.path])
        #expect(made.status == 0, "\(made.errors)")
        #expect(made.output.contains("checked."))
        #expect(try Galley.run(["backup", backup, "--data", data.path]).errors.contains("a file is already there; pass --force"))
        server.stop()

        let verified = try Galley.run(["backup", "--verify", backup])
        #expect(verified.status == 0, "\(verified.errors)")
        #expect(verified.output.contains("Every table holds what was recorded."))
        let restore = try Galley.run(["restore", backup, "--data", restored.path])
        #expect(restore.status == 0, "\(restore.errors)")
        let again = try Galley.run(["restore", backup, "--data", restored.path])
        #expect(again.status != 0)
        #expect(again.errors.contains("pass --replace"))
        let copy = try Galley.serve(data: restored)
        defer { copy.stop() }
        #expect(try await HTTP.get(copy.baseURL + "/posts/welcome-to-galley").body == page.body)

        try Data("garbage".utf8).write(to: URL(fileURLWithPath: backup))
        let bad = try Galley.run(["backup", "--verify", backup])
        #expect(bad.status != 0)
        #expect(bad.errors.contains("not an SQLite database"))
    }

    @Test func jsonLogsAreOneObjectALineWithTheRequestID() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("galley-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try Galley.serve(data: data, arguments: ["--log-format", "json"])
        defer { server.stop() }
        _ = try await HTTP.get(server.baseURL + "/", headers: ["X-Request-Id": "json-log-0001"])
        _ = try await HTTP.get(server.baseURL + "/", headers: ["X-Request-Id": "json-log-0002"])
        #expect(server.stop() == 0)
        let lines = server.log.split(separator: "\n")
        #expect(!lines.isEmpty)
        var ids: [String] = []
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            #expect(object["time"] is String && object["level"] is String && object["message"] is String)
            if let id = object["hb.request.id"] as? String { ids.append(id) }
        }
        #expect(ids == ["json-log-0001", "json-log-0002"], "the first from the application, the second from the cache's fast path")
    }

    @Test func badSettingsFailBeforeListening() throws {
        let result = try Galley.run(["serve", "--port", "nope"], environment: ["GALLEY_BASE_URL": "not a url"])
        #expect(result.status != 0)
        #expect(result.errors.contains("--port (GALLEY_PORT): 'nope' is not a port number"))
        #expect(result.errors.contains("--base-url (GALLEY_BASE_URL): 'not a url'"))
    }
}

/// The `galley` executable built beside this test bundle.
enum Galley {
    static var executable: URL {
        get throws {
            let url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("galley")
            guard FileManager.default.isExecutableFile(atPath: url.path) else {
                throw Missing(path: url.path)
            }
            return url
        }
    }

    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String { "no galley executable at \(path): build it with `swift build` first" }
    }

    struct Result {
        let status: Int32
        let output: String
        let errors: String
    }

    /// Runs a command to completion.
    static func run(_ arguments: [String], environment: [String: String] = [:], input: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = try executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GALLEY_") }.merging(environment) { $1 }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self), errors: String(decoding: err, as: UTF8.self))
    }

    /// Starts `galley serve` on a free port and waits until it says it is serving.
    static func serve(data: URL, arguments: [String] = []) throws -> Server {
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("galley-e2e-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let stdout = logs.appendingPathComponent("stdout")
        let stderr = logs.appendingPathComponent("stderr")
        try Data().write(to: stdout)
        try Data().write(to: stderr)
        let process = Process()
        process.executableURL = try executable
        process.arguments = ["serve", "--port", "0", "--data", data.path, "--log-level", "info"] + arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GALLEY_") }
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        try process.run()
        let server = Server(process: process, stdout: stdout, stderr: stderr, logs: logs)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
            if let match = text.firstMatch(of: /Galley is serving (http:\/\/[^ ]+)/) {
                server.baseURL = String(match.1)
                return server
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        server.stop()
        throw ServerDidNotStart(log: server.log)
    }

    struct ServerDidNotStart: Error, CustomStringConvertible {
        let log: String
        var description: String { "galley serve did not start:\n\(log)" }
    }

    final class Server: @unchecked Sendable {
        let process: Process
        let stdout: URL
        let stderr: URL
        let logs: URL
        var baseURL = ""

        init(process: Process, stdout: URL, stderr: URL, logs: URL) {
            self.process = process
            self.stdout = stdout
            self.stderr = stderr
            self.logs = logs
        }

        var log: String { (try? String(contentsOf: stderr, encoding: .utf8)) ?? "" }

        /// Sends SIGTERM, waits for the exit (killing it after 10 s) and returns the exit status.
        @discardableResult
        func stop() -> Int32 {
            if process.isRunning {
                process.terminate()
                let deadline = Date().addingTimeInterval(10)
                while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
            }
            return process.terminationStatus
        }

        deinit { try? FileManager.default.removeItem(at: logs) }
    }
}

enum HTTP {
    struct Response {
        let status: Int
        let headers: [String: String]
        let body: String
    }

    /// Refuses to follow redirects, so that a test sees the 301 itself.
    final class StayPut: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }
    }

    static let staying = URLSession(configuration: .ephemeral, delegate: StayPut(), delegateQueue: nil)

    static func get(_ url: String, headers: [String: String] = [:], followRedirects: Bool = true) async throws -> Response {
        var request = URLRequest(url: try #require(URL(string: url)))
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await (followRedirects ? URLSession.shared : staying).data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name] = value }
        }
        return Response(status: http.statusCode, headers: fields, body: String(decoding: data, as: UTF8.self))
    }
}
