import Foundation
import GalleyCore
import GalleyWeb
import Logging
import Synchronization

/// How log lines look: `text` for people, `json` (one object a line) for log collectors.
enum LogFormat: String, CaseIterable, Sendable {
    case text, json
}

/// Writes log lines to standard error, whole lines only, so lines from many threads never
/// interleave, and formats the time once a second. Cheap enough for one line per request:
/// lines below `notice` (the access log) are gathered and written together, by a thread of the
/// log's own, when 32 KiB have piled up or a quarter of a second has passed, as nginx's buffered
/// access log does; a line at `notice` or above is written at once, after the lines gathered
/// before it.
///
///     2026-11-27T06:48:48.123Z info galley: duration_ms=0.02 hb.request.id=801c… [GalleyWeb] GET / 200
///     {"time":"2026-11-27T06:48:48.123Z","level":"info","label":"galley","source":"GalleyWeb","message":"GET / 200","duration_ms":"0.02",…}
struct LineLogHandler: AccessLogHandler {
    let label: String
    let format: LogFormat
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, format: LogFormat, level: Logger.Level) {
        self.label = label
        self.format = format
        logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        LogOutput.standardError.append(line(for: event), now: event.level >= .notice)
    }

    func line(for event: LogEvent) -> [UInt8] {
        // The access log's usual case, one line per request: nothing to merge.
        var all = event.metadata ?? [:]
        if addsMetadata {
            all = metadata
            if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
            if let given = event.metadata { all.merge(given) { $1 } }
        }
        let fields = all.sorted { $0.key < $1.key }.map { key, value in
            if case .string(let text) = value { (key, text) } else { (key, value.description) }
        }
        return Self.line(format, level: event.level, label: label, source: event.source, message: event.message.description, fields: fields)
    }

    /// The same line as `log(event:)` writes for an access-log entry, straight into the output's
    /// buffer from the entry's parts: no metadata dictionary to build, sort and merge into the
    /// handler's own, and no string made for the message, the duration or the line.
    func logAccess(_ entry: AccessEntry, source: String) {
        guard addsMetadata else {
            LogOutput.standardError.append(now: false) { Self.writeAccess(entry, format: format, label: label, source: source, into: &$0) }
            return
        }
        LogOutput.standardError.append(accessLine(entry, source: source), now: false)
    }

    func accessLine(_ entry: AccessEntry, source: String) -> [UInt8] {
        guard addsMetadata else {
            var line: [UInt8] = []
            Self.writeAccess(entry, format: format, label: label, source: source, into: &line)
            return line
        }
        return line(for: LogEvent(level: .info, message: "\(entry.message)", metadata: entry.metadata, source: source, file: #fileID, function: #function, line: #line))
    }

    /// Appends an access line: `write` with the entry's message and fields (`client`,
    /// `duration_ms`, `hb.request.id`, in key order), each written from its parts.
    private static func writeAccess(_ entry: AccessEntry, format: LogFormat, label: String, source: String, into line: inout [UInt8]) {
        func add(_ text: String) { line.append(contentsOf: text.utf8) }
        switch format {
        case .text:
            addTimestamp(&line)
            add(" info "); add(label); add(": client="); add(entry.client)
            add(" duration_ms="); entry.appendDuration(to: &line)
            if let id = entry.requestID { add(" hb.request.id="); add(id) }
            add(" ["); add(source); add("] "); add(entry.method); add(" "); add(entry.path); add(" ")
            AccessEntry.appendDecimal(entry.status, to: &line)
            add("\n")
        case .json:
            add("{\"time\":\""); addTimestamp(&line)
            add("\",\"level\":\"info\",\"label\":"); addQuoted(label, to: &line)
            add(",\"source\":"); addQuoted(source, to: &line)
            // The message's method and status need no escaping.
            add(",\"message\":\""); add(entry.method); add(" "); addEscaped(entry.path, to: &line); add(" ")
            AccessEntry.appendDecimal(entry.status, to: &line)
            add("\",\"client\":"); addQuoted(entry.client, to: &line)
            add(",\"duration_ms\":\""); entry.appendDuration(to: &line)
            add("\"")
            if let id = entry.requestID { add(",\"hb.request.id\":"); addQuoted(id, to: &line) }
            add("}\n")
        }
    }

    /// Whether lines carry metadata of the handler's own or its provider's, to merge with an event's.
    private var addsMetadata: Bool { !metadata.isEmpty || metadataProvider != nil }

    /// One line, built as bytes in one buffer: building it from interpolated strings cost more
    /// than everything else galley does to answer a cached page. `fields` are in key order.
    private static func line(
        _ format: LogFormat, level: Logger.Level, label: String, source: String, message: String, fields: [(String, String)]
    ) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(256)
        write(format, level: level, label: label, source: source, message: message, fields: fields, into: &line)
        return line
    }

    /// Appends the line to `line`.
    private static func write(
        _ format: LogFormat, level: Logger.Level, label: String, source: String, message: String, fields: [(String, String)],
        into line: inout [UInt8]
    ) {
        func add(_ text: String) { line.append(contentsOf: text.utf8) }
        switch format {
        case .text:
            addTimestamp(&line)
            add(" "); add(level.rawValue); add(" "); add(label); add(":")
            for (key, value) in fields { add(" "); add(key); add("="); add(value) }
            add(" ["); add(source); add("] "); add(message); add("\n")
        case .json:
            add("{\"time\":\""); addTimestamp(&line)
            add("\",\"level\":\""); add(level.rawValue); add("\",\"label\":"); addQuoted(label, to: &line)
            add(",\"source\":"); addQuoted(source, to: &line); add(",\"message\":"); addQuoted(message, to: &line)
            for (key, value) in fields where !["time", "level", "label", "source", "message"].contains(key) {
                add(","); addQuoted(key, to: &line); add(":"); addQuoted(value, to: &line)
            }
            add("}\n")
        }
    }

    private static func addTimestamp(_ line: inout [UInt8]) {
        let (prefix, milliseconds) = seconds.now()
        line.append(contentsOf: prefix.utf8)
        line.append(UInt8(ascii: "."))
        for divisor in [100, 10, 1] { line.append(UInt8(ascii: "0") + UInt8(milliseconds / divisor % 10)) }
        line.append(UInt8(ascii: "Z"))
    }

    /// `2026-11-27T06:48:48.123Z`.
    static func timestamp() -> String {
        var bytes: [UInt8] = []
        addTimestamp(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let seconds = PerSecondText { parts in
        String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d",
            Int(parts.tm_year) + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec
        )
    }

    /// Appends a JSON string literal.
    private static func addQuoted(_ text: String, to line: inout [UInt8]) {
        line.append(UInt8(ascii: "\""))
        addEscaped(text, to: &line)
        line.append(UInt8(ascii: "\""))
    }

    /// Appends the text as the inside of a JSON string literal. UTF-8 bytes of 0x20 and up stay
    /// as they are, so only ASCII needs looking at.
    private static func addEscaped(_ text: String, to line: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): line.append(UInt8(ascii: "\\")); line.append(byte)
            case UInt8(ascii: "\n"): line.append(UInt8(ascii: "\\")); line.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): line.append(UInt8(ascii: "\\")); line.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): line.append(UInt8(ascii: "\\")); line.append(UInt8(ascii: "t"))
            case ..<0x20: line.append(contentsOf: "\\u00".utf8); line.append(hex.utf8Start[Int(byte >> 4)]); line.append(hex.utf8Start[Int(byte & 0xf)])
            default: line.append(byte)
            }
        }
    }
}

