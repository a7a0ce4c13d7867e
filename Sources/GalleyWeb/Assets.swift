import Foundation
import HTTPTypes
import Hummingbird

/// The theme's static files, read once at startup and served from memory under fingerprinted
/// names (`style.3f9a1c2b7d.css`), so browsers may cache them for a year and a new theme is a new
/// URL.
struct Assets: Sendable {
    /// Fingerprinted name → the file, gzipped when that helps, cacheable for a year.
    private let byName: [String: StoredResponse]
    /// Plain name (`style.css`) → fingerprinted name, for templates.
    private let fingerprinted: [String: String]

    init(directory: URL) throws {
        var byName: [String: StoredResponse] = [:]
        var fingerprinted: [String: String] = [:]
        let types = ["css": "text/css; charset=utf-8", "svg": "image/svg+xml", "js": "text/javascript; charset=utf-8"]
        for file in try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil) {
            guard let type = types[file.pathExtension] else { continue }
            let data = try Data(contentsOf: file)
            let hash = Fingerprint.hex(of: data)
            let name = file.deletingPathExtension().lastPathComponent + ".\(hash.prefix(10))." + file.pathExtension
            let headers: HTTPFields = [
                .contentType: type,
                .cacheControl: "public, max-age=31536000, immutable",
                .xContentTypeOptions: "nosniff",
            ]
            byName[name] = StoredResponse(headers: headers, body: ByteBuffer(bytes: data), compressible: true)
            fingerprinted[file.lastPathComponent] = name
        }
        self.byName = byName
        self.fingerprinted = fingerprinted
    }

    /// The URL path of a theme file by its plain name.
    func path(_ plainName: String) -> String {
        "/assets/" + (fingerprinted[plainName] ?? plainName)
    }

    func asset(named name: String) -> StoredResponse? {
        byName[name]
    }
}

/// FNV-1a, 64 bits, in hex: enough to tell versions of a file apart, not a security measure.
enum Fingerprint {
    static func hex(of bytes: some Sequence<UInt8>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
