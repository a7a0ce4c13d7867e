import Foundation
import Testing

/// The fixture site of each engine imported by the real binary, then read over HTTP: every old
/// address answers 301 to a page that answers 200, every image loads, bylines show.
@Suite(.serialized) struct ImportSitesEndToEndTests {
    static let sites = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/sites")

    static let oldAddresses: [(String, String)] = [
        ("/release/2023/01/29/Hello-World/", "/posts/hello-world"),
        ("/release/2023/01/29/Hello-World", "/posts/hello-world"),
        ("/old-hello.html", "/posts/hello-world"),
        ("/docs/install/", "/posts/install"),
        ("/2024/05/first-post/", "/posts/first-post"),
        ("/old/first/", "/posts/first-post"),
        ("/custom/bundle/", "/posts/bundle"),
        ("/2024/02/json-front-matter/", "/posts/json"),
        ("/blog/dated/", "/posts/dated"),
        ("/2024/03/04/Pathy-Post/", "/posts/pathy"),
        ("/2024/03/04/Pathy-Post.html", "/posts/pathy"),
        ("/blog/bundle/", "/posts/bundle-2"),
    ]

    @Test func importedSitesKeepTheirAddressesImagesAndBylines() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("galley-import-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        for site in ["jekyll", "hugo", "zola"] {
            let result = try Galley.run(["import", Self.sites.appendingPathComponent(site).path, "--data", data.path])
            #expect(result.status == 0, "\(site): \(result.output)\(result.errors)")
            #expect(result.output.contains("site: \(site)"))
            #expect(result.output.contains("0 failed"))
        }
        let again = try Galley.run(["import", Self.sites.appendingPathComponent("jekyll").path, "--data", data.path, "--dry-run"])
        #expect(again.output.contains("0 created, 0 updated, 5 unchanged"), "\(again.output)")

        let server = try Galley.serve(data: data)
        defer { server.stop() }
        let base = server.baseURL
        for (old, new) in Self.oldAddresses {
            let redirect = try await HTTP.get(base + old, followRedirects: false)
            #expect(redirect.status == 301, "\(old)")
            #expect(redirect.headers["Location"] == new, "\(old) → \(redirect.headers["Location"] ?? "nothing")")
            #expect(try await HTTP.get(base + new).status == 200, "\(new)")
        }

        var images = 0
        for path in Set(Self.oldAddresses.map(\.1)) {
            let page = try await HTTP.get(base + path)
            for match in page.body.matches(of: /src="(\/media\/[0-9a-f]{64}\.png)"/) {
                let image = try await HTTP.get(base + String(match.1))
                #expect(image.status == 200)
                #expect(image.headers["Content-Type"] == "image/png")
                images += 1
            }
        }
        #expect(images >= 5)

        let hello = try await HTTP.get(base + "/posts/hello-world")
        #expect(hello.body.contains("By Jane Doe"))
        #expect(!hello.body.contains("{{ site.baseurl }}"))
        let first = try await HTTP.get(base + "/posts/first-post")
        #expect(first.body.contains("By Ada Lovelace"))
        #expect(first.body.contains("https://www.youtube.com/watch?v=dQw4w9WgXcQ"))
        let feed = try await HTTP.get(base + "/feed.xml")
        #expect(feed.body.contains("<author><name>Ada Lovelace</name></author>"))
        // Tags from Hugo's custom taxonomy have their page.
        #expect(try await HTTP.get(base + "/tags/intro").status == 200)
        // Unpublished and never-rendered pages stay out.
        #expect(try await HTTP.get(base + "/posts/not-yet").status == 404)
        #expect(try await HTTP.get(base + "/posts/never-rendered").status == 404)
    }
}
