// Two threads add to a counter behind Synchronization's Mutex: correct code, whose total is
// always 200000. ThreadSanitizer on Linux reports a race here anyway (Swift 6.3.1): the Mutex's
// lock and unlock are in the uninstrumented standard library, so it never sees them order the
// accesses. scripts/sanitize.sh runs this first: while it reports, the suppressions in
// scripts/tsan-suppressions.txt (every one an access inside Mutex.withLock) stay.
import Dispatch
import Synchronization

final class Box: Sendable { let counter = Mutex(0) }
let box = Box()
DispatchQueue.concurrentPerform(iterations: 2) { _ in
    for _ in 0..<100_000 { box.counter.withLock { $0 += 1 } }
}
print(box.counter.withLock { $0 })
