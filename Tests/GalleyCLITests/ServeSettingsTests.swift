import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import GalleyCLI
import GalleyWeb
import Logging
import Synchronization
import Testing

@Suite struct ServeSettingsTests {
    @Test func defaultsServeLocallyOnPort8080() throws {
        let resolved = try ServeCommand.parse([]).resolve(environment: [:])
        #expect(resolved.web.host == "127.0.0.1")
        #expect(resolved.web.port == 8080)
        #expect(resolved.web.site.baseURL == "http://127.0.0.1:8080")
        #expect(resolved.database == .sqlite(path: "./galley-data/galley.sqlite"))
        #expect(resolved.logLevel == .info)
        #expect(resolved.web.cacheBudget == 16 << 20)
    }

    @Test func trustedProxiesAreAListOfAddressesAndRanges() throws {
        let resolved = try ServeCommand.parse(["--trusted-proxy", "127.0.0.1, 10.0.0.0/8"]).resolve(environment: [:])
        #expect(resolved.web.trustedProxies.contains("10.1.2.3"))
        #expect(try ServeCommand.parse([]).resolve(environment: [:]).web.trustedProxies == .none)
        #expect(throws: ConfigurationError.self) { try ServeCommand.parse(["--trusted-proxy", "nginx"]).resolve(environment: [:]) }
    }

    @Test func theCacheSizeIsGivenInMiBAndZeroTurnsItOff() throws {
        #expect(try ServeCommand.parse(["--cache-size", "0"]).resolve(environment: [:]).web.cacheBudget == 0)
        #expect(try ServeCommand.parse([]).resolve(environment: ["GALLEY_CACHE_SIZE": "8"]).web.cacheBudget == 8 << 20)
        #expect(throws: ConfigurationError.self) { try ServeCommand.parse(["--cache-size=-1"]).resolve(environment: [:]) }
        #expect(throws: ConfigurationError.self) { try ServeCommand.parse(["--cache-size", "lots"]).resolve(environment: [:]) }
    }

    @Test func rawHTMLIsSanitizedUnlessToldOtherwise() throws {
        #expect(try ServeCommand.parse([]).resolve(environment: [:]).web.site.rawHTML == .sanitized)
        #expect(try ServeCommand.parse(["--raw-html", "escaped"]).resolve(environment: [:]).web.site.rawHTML == .escaped)
        #expect(try ServeCommand.parse([]).resolve(environment: ["GALLEY_RAW_HTML": "omitted"]).web.site.rawHTML == .omitted)
        #expect(throws: ConfigurationError.self) { try ServeCommand.parse(["--raw-html", "unsafe"]).resolve(environment: [:]) }
    }

