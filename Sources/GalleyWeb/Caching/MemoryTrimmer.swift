#if canImport(Glibc)
import Glibc
#endif
import ServiceLifecycle

/// Gives memory the response cache no longer holds back to the system.
///
/// glibc's allocator keeps freed pages in its arenas: cached pages evicted between short-lived
/// rendering buffers leave holes that stay resident. Measured with 10,000 posts right after
/// serving each page once: 126 MB resident trimming every 10 s, 101 MB every second, 88 MB every
/// quarter of a second (with the thresholds below). So every `interval`, if the cache changed
/// since the last look, the free pages are returned; a steady stream of cache hits changes
/// nothing and costs nothing here.
struct MemoryTrimmer: Service {
    let cache: ResponseCache
    var interval: Duration = .milliseconds(250)

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await trimWhileRunning() }
        } catch is CancellationError {
            return
        }
    }

    private func trimWhileRunning() async throws {
        var seen = cache.statistics
        while true {
            try await Task.sleep(for: interval)
            let now = cache.statistics
            if now.evictions != seen.evictions || now.entries != seen.entries { Self.trim() }
            seen = now
        }
    }

    /// Two malloc arenas instead of glibc's eight a core, unless `MALLOC_ARENA_MAX` says
    /// otherwise: every thread that allocates gets an arena of its own up to that limit, and
    /// each keeps its own freed holes (with 10,000 posts, 110-114 MB instead of 125 MB right
    /// after a crawl of every page, in single runs; cached pages were no slower).
    ///
    /// And blocks of 16 KiB or more (a page being rendered, its gzip copy) mapped on their own
    /// and unmapped when freed, with free memory above 64 KiB at the top of a heap returned at
    /// once, unless `MALLOC_MMAP_THRESHOLD_` or `MALLOC_TRIM_THRESHOLD_` say otherwise: glibc
    /// otherwise raises its mapping threshold to the largest block freed so far, and those
    /// blocks then leave holes in the heaps between cached pages.
    static func limitArenas() {
        #if canImport(Glibc)
        // `mallopt`, looked up like `malloc_trim` below: M_ARENA_MAX is -8, M_MMAP_THRESHOLD -3,
        // M_TRIM_THRESHOLD -1.
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        if getenv("MALLOC_ARENA_MAX") == nil { _ = mallopt(-8, 2) }
        if getenv("MALLOC_MMAP_THRESHOLD_") == nil { _ = mallopt(-3, 16 * 1024) }
        if getenv("MALLOC_TRIM_THRESHOLD_") == nil { _ = mallopt(-1, 64 * 1024) }
        #endif
    }

    /// `malloc_trim(0)`, looked up at run time: Swift's Glibc module does not declare it, and
    /// other C libraries do not have it.
    static func trim() {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)(0)
        #endif
    }
}

/// The server's process-wide malloc settings (``MemoryTrimmer/limitArenas()``), for `galley serve`
/// to set once at startup: the app's builder, which tests call too, changes nothing of the process.
public enum ProcessMemory {
    public static func limitArenas() {
        MemoryTrimmer.limitArenas()
    }
}