/// Lines waiting to be written to a file descriptor, and the thread that writes them on time.
///
/// The thread writes when a buffer has 32 KiB in it, so the event loops that log a line per
/// request never wait for the disk (a write to a file can stall for milliseconds); only if
/// the thread falls behind by 256 KiB in a buffer does the thread that fills it write, so memory
/// stays bounded.
final class LogOutput: Sendable {
    static let standardError = LogOutput(descriptor: STDERR_FILENO)

    static let flushSize = 32 << 10
    static let behindSize = 8 * flushSize

    private let descriptor: Int32
    /// Wakes the writing thread before its interval is up: a buffer has filled.
    private let filled = DispatchSemaphore(value: 0)
    /// Lines gathered, in several buffers chosen by thread: the event loops log a line per
    /// request each, and one shared buffer had them waiting on each other's lock. Every line gets
    /// a number in the order lines arrive, and a flush writes them in that order whatever buffer
    /// they are in (written buffer by buffer, a request's line could follow the next request's).
    private let pending = ThreadSlots { Pending() }
    private struct Pending {
        var bytes: [UInt8] = []
        /// Each line's number and where it ends in `bytes`.
        var lines: [(number: UInt64, end: Int)] = []
    }
    private let lineNumbers = Atomic<UInt64>(0)
    /// Held while writing, so batches reach the file in the order they were taken, while new
    /// lines keep gathering in `pending` without waiting for the disk. It holds the buffers a
    /// flush takes lines into, emptied after each write with their capacity kept: a buffer of
    /// 32 KiB is a mapping of its own (see `MemoryTrimmer.limitArenas`), and making one per flush
    /// cost page faults and an unmapping each time.
    private let writing = Mutex(Taken())
    private struct Taken {
        /// Lines taken from the buffers, a buffer's at a time; the first `count` are in use.
        var buffers: [Pending] = []
        var count = 0
        /// Several buffers' lines in order.
        var order: [(number: UInt64, buffer: Int, bytes: Range<Int>)] = []
        var batch: [UInt8] = []
    }

