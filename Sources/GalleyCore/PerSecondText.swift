import Foundation
import Synchronization

/// The wall-clock time, with a text made from it once a second rather than once a call: for
/// `Date` headers and log timestamps, which hot paths need many times a second.
public final class PerSecondText: Sendable {
    private let make: @Sendable (tm) -> String
    /// The latest text, kept once per thread slot: the event loops each ask for it on every
    /// answer, and one shared lock had them waiting on each other (perf, cached pages).
    private let latest = ThreadSlots { (second: -1, text: "") }

    /// - Parameter make: the text for a second, from its broken-down UTC time.
    public init(_ make: @escaping @Sendable (tm) -> String) {
        self.make = make
    }

    /// The text of the current second, and the milliseconds into it.
    public func now() -> (text: String, milliseconds: Int) {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        let text = latest.withCurrent { latest in
            if latest.second != time.tv_sec {
                var seconds = time.tv_sec
                var parts = tm()
                gmtime_r(&seconds, &parts)
                latest = (time.tv_sec, make(parts))
            }
            return latest.text
        }
        return (text, time.tv_nsec / 1_000_000)
    }
}
