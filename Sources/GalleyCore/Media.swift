import Crypto
import Foundation

/// An uploaded image, kept in the database so that a backup holds everything.
public struct Media: Sendable, Equatable {
    /// Lowercase hex SHA-256 of the bytes: the file's name and its identity.
    public var sha256: String
    public var kind: ImageKind
    public var bytes: [UInt8]
    /// The name the file had on the author's machine, for the media page.
    public var originalName: String
    public var uploadedBy: Int64?
    public var createdAt: Date

    public init(sha256: String, kind: ImageKind, bytes: [UInt8], originalName: String, uploadedBy: Int64?, createdAt: Date) {
        self.sha256 = sha256
        self.kind = kind
        self.bytes = bytes
        self.originalName = originalName
        self.uploadedBy = uploadedBy
        self.createdAt = createdAt
    }

    /// Lowercase hex SHA-256 of `bytes`, as ``sha256`` names a file (and a token's hash is kept).
    public static func sha256(of bytes: some DataProtocol) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 2 * SHA256.byteCount) { text in
            for (index, byte) in SHA256.hash(data: bytes).enumerated() {
                text[2 * index] = digits[Int(byte >> 4)]
                text[2 * index + 1] = digits[Int(byte & 0xf)]
            }
            return 2 * SHA256.byteCount
        }
    }

    public var path: String { info.path }
    public var info: MediaInfo {
        MediaInfo(sha256: sha256, kind: kind, size: bytes.count, originalName: originalName, createdAt: createdAt)
    }
}

/// A media item without its bytes, for lists.
public struct MediaInfo: Sendable, Equatable {
    public var sha256: String
    public var kind: ImageKind
    public var size: Int
    public var originalName: String
    public var createdAt: Date

    public init(sha256: String, kind: ImageKind, size: Int, originalName: String, createdAt: Date) {
        self.sha256 = sha256
        self.kind = kind
        self.size = size
        self.originalName = originalName
        self.createdAt = createdAt
    }

    public var fileName: String { "\(sha256).\(kind.fileExtension)" }
    public var path: String { "/media/\(fileName)" }
}

/// The image formats Galley accepts, told apart by their first bytes, never by the name or the
/// type the browser claims.
///
/// SVG is a document that can hold script, and Galley keeps it as it came: it is safe because of
/// how it is shown. A page shows it only through `<img>` (the sanitizer drops `<object>`,
/// `<embed>` and inline SVG), where browsers run no script and load nothing; opened on its own,
/// `/media/` serves every file with `Content-Security-Policy: default-src 'none'; sandbox`, so a
/// script in it cannot run and its origin is nobody's.
public enum ImageKind: String, Sendable, CaseIterable {
    case png, jpeg, gif, webp, svg

    public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }
    public var contentType: String { self == .svg ? "image/svg+xml" : "image/\(rawValue)" }

    public init?(fileExtension: String) {
        guard let kind = Self.allCases.first(where: { $0.fileExtension == fileExtension }) else { return nil }
        self = kind
    }

    /// The kind the bytes are, or nil when they are none of these.
    public init?(sniffing bytes: some Collection<UInt8>) {
        let head = Array(bytes.prefix(12))
        func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + signature.count && Array(head[offset..<offset + signature.count]) == signature
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if starts([0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) {
            self = .gif
        } else if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) {
            self = .webp
        } else if SVGSniffer.isSVG(bytes) {
            self = .svg
        } else {
            return nil
        }
    }

    /// Why `bytes` are refused, for the author.
    public static func refusal(for bytes: some Collection<UInt8>) -> GalleyError {
        if let problem = SVGSniffer.problem(bytes) {
            return GalleyError(.invalidInput, "this SVG image is refused: \(problem)")
        }
        return GalleyError(.invalidInput, "only PNG, JPEG, GIF, WebP and SVG images can be uploaded")
    }
}

/// Tells an SVG document by its start: UTF-8 text whose first element, after an optional byte
/// order mark, XML declaration, comments, a document type and white space, is `<svg`. Refused
/// even so: a NUL or a byte that is not UTF-8 (not text), and a document type with an internal
/// subset (entity declarations: the "billion laughs" that would stall a reader's browser).
enum SVGSniffer {
    enum Verdict: Equatable {
        case notSVG, svg
        case refused(String)
    }

    /// How far into the file the first element may start.
    static let prologLimit = 16 * 1024

    static func isSVG(_ bytes: some Collection<UInt8>) -> Bool { verdict(bytes) == .svg }

    /// Why a file that starts as SVG cannot be kept; nil when it does not start as SVG, or is fine.
    static func problem(_ bytes: some Collection<UInt8>) -> String? {
        if case .refused(let why) = verdict(bytes) { return why }
        return nil
    }

    static func verdict(_ bytes: some Collection<UInt8>) -> Verdict {
        switch prolog(Array(bytes.prefix(prologLimit))) {
        case .notSVG: return .notSVG
        case .refused(let why): return .refused(why)
        case .svg:
            if bytes.contains(0) { return .refused("it holds a NUL byte, so it is not text") }
            if String(validating: Array(bytes), as: UTF8.self) == nil { return .refused("it is not UTF-8 text") }
            return .svg
        }
    }

    /// Reads the prolog of `head` up to its first element.
    private static func prolog(_ head: [UInt8]) -> Verdict {
        var index = head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func starts(_ literal: String, caseInsensitive: Bool = false) -> Bool {
            let literal = Array(literal.utf8)
            guard index + literal.count <= head.count else { return false }
            return zip(head[index..<index + literal.count], literal).allSatisfy { byte, expected in
                caseInsensitive ? byte | 0x20 == expected | 0x20 : byte == expected
            }
        }
        func skip(past end: String) -> Bool {
            let end = Array(end.utf8)
            var at = index
            while at + end.count <= head.count {
                if head[at..<at + end.count].elementsEqual(end) {
                    index = at + end.count
                    return true
                }
                at += 1
            }
            return false
        }
        while index < head.count {
            if [0x20, 0x09, 0x0A, 0x0D].contains(head[index]) {
                index += 1
            } else if starts("<?xml") {
                guard skip(past: "?>") else { return .notSVG }
            } else if starts("<!--") {
                guard skip(past: "-->") else { return .notSVG }
            } else if starts("<!doctype", caseInsensitive: true) {
                guard let end = head[index...].firstIndex(where: { $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "[") }) else { return .notSVG }
                if head[end] == UInt8(ascii: "[") {
                    let declaresSVG = String(decoding: head[index..<end], as: UTF8.self).lowercased().contains("svg")
                    return declaresSVG ? .refused("its DOCTYPE declares entities") : .notSVG
                }
                index = end + 1
            } else {
                guard starts("<svg"), index + 4 < head.count else { return .notSVG }
                let after = head[index + 4]
                return [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ">"), UInt8(ascii: "/")].contains(after) ? .svg : .notSVG
            }
        }
        return .notSVG
    }
}