    /// - Parameter interval: how long a line may wait to be written.
    init(descriptor: Int32, interval: TimeInterval = 0.25) {
        self.descriptor = descriptor
        let filled = filled
        let flusher = Thread { [weak self] in
            while self != nil {
                _ = filled.wait(timeout: .now() + interval)
                self?.flush()
            }
        }
        flusher.name = "galley-log-flush"
        flusher.start()
    }

    func append(_ line: [UInt8], now: Bool) {
        append(now: now) { $0.append(contentsOf: line) }
    }

    /// Adds the line that `write` appends to the bytes it is given (exactly one whole line).
    func append(now: Bool, _ write: (inout [UInt8]) -> Void) {
        let (before, after) = pending.withCurrent { pending in
            // Numbered under the buffer's lock: a flush that has seen a number finds its line.
            let number = lineNumbers.add(1, ordering: .relaxed).newValue
            let before = pending.bytes.count
            write(&pending.bytes)
            pending.lines.append((number, pending.bytes.count))
            return (before, pending.bytes.count)
        }
        if now || after >= Self.behindSize {
            flush()
        } else if before < Self.flushSize, after >= Self.flushSize {
            filled.signal()
        }
    }

    /// Writes every line gathered so far, in the order the lines arrived.
    func flush() {
        writing.withLock { taken in
            // Lines numbered up to here are all taken now; later ones wait for the next flush.
            let last = lineNumbers.load(ordering: .relaxed)
            pending.forEach { pending in
                guard let first = pending.lines.first, first.number <= last else { return }
                if taken.count == taken.buffers.count { taken.buffers.append(Pending()) }
                defer { taken.count += 1 }
                if let final = pending.lines.last, final.number <= last {
                    // The usual case: every line here is taken, and an empty buffer takes their place.
                    swap(&taken.buffers[taken.count], &pending)
                    return
                }
                let count = pending.lines.firstIndex { $0.number > last } ?? pending.lines.count
                let end = pending.lines[count - 1].end
                taken.buffers[taken.count].bytes.append(contentsOf: pending.bytes[..<end])
                taken.buffers[taken.count].lines.append(contentsOf: pending.lines[..<count])
                pending.bytes.removeFirst(end)
                pending.lines.removeFirst(count)
                for index in pending.lines.indices { pending.lines[index].end -= end }
            }
            if taken.count == 1 {
                Self.write(taken.buffers[0].bytes, to: descriptor)
            } else if taken.count > 1 {
                Self.inOrder(&taken)
                Self.write(taken.batch, to: descriptor)
            }
            for index in 0..<taken.count {
                taken.buffers[index].bytes.removeAll(keepingCapacity: true)
                taken.buffers[index].lines.removeAll(keepingCapacity: true)
            }
            taken.count = 0
        }
    }

    /// Puts the lines of the buffers in use in `batch`, in the order of their numbers.
    private static func inOrder(_ taken: inout Taken) {
        taken.order.removeAll(keepingCapacity: true)
        for (buffer, pending) in taken.buffers[..<taken.count].enumerated() {
            var start = 0
            for line in pending.lines {
                taken.order.append((line.number, buffer, start..<line.end))
                start = line.end
            }
        }
        taken.order.sort { $0.number < $1.number }
        taken.batch.removeAll(keepingCapacity: true)
        for line in taken.order { taken.batch.append(contentsOf: taken.buffers[line.buffer].bytes[line.bytes]) }
    }

    /// Writes all of `batch`: a write that a signal interrupts is made again, and a full pipe
    /// that whoever opened it left non-blocking is waited for (both once dropped the rest of the
    /// batch). Only a real error (a closed pipe, a full disk) gives up, since logging must never
    /// stop the server.
    static func write(_ batch: [UInt8], to descriptor: Int32) {
        var offset = 0
        while offset < batch.count {
            let written = batch.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else if written < 0, errno == EAGAIN {
                var writable = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                _ = poll(&writable, 1, -1)
            } else {
                return
            }
        }
    }
}
