import ArgumentParser
import Foundation
import GalleyCore
import GalleyMarkdown
import GalleyStorage
import GalleyWeb
import Hummingbird
import Logging
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the blog over HTTP.",
        discussion: """
            Creates the database on first run (with a welcome post), applies pending migrations and \
            serves until SIGINT or SIGTERM. Every option can also be set by its environment variable; \
            an option given on the command line wins.
            """
    )

    @Option(help: ArgumentHelp("Address to listen on (env: GALLEY_HOST; default: 127.0.0.1).", valueName: "address"))
    var host: String?

    @Option(help: ArgumentHelp("Port to listen on; 0 picks a free one (env: GALLEY_PORT; default: 8080).", valueName: "number"))
    var port: String?

    @Option(help: ArgumentHelp("Public address of the site, for canonical links (env: GALLEY_BASE_URL; default: http://HOST:PORT).", valueName: "url"))
    var baseURL: String?

    @Option(help: ArgumentHelp("The blog's title (env: GALLEY_SITE_TITLE; default: Galley).", valueName: "text"))
    var siteTitle: String?

    @Option(help: ArgumentHelp("One sentence about the blog (env: GALLEY_SITE_DESCRIPTION).", valueName: "text"))
    var siteDescription: String?

    @Option(help: ArgumentHelp("Who writes the blog, for feeds and structured data (env: GALLEY_SITE_AUTHOR).", valueName: "name"))
    var siteAuthor: String?

    @Option(help: ArgumentHelp("trace, debug, info, notice, warning, error or critical (env: GALLEY_LOG_LEVEL; default: info).", valueName: "level"))
    var logLevel: String?

    @Option(help: ArgumentHelp("Memory for rendered pages, in MiB; 0 turns the cache off (env: GALLEY_CACHE_SIZE; default: 16).", valueName: "MiB"))
    var cacheSize: String?

    @Option(help: ArgumentHelp("text (for people) or json (one object a line) (env: GALLEY_LOG_FORMAT; default: text).", valueName: "format"))
    var logFormat: String?

    @Option(help: ArgumentHelp("Addresses or CIDR ranges of proxies whose X-Forwarded-For and X-Forwarded-Proto are believed, comma-separated (env: GALLEY_TRUSTED_PROXY; default: none).", valueName: "list"))
    var trustedProxy: String?

    @Option(help: ArgumentHelp("Addresses or CIDR ranges that may read /metrics (env: GALLEY_METRICS_ALLOW; default: 127.0.0.0/8, ::1).", valueName: "list"))
    var metricsAllow: String?

    @Option(help: ArgumentHelp("Bearer token that reads /metrics from anywhere, instead of the address list (env: GALLEY_METRICS_TOKEN).", valueName: "token"))
    var metricsToken: String?

    @Option(help: ArgumentHelp("What becomes of HTML written in posts until an admin chooses on the settings page: sanitized (kept and made safe), escaped (shown as text) or omitted (env: GALLEY_RAW_HTML; default: sanitized).", valueName: "mode"))
    var rawHTML: String?

    @Option(help: ArgumentHelp("Largest image an author may upload, in MiB (env: GALLEY_UPLOAD_LIMIT; default: 10).", valueName: "MiB"))
    var uploadLimit: String?

    @Option(help: ArgumentHelp("Open connections at most; at the limit the quietest is closed for a new one (env: GALLEY_MAX_CONNECTIONS; default: 4096, and never more than the open-file limit allows).", valueName: "count"))
    var maxConnections: String?

    @Option(help: ArgumentHelp("Seconds a connection may stay quiet with nothing being answered (env: GALLEY_IDLE_TIMEOUT; default: 60).", valueName: "seconds"))
    var idleTimeout: String?

    @Option(help: ArgumentHelp("Seconds a request head may take to arrive whole (env: GALLEY_HEAD_TIMEOUT; default: 10).", valueName: "seconds"))
    var headTimeout: String?

    @Option(help: ArgumentHelp("Longest request head, in KiB (env: GALLEY_MAX_HEAD_SIZE; default: 32).", valueName: "KiB"))
    var maxHeadSize: String?

    @Option(help: ArgumentHelp("Most header fields in a request (env: GALLEY_MAX_HEADERS; default: 100).", valueName: "count"))
    var maxHeaders: String?

    @Option(help: ArgumentHelp("Requests of one connection waiting for answers before it is read no further (env: GALLEY_MAX_PIPELINED; default: 16).", valueName: "count"))
    var maxPipelined: String?

    @Option(help: ArgumentHelp("Searches and uncached feed requests a minute per client address, 0 for no limit; the live preview allows five times as many (env: GALLEY_RATE_LIMIT; default: 60).", valueName: "count"))
    var rateLimit: String?

    @OptionGroup var dataOptions: DataOptions

    /// Everything `serve` was told, validated.
    struct Resolved {
        var web: WebConfiguration
        var database: DataOptions.Database
        var logLevel: Logger.Level
        var logFormat: LogFormat
    }

    func resolve(environment: [String: String]) throws -> Resolved {
        var settings = Settings(environment: environment)
        let host = settings.value(host, flag: "--host", env: "GALLEY_HOST", default: "127.0.0.1", expectation: "a host name or IP address", Parse.host)
        let port = settings.value(port, flag: "--port", env: "GALLEY_PORT", default: 8080, expectation: "a port number from 0 to 65535", Parse.port)
        let publicHost = ["0.0.0.0", "::", ""].contains(host) ? "127.0.0.1" : (host.contains(":") ? "[\(host)]" : host)
        let baseURL = settings.value(baseURL, flag: "--base-url", env: "GALLEY_BASE_URL", default: "http://\(publicHost):\(port)", expectation: "an http:// or https:// URL without query", Parse.baseURL)
        let defaults = SiteConfiguration()
        let title = settings.value(siteTitle, flag: "--site-title", env: "GALLEY_SITE_TITLE", default: defaults.title, expectation: "a title", Parse.nonEmpty)
        let description = settings.value(siteDescription, flag: "--site-description", env: "GALLEY_SITE_DESCRIPTION", default: defaults.description, expectation: "a description", Parse.nonEmpty)
        let author = settings.value(siteAuthor, flag: "--site-author", env: "GALLEY_SITE_AUTHOR", default: nil, expectation: "a name", { Parse.nonEmpty($0) })
        let level = settings.value(logLevel, flag: "--log-level", env: "GALLEY_LOG_LEVEL", default: .info, expectation: "one of trace, debug, info, notice, warning, error, critical", Parse.logLevel)
        let cacheMiB = settings.value(cacheSize, flag: "--cache-size", env: "GALLEY_CACHE_SIZE", default: WebConfiguration.defaultCacheBudget >> 20, expectation: "a whole number of MiB from 0 to 65536", Parse.cacheSize)
        let format = settings.value(logFormat, flag: "--log-format", env: "GALLEY_LOG_FORMAT", default: .text, expectation: "text or json") { LogFormat(rawValue: $0.lowercased()) }
        let proxies = settings.value(trustedProxy, flag: "--trusted-proxy", env: "GALLEY_TRUSTED_PROXY", default: .none, expectation: "a comma-separated list of IP addresses or CIDR ranges") { TrustedProxies(parsing: $0) }
        let metricsAllowed = settings.value(metricsAllow, flag: "--metrics-allow", env: "GALLEY_METRICS_ALLOW", default: MetricsAccess.loopback.allowed, expectation: "a comma-separated list of IP addresses or CIDR ranges") { AddressRanges(parsing: $0) }
        let token = settings.value(metricsToken, flag: "--metrics-token", env: "GALLEY_METRICS_TOKEN", default: nil, expectation: "a token of at least 16 characters") { $0.count >= 16 ? $0 : nil }
        let rawHTMLMode = settings.value(rawHTML, flag: "--raw-html", env: "GALLEY_RAW_HTML", default: .sanitized, expectation: "sanitized, escaped or omitted") {
            MarkdownRenderer.RawHTML(rawValue: $0.lowercased())
        }
        let uploadMiB = settings.value(uploadLimit, flag: "--upload-limit", env: "GALLEY_UPLOAD_LIMIT", default: WebConfiguration.defaultUploadLimit >> 20, expectation: "a whole number of MiB from 1 to 1024", Parse.whole(1...1024))
        let defaultLimits = ConnectionLimits.defaults
        let limits = ConnectionLimits(
            maxConnections: settings.value(maxConnections, flag: "--max-connections", env: "GALLEY_MAX_CONNECTIONS", default: defaultLimits.maxConnections, expectation: "a whole number from 16 to 1000000", Parse.whole(16...1_000_000)),
            idleTimeout: .seconds(settings.value(idleTimeout, flag: "--idle-timeout", env: "GALLEY_IDLE_TIMEOUT", default: Int(defaultLimits.idleTimeout.components.seconds), expectation: "a whole number of seconds from 1 to 3600", Parse.whole(1...3600))),
            headTimeout: .seconds(settings.value(headTimeout, flag: "--head-timeout", env: "GALLEY_HEAD_TIMEOUT", default: Int(defaultLimits.headTimeout.components.seconds), expectation: "a whole number of seconds from 1 to 600", Parse.whole(1...600))),
            maxHeadBytes: settings.value(maxHeadSize, flag: "--max-head-size", env: "GALLEY_MAX_HEAD_SIZE", default: defaultLimits.maxHeadBytes >> 10, expectation: "a whole number of KiB from 1 to 1024", Parse.whole(1...1024)) << 10,
            maxHeaderCount: settings.value(maxHeaders, flag: "--max-headers", env: "GALLEY_MAX_HEADERS", default: defaultLimits.maxHeaderCount, expectation: "a whole number from 10 to 1000", Parse.whole(10...1000)),
            maxPipelined: settings.value(maxPipelined, flag: "--max-pipelined", env: "GALLEY_MAX_PIPELINED", default: defaultLimits.maxPipelined, expectation: "a whole number from 1 to 1024", Parse.whole(1...1024)),
            expensivePerMinute: settings.value(rateLimit, flag: "--rate-limit", env: "GALLEY_RATE_LIMIT", default: defaultLimits.expensivePerMinute, expectation: "a whole number from 0 to 100000", Parse.whole(0...100_000))
        )
        let database = dataOptions.database(&settings)
        try settings.validate()
        return Resolved(
            web: WebConfiguration(
                host: host, port: port,
                site: SiteConfiguration(baseURL: baseURL, title: title, description: description, author: author, rawHTML: rawHTMLMode),
                cacheBudget: cacheMiB << 20, trustedProxies: proxies,
                metricsAccess: MetricsAccess(allowed: metricsAllowed, token: token), uploadLimit: uploadMiB << 20, limits: limits
            ),
            database: database,
            logLevel: level,
            logFormat: format
        )
    }

    func run() async throws {
        let resolved = try resolve(environment: ProcessInfo.processInfo.environment)
        Logs.bootstrap(level: resolved.logLevel, format: resolved.logFormat)
        let logger = Logger(label: "galley")
        var web = resolved.web
        web.limits.maxConnections = OpenFiles.connectionsAllowed(web.limits.maxConnections, logger: logger)

        let (store, applied) = try await DataOptions.openStore(resolved.database, logger: logger)
        do {
            if !applied.isEmpty {
                logger.notice("applied migrations", metadata: ["versions": "\(applied)", "database": "\(store.location)"])
            }
            // Posts are rendered as the settings page chose, else as --raw-html says.
            try await web.site.reload(from: store)
            let renderer = web.site.renderer
            if applied.contains(1) {
                let welcome = try await PostWriter(store: store, renderer: renderer).save(WelcomePost.draft(at: Date()))
                logger.notice("new blog: published the welcome post", metadata: ["slug": "\(welcome.post.slug)"])
            }
            let rerendered = try await RenderingUpgrade(store: store, renderer: renderer).run()
            if rerendered > 0 {
                logger.notice("rendered posts again with this version's Markdown pipeline", metadata: ["posts": "\(rerendered)"])
            }
            let setupPath = try await FirstRunSetup.issue(store: store, at: Date())
            // The process's malloc, decided here for the whole process, not by the app's builder
            // (which tests call too).
            ProcessMemory.limitArenas()
            let app = try await buildApplication(configuration: web, store: store, logger: logger) { port in
                let shown = resolved.web.site.baseURL.hasSuffix(":0") ? "http://\(resolved.web.host):\(port)" : resolved.web.site.baseURL
                var lines = "Galley is serving \(shown) (listening on \(resolved.web.host):\(port), data in \(store.location))\n"
                if let setupPath {
                    lines += "No one can sign in yet. Create the first admin within an hour: \(shown)\(setupPath)\n"
                }
                // Unbuffered, so scripts waiting for this line see it at once.
                FileHandle.standardOutput.write(Data(lines.utf8))
            }
            // SIGTERM or SIGINT: stop accepting, let the requests in flight finish for up to
            // 25 s (Kubernetes and systemd wait 30 s before killing), then close the database.
            var services = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            services.maximumGracefulShutdownDuration = .seconds(25)
            try await ServiceGroup(configuration: services).run()
        } catch {
            try await store.close()
            throw error
        }
        try await store.close()
        logger.notice("stopped")
    }
}
