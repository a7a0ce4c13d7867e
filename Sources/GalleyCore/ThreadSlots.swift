import Foundation
import Synchronization

/// A value kept once per thread slot, each behind a lock of its own: the event loops each use
/// their own copy instead of taking turns at one lock. A thread's slot is one of eight, by a hash
/// of its id; two threads share one only when their ids collide, and then they are merely back
/// to sharing a lock.
public final class ThreadSlots<Value: Sendable>: Sendable {
    @usableFromInline final class Slot: Sendable {
        @usableFromInline let value: Mutex<Value>
        init(_ value: Value) { self.value = Mutex(value) }
    }

    // Inlinable, so that the hot paths that use it get it specialized for their value.
    @usableFromInline let slots: [Slot]

    public init(_ make: () -> Value) {
        slots = (0..<8).map { _ in Slot(make()) }
    }

    /// Runs `body` on the calling thread's value.
    @inlinable public func withCurrent<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        let index = Int((UInt64(pthread_self()) &* 0x9E37_79B9_7F4A_7C15) >> 61)
        return slots[index].value.withLock { body(&$0) }
    }

    /// Runs `body` on every slot's value, one after another.
    @inlinable public func forEach(_ body: (inout Value) -> Void) {
        for slot in slots { slot.value.withLock { body(&$0) } }
    }
}
