import Foundation
import GalleyCore
import HTTPTypes
import Hummingbird

extension HTTPField.Name {
    static let fileName = Self("X-File-Name")!
}

/// Image uploads (the editor sends a file's bytes as the body) and the media page.
struct MediaController: Sendable {
    let store: any Store
    let pages: PageRenderer
    let uploadLimit: Int
    let clock: @Sendable () -> Date

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get(RouterPath(AdminPath.media), use: list)
        router.post(RouterPath(AdminPath.media), use: upload)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        return try pages.renderAdmin(MediaPage(items: try await store.mediaList(), limit: uploadLimit), context: context)
    }

    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let tooLarge = GalleyError(.tooLarge, "images can be at most \(AdminFormats.size(uploadLimit)); this one is larger")
        var request = request
        let body = try await request.collectBody(upTo: uploadLimit, orThrow: tooLarge)
        let bytes = Array(body.readableBytesView)
        guard !bytes.isEmpty else { throw GalleyError(.invalidInput, "the upload is empty") }
        guard let kind = ImageKind(sniffing: bytes) else { throw ImageKind.refusal(for: bytes) }
        let name = Self.originalName(request.headers[.fileName], kind: kind)
        let media = Media(sha256: Secret.sha256(bytes), kind: kind, bytes: bytes, originalName: name, uploadedBy: user.id, createdAt: clock())
        let created = try await store.saveMedia(media)
        context.logger.info("media uploaded", metadata: ["sha256": "\(media.sha256)", "bytes": "\(bytes.count)", "new": "\(created)"])
        struct Body: Encodable {
            let path: String
            let markdown: String
            let sha256: String
            let size: Int
            let type: String
        }
        var response = try JSONResponse.make(
            Body(path: media.path, markdown: MediaMarkdown.image(name, path: media.path), sha256: media.sha256, size: bytes.count, type: kind.contentType),
            status: created ? .created : .ok
        )
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The file's name as the browser gave it (percent-encoded in the header), without any
    /// folder, or `image.png` when it gave none.
    static func originalName(_ header: String?, kind: ImageKind) -> String {
        let decoded = header?.removingPercentEncoding ?? ""
        let base = decoded.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(base.filter { !$0.isNewline && $0 != "\0" }.prefix(200)).trimmingCharacters(in: .whitespaces)
        return clean.isEmpty ? "image.\(kind.fileExtension)" : clean
    }
}

/// `/media/<sha256>.<ext>`: uploaded images, immutable since the name is the content's hash.
struct PublicMediaController: Sendable {
    let store: any Store
    static let pattern: RouterPath = "/media/:file"

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get(Self.pattern, use: file)
    }

    @Sendable func file(_ request: Request, context: AppRequestContext) async throws -> Response {
        let file = context.parameters.get("file") ?? ""
        let parts = file.split(separator: ".")
        guard parts.count == 2, parts[0].count == 64, parts[0].allSatisfy({ $0.isHexDigit && !$0.isUppercase }),
              let kind = ImageKind(fileExtension: String(parts[1])),
              let media = try await store.media(sha256: String(parts[0])), media.kind == kind
        else {
            throw GalleyError.notFound("there is no media at \(request.uri.path)")
        }
        let etag = "\"\(media.sha256)\""
        var headers: HTTPFields = [
            .contentType: kind.contentType,
            .cacheControl: "public, max-age=31536000, immutable",
            .xContentTypeOptions: "nosniff",
            .eTag: etag,
            .contentSecurityPolicy: "default-src 'none'; sandbox",
        ]
        if EntityTag.matches(etag, ifNoneMatch: request.headers[values: .ifNoneMatch]) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(media.bytes.count)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: media.bytes)))
    }
}
