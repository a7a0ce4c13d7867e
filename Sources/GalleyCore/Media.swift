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
public enum ImageKind: String, Sendable, CaseIterable {
    case png, jpeg, gif, webp

    public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }
    public var contentType: String { "image/\(rawValue)" }

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
        } else {
            return nil
        }
    }

    /// Why `bytes` are refused, for the author: SVG is named, since it is an image that can
    /// carry script.
    public static func refusal(for bytes: some Collection<UInt8>) -> GalleyError {
        let text = String(decoding: bytes.prefix(512), as: UTF8.self).lowercased()
        if text.contains("<svg") {
            return GalleyError(.invalidInput, "SVG images are refused: they can carry script, and Galley has no SVG sanitiser yet")
        }
        return GalleyError(.invalidInput, "only PNG, JPEG, GIF and WebP images can be uploaded")
    }
}