    @Test func connectionLimitsHaveSafeDefaultsAndCanBeSet() throws {
        #expect(try ServeCommand.parse([]).resolve(environment: [:]).web.limits == .defaults)
        let limits = try ServeCommand.parse([
            "--max-connections", "100", "--idle-timeout", "5", "--head-timeout", "2", "--max-head-size", "8",
            "--max-headers", "50", "--max-pipelined", "4",
        ]).resolve(environment: ["GALLEY_RATE_LIMIT": "0"]).web.limits
        #expect(limits == ConnectionLimits(
            maxConnections: 100, idleTimeout: .seconds(5), headTimeout: .seconds(2), maxHeadBytes: 8 << 10, maxHeaderCount: 50,
            maxPipelined: 4, expensivePerMinute: 0
        ))
        let bad = ["--max-connections", "1", "--idle-timeout", "0", "--head-timeout", "x", "--max-head-size", "0", "--max-headers", "5000", "--max-pipelined", "0", "--rate-limit=-1"]
        #expect(throws: ConfigurationError.self) { try ServeCommand.parse(bad).resolve(environment: [:]) }
        do {
            _ = try ServeCommand.parse(bad).resolve(environment: [:])
        } catch let error as ConfigurationError {
            #expect(error.problems.count == 7, "\(error)")
        }
    }

    @Test func theOpenFileLimitCapsConnections() {
        let allowed = OpenFiles.connectionsAllowed(10_000_000, logger: Logger(label: "test"))
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        #expect(limit.rlim_cur == limit.rlim_max, "the soft limit was raised to the hard one")
        #expect(allowed == max(16, Int(limit.rlim_cur) - OpenFiles.reserve))
        #expect(OpenFiles.connectionsAllowed(100, logger: Logger(label: "test")) == 100)
    }

    @Test func environmentVariablesSetWhatOptionsDoNot() throws {
        let environment = [
            "GALLEY_HOST": "0.0.0.0", "GALLEY_PORT": "9000", "GALLEY_DATA": "/var/lib/galley",
            "GALLEY_BASE_URL": "https://blog.example.com/", "GALLEY_LOG_LEVEL": "DEBUG", "GALLEY_SITE_TITLE": "Notes",
        ]
        let resolved = try ServeCommand.parse(["--port", "9100"]).resolve(environment: environment)
        #expect(resolved.web.host == "0.0.0.0")
        #expect(resolved.web.port == 9100)
        #expect(resolved.database == .sqlite(path: "/var/lib/galley/galley.sqlite"))
        #expect(resolved.web.site.baseURL == "https://blog.example.com")
        #expect(resolved.web.site.title == "Notes")
        #expect(resolved.logLevel == .debug)
    }

    @Test func aDatabaseURLChoosesPostgreSQLOrAnotherSQLiteFile() throws {
        let postgres = try ServeCommand.parse(["--database-pool-size", "4"]).resolve(environment: [
            "GALLEY_DATABASE_URL": "postgres://galley:s%40cret@db.internal:6432/blog?sslmode=require",
        ])
        guard case .postgres(let url, let poolSize) = postgres.database else {
            Issue.record("not PostgreSQL: \(postgres.database)")
            return
        }
        #expect(url.host == "db.internal" && url.port == 6432 && url.database == "blog")
        #expect(url.username == "galley" && url.password == "s@cret" && url.sslMode == "require")
        #expect(url.redacted == "postgres://galley:***@db.internal:6432/blog?sslmode=require", "no password in logs")
        #expect(poolSize == 4)
        let sqlite = try ServeCommand.parse(["--database-url", "sqlite:///srv/blog.sqlite"]).resolve(environment: [:])
        #expect(sqlite.database == .sqlite(path: "/srv/blog.sqlite"))
        for bad in ["mysql://x@y/z", "postgres://host/db", "postgres://u@h/", "postgres://u@h/db?sslmode=maybe", "sqlite://relative"] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try ServeCommand.parse(["--database-url", bad]).resolve(environment: [:]) }
        }
        #expect(throws: ConfigurationError.self) { try ServeCommand.parse(["--database-pool-size", "0"]).resolve(environment: [:]) }
    }

    @Test func aHostListeningEverywhereStillLinksToALocalAddress() throws {
        let resolved = try ServeCommand.parse(["--host", "0.0.0.0", "--port", "8081"]).resolve(environment: [:])
        #expect(resolved.web.site.baseURL == "http://127.0.0.1:8081")
    }

    @Test func everyBadValueIsNamedInOneError() throws {
        let command = try ServeCommand.parse(["--port", "70000", "--base-url", "ftp://example.com", "--log-level", "loud"])
        do {
            _ = try command.resolve(environment: ["GALLEY_HOST": "bad host!", "GALLEY_DATA": " "])
            Issue.record("bad settings were accepted")
        } catch let error as ConfigurationError {
            #expect(error.problems == [
                "--host (GALLEY_HOST): 'bad host!' is not a host name or IP address",
                "--port (GALLEY_PORT): '70000' is not a port number from 0 to 65535",
                "--base-url (GALLEY_BASE_URL): 'ftp://example.com' is not an http:// or https:// URL without query",
                "--log-level (GALLEY_LOG_LEVEL): 'loud' is not one of trace, debug, info, notice, warning, error, critical",
                "--data (GALLEY_DATA): ' ' is not a folder path",
            ])
        }
    }
}

/// Linux's F_SETPIPE_SZ, which Glibc's module leaves out.
private let setPipeSize: Int32 = 1031

/// Reads `count` bytes from a pipe, or what came before it stayed silent for 10 s.
private func readAll(_ count: Int, from descriptor: Int32) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var received = 0
    var readable = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
    while received < count {
        let ready = poll(&readable, 1, 10_000)
        if ready < 0, errno == EINTR { continue }
        guard ready == 1 else { break }
        let read = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + received, count - received) }
        guard read > 0 else { break }
        received += read
    }
    return Array(bytes[..<received])
}

