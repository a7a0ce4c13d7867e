#if canImport(Glibc)
import Glibc
#endif
import Logging

/// The open-file limit, which every connection counts against. At 1,024 (what systemd gives a
/// service by default) 1,100 idle connections once stopped all service, and the process died
/// when libdispatch could not open a file. So `serve` raises its soft limit to the hard one,
/// as Go's runtime does, and keeps connections well below what is left.
enum OpenFiles {
    /// Descriptors kept for the database, log files, uploads and the runtime.
    static let reserve = 256

    /// `wanted` connections, or fewer if the open-file limit, raised as far as allowed, holds
    /// no more; logged when it is fewer.
    static func connectionsAllowed(_ wanted: Int, logger: Logger) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return wanted }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let allowed = Int(clamping: limit.rlim_cur) - reserve
        guard allowed < wanted else { return wanted }
        let connections = max(16, allowed)
        logger.warning(
            "the open-file limit allows fewer connections than asked for; raise LimitNOFILE or ulimit -n",
            metadata: ["open_files": "\(limit.rlim_cur)", "max_connections": "\(connections)", "asked": "\(wanted)"]
        )
        return connections
    }
}
