// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Galley",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "galley", targets: ["galley"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // Debian's cmark-gfm (libcmark-gfm-dev + libcmark-gfm-extensions-dev); its one .pc file
        // links both libraries.
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // Debian's gumbo (libgumbo-dev), an HTML5 parser that follows the WHATWG algorithm: the
        // sanitizer reads posts' HTML with it as a browser would.
        .systemLibrary(
            name: "CGumbo",
            pkgConfig: "gumbo",
            providers: [.apt(["libgumbo-dev"])]
        ),
        // Server-side syntax highlighting: pure Swift, nothing but the standard library.
        .target(name: "Highlight"),
        .target(
            name: "GalleyMarkdown",
            dependencies: ["CCmarkGFM", "CGumbo", "Highlight"]
        ),
        .target(
            name: "GalleyCore",
            dependencies: [
                "GalleyMarkdown",
                .product(name: "Yams", package: "Yams"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "GalleyStorage",
            dependencies: [
                "GalleyCore",
                "GalleyMarkdown",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "GalleyWeb",
            dependencies: [
                "GalleyCore",
                "GalleyMarkdown",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources")]
        ),
        .target(
            name: "GalleyCLI",
            dependencies: [
                "GalleyCore",
                "GalleyMarkdown",
                "GalleyStorage",
                "GalleyWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "galley",
            dependencies: ["GalleyCLI", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]
        ),
        // `highlight-bench LANGUAGE < file`: tokens or timing for Benchmarks/highlight.
        .executableTarget(
            name: "highlight-tool",
            dependencies: ["Highlight"],
            path: "Benchmarks/highlight/Sources"
        ),
        // Fuzzing (scripts/fuzz.sh): what each target checks, and libFuzzer's entry points.
        .target(
            name: "FuzzHarness",
            dependencies: [
                "GalleyWeb", "GalleyCore", "GalleyMarkdown",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Fuzz/Harness"
        ),
        .executableTarget(name: "fuzz-raw-head", dependencies: ["FuzzHarness"], path: "Fuzz/Targets/raw-head"),
        .executableTarget(name: "fuzz-markdown", dependencies: ["FuzzHarness"], path: "Fuzz/Targets/markdown"),
        .executableTarget(name: "fuzz-front-matter", dependencies: ["FuzzHarness"], path: "Fuzz/Targets/front-matter"),
        .executableTarget(name: "fuzz-search", dependencies: ["FuzzHarness"], path: "Fuzz/Targets/search"),
        .executableTarget(name: "fuzz-sanitize", dependencies: ["FuzzHarness"], path: "Fuzz/Targets/sanitize"),
        .executableTarget(name: "fuzz-form", dependencies: ["FuzzHarness"], path: "Fuzz/Targets/form"),
        .testTarget(
            name: "FuzzCorpusTests",
            dependencies: ["FuzzHarness"]
        ),
        .testTarget(
            name: "HighlightTests",
            dependencies: ["Highlight"]
        ),
        .testTarget(
            name: "GalleyMarkdownTests",
            dependencies: ["GalleyMarkdown", "Highlight"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "GalleyCoreTests",
            dependencies: ["GalleyCore", "GalleyMarkdown"]
        ),
        .testTarget(
            name: "GalleyStorageTests",
            dependencies: [
                "GalleyStorage",
                "GalleyCore",
                "GalleyMarkdown",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "GalleyWebTests",
            dependencies: [
                "GalleyWeb",
                "GalleyCore",
                "GalleyMarkdown",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
            ]
        ),
        .testTarget(
            name: "GalleyCLITests",
            dependencies: ["GalleyCLI", "GalleyWeb", "galley", .product(name: "Logging", package: "swift-log")],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