@Suite struct LineLogHandlerTests {
    @Test func jsonStringsEscapeWhatJSONRequires() throws {
        let text = "quote \" backslash \\ newline \n tab \t bell \u{7} é"
        let handler = LineLogHandler(label: "galley", format: .json, level: .info)
        let line = handler.line(for: LogEvent(level: .info, message: "\(text)", metadata: nil, source: "GalleyCLI", file: #fileID, function: #function, line: #line))
        let quoted = #""quote \" backslash \\ newline \n tab \t bell \u0007 é""#
        #expect(String(decoding: line, as: UTF8.self).contains(#""message":"# + quoted + "}"))
        let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: String]
        #expect(object?["message"] == text)
    }

    @Test func timestampsAreUTCToTheMillisecond() {
        #expect(LineLogHandler.timestamp().wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil)
    }

    /// Threads logging at once while flushes come from the log's thread, from full buffers and
    /// from outside: every line is written once, whole, and each thread's lines in their order.
    @Test func linesLoggedDuringFlushesAreWrittenOnceEach() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        defer { close(descriptors[0]) }
        let output = LogOutput(descriptor: descriptors[1], interval: 0.001)
        final class Received: Sendable { let bytes = Mutex<[UInt8]>([]) }
        let received = Received(), readAll = DispatchSemaphore(value: 0)
        let reader = descriptors[0]
        Thread {
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(reader, $0.baseAddress!, $0.count) }
                guard count > 0 else { break }
                received.bytes.withLock { $0 += chunk[..<count] }
            }
            readAll.signal()
        }.start()
        let threads = 4, lines = 5_000
        let done = DispatchSemaphore(value: 0)
        for thread in 0..<threads {
            Thread {
                for number in 0..<lines {
                    output.append(Array("thread \(thread) line \(number) \(String(repeating: "x", count: number % 97))\n".utf8), now: false)
                    if number % 500 == 0 { output.flush() }
                }
                done.signal()
            }.start()
        }
        for _ in 0..<threads { done.wait() }
        output.flush()
        close(descriptors[1])
        #expect(readAll.wait(timeout: .now() + 30) == .success)
        let text = received.bytes.withLock { String(decoding: $0, as: UTF8.self) }
        var next = [Int](repeating: 0, count: threads)
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count >= 4, let thread = Int(parts[1]), let number = Int(parts[3]), next.indices.contains(thread) else {
                Issue.record("not a whole line: \(line)")
                return
            }
            #expect(number == next[thread], "thread \(thread)'s lines out of order or repeated")
            #expect(parts.count == (number % 97 == 0 ? 4 : 5))
            next[thread] = number + 1
        }
        #expect(next == [Int](repeating: lines, count: threads))
    }

    /// Lines logged one after another from different threads (so, most likely, into different
    /// buffers) are written in the order they were logged.
    @Test func linesFromManyThreadsAreWrittenInOrder() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        defer { close(descriptors[0]); close(descriptors[1]) }
        let output = LogOutput(descriptor: descriptors[1])
        // The threads are all alive at once (so none reuses another's id) and take turns.
        let lines = (0..<24).map { "line \($0)\n" }
        let turns = lines.indices.map { _ in DispatchSemaphore(value: 0) } + [DispatchSemaphore(value: 0)]
        let finish = DispatchSemaphore(value: 0)
        for (number, line) in lines.enumerated() {
            Thread {
                turns[number].wait()
                output.append(Array(line.utf8), now: false)
                turns[number + 1].signal()
                finish.wait()
            }.start()
        }
        turns[0].signal()
        turns[lines.count].wait()
        output.flush()
        for _ in lines { finish.signal() }
        let expected = lines.joined()
        #expect(String(decoding: readAll(expected.utf8.count, from: descriptors[0]), as: UTF8.self) == expected)
    }

    /// A buffer that fills is written at once, not at the next interval, and by the log's own
    /// thread: the thread that logged (an event loop) does not wait for the write.
    @Test func aFullBufferIsWrittenAtOnceByTheLogsThread() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        defer { close(descriptors[0]); close(descriptors[1]) }
        // The pipe holds one page: whoever writes 32 KiB to it waits until they are read.
        #expect(fcntl(descriptors[1], setPipeSize, 4096) >= 0)
        let output = LogOutput(descriptor: descriptors[1], interval: 3600)
        let line = Array(repeating: UInt8(ascii: "x"), count: 99) + [UInt8(ascii: "\n")]
        // All from one thread, so into one buffer: the last of these lines takes it past 32 KiB.
        // (Logged from two threads, the lines shared a buffer one time in eight, which filled a
        // line early, and the flush could leave the last line for the next interval.)
        let lines = LogOutput.flushSize / line.count + 1
        let (first, rest, appended) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        Thread {
            output.append(line, now: false)
            first.signal()
            rest.wait()
            for _ in 1..<lines { output.append(line, now: false) }
            appended.signal()
        }.start()
        first.wait()
        var poll = pollfd(fd: descriptors[0], events: Int16(POLLIN), revents: 0)
        #expect(Glibc.poll(&poll, 1, 300) == 0, "one line waits for the interval")
        rest.signal()
        #expect(appended.wait(timeout: .now() + 10) == .success, "the logging thread waited for the write")
        #expect(readAll(lines * line.count, from: descriptors[0]) == Array([[UInt8]](repeating: line, count: lines).joined()))
    }

    /// A write to a full pipe that a signal interrupts goes on, and a pipe left non-blocking is
    /// waited for: the log loses no byte either way. One case at a time: they share the handler.
    @Test(.serialized, arguments: [false, true])
    func writesOutlastSignalsAndNonBlockingPipes(nonBlocking: Bool) throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        defer { close(descriptors[0]); close(descriptors[1]) }
        #expect(fcntl(descriptors[1], setPipeSize, 4096) >= 0)
        if nonBlocking { #expect(fcntl(descriptors[1], F_SETFL, fcntl(descriptors[1], F_GETFL) | O_NONBLOCK) == 0) }
        // A handler installed without SA_RESTART, as any library may: it interrupts a blocked write.
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        var previous = sigaction()
        #expect(sigaction(SIGUSR1, &action, &previous) == 0)
        defer { sigaction(SIGUSR1, &previous, nil) }

        let batch = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let writing = descriptors[1]
        let writer = Mutex<pthread_t>(0)
        let (started, written) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        Thread {
            // A thread of its own with the signal let through (test threads may block them all).
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGUSR1)
            pthread_sigmask(SIG_UNBLOCK, &signals, nil)
            writer.withLock { $0 = pthread_self() }
            started.signal()
            LogOutput.write(batch, to: writing)
            written.signal()
        }.start()
        started.wait()
        // The pipe is full and nothing reads it yet, so the writer is waiting when signalled.
        for _ in 0..<5 {
            usleep(20_000)
            pthread_kill(writer.withLock { $0 }, SIGUSR1)
        }
        #expect(readAll(batch.count, from: descriptors[0]) == batch)
        #expect(written.wait(timeout: .now() + 10) == .success)
    }

    /// The fast paths' access line is the line `logger.info` writes with the same metadata.
    @Test(arguments: LogFormat.allCases, [false, true])
    func accessLinesAreTheLoggersLines(format: LogFormat, handlerHasMetadata: Bool) {
        var handler = LineLogHandler(label: "galley", format: format, level: .info)
        if handlerHasMetadata { handler[metadataKey: "replica"] = "b" }
        // A path with characters JSON escapes, an IPv6 client, durations with every number of digits.
        for (path, microseconds, duration) in [("/posts/a%20b", 42, "0.042"), (#"/q"u\o\#u{7}té"#, 1_234_567, "1234.567"), ("/", 0, "0.000"), ("/x", 7_050, "7.050")] {
            let entry = AccessEntry(method: "GET", path: path, status: 304, client: "2001:db8::7", requestID: "req-1", microseconds: microseconds)
            let event = LogEvent(
                level: .info, message: "GET \(path) 304", metadata: ["hb.request.id": "req-1", "client": "2001:db8::7", "duration_ms": "\(duration)"],
                source: "GalleyWeb", file: #fileID, function: #function, line: #line
            )
            let access = handler.accessLine(entry, source: "GalleyWeb")
            // The two lines were made at different moments: compare them without their times.
            let withoutTime = { (line: [UInt8]) in String(decoding: line, as: UTF8.self).replacing(/\d{4}-\d\d-\d\dT[\d:.]+Z/, with: "T") }
            #expect(withoutTime(access) == withoutTime(handler.line(for: event)))
            #expect(withoutTime(access).contains("client") && withoutTime(access).contains("req-1") && withoutTime(access).contains(duration))
            #expect(withoutTime(access).contains("replica") == handlerHasMetadata)
        }
    }
}
