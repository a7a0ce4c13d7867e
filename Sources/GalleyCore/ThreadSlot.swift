import Foundation

/// One of eight slots for the calling thread, by a hash of its id: state kept per slot lets the
/// event loops each use their own copy instead of taking turns at one lock (two threads share a
/// slot only when their ids collide, and then they are merely back to sharing a lock).
public enum ThreadSlot {
    public static let count = 8

    public static var current: Int {
        Int((UInt64(pthread_self()) &* 0x9E37_79B9_7F4A_7C15) >> 61)
    }
}
