import Foundation
import GalleyCore
import Logging
import Synchronization

/// How log lines look: `text` for people, `json` (one object a line) for log collectors.
enum LogFormat: String, CaseIterable, Sendable {
    case text, json
}

/// Writes log lines to standard error, whole lines only, so lines from many threads never
/// interleave, and formats the time once a second. Cheap enough for one line per request:
/// lines below `notice` (the access log) are gathered and written together when 32 KiB have
/// piled up or a quarter of a second has passed, as nginx's buffered access log does; a line at
/// `notice` or above is written at once, after the lines gathered before it.
///
///     2026-11-27T06:48:48.123Z info galley: duration_ms=0.02 hb.request.id=801c… [GalleyWeb] GET / 200
///     {"time":"2026-11-27T06:48:48.123Z","level":"info","label":"galley","source":"GalleyWeb","message":"GET / 200","duration_ms":"0.02",…}
struct LineLogHandler: LogHandler {
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
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let given = event.metadata { all.merge(given) { $1 } }
        let fields = all.sorted { $0.key < $1.key }
        var line = Self.timestamp()
        switch format {
        case .text:
            line += " \(event.level) \(label):"
            for (key, value) in fields { line += " \(key)=\(value)" }
            line += " [\(event.source)] \(event.message)\n"
        case .json:
            line = "{\"time\":\"\(line)\",\"level\":\"\(event.level)\",\"label\":\(Self.quoted(label)),\"source\":\(Self.quoted(event.source)),\"message\":\(Self.quoted(event.message.description))"
            for (key, value) in fields where !["time", "level", "label", "source", "message"].contains(key) {
                line += ",\(Self.quoted(key)):\(Self.quoted(value.description))"
            }
            line += "}\n"
        }
        LogOutput.standardError.append(line, now: event.level >= .notice)
    }

    /// `2026-11-27T06:48:48.123Z`.
    static func timestamp() -> String {
        let (prefix, milliseconds) = seconds.now()
        return prefix + (milliseconds < 10 ? ".00" : milliseconds < 100 ? ".0" : ".") + String(milliseconds) + "Z"
    }

    private static let seconds = PerSecondText { parts in
        String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d",
            Int(parts.tm_year) + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec
        )
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

/// Lines waiting to be written to a file descriptor, and the thread that writes them on time.
final class LogOutput: Sendable {
    static let standardError = LogOutput(descriptor: STDERR_FILENO)

    static let flushSize = 32 << 10
    static let flushInterval: TimeInterval = 0.25

    private let descriptor: Int32
    private let pending = Mutex<[UInt8]>([])
    /// Held while writing, so batches reach the file in the order they were taken, while new
    /// lines keep gathering in `pending` without waiting for the disk.
    private let writing = Mutex(())

    init(descriptor: Int32) {
        self.descriptor = descriptor
        let flusher = Thread { [weak self] in
            while let output = self {
                output.flush()
                Thread.sleep(forTimeInterval: Self.flushInterval)
            }
        }
        flusher.name = "galley-log-flush"
        flusher.start()
    }

    func append(_ line: String, now: Bool) {
        let full = pending.withLock { pending in
            pending.append(contentsOf: line.utf8)
            return pending.count >= Self.flushSize
        }
        if now || full { flush() }
    }

    /// Writes every gathered line.
    func flush() {
        writing.withLock { _ in
            let batch = pending.withLock { pending in
                defer { pending = [] }
                return pending
            }
            var offset = 0
            while offset < batch.count {
                let written = batch.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
                guard written > 0 else { break }
                offset += written
            }
        }
    }
}
