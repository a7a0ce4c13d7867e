import Synchronization

/// Rendered public pages in memory, least recently used first out, within a byte budget, so memory
/// stays flat however large the blog is.
///
/// Each entry remembers the ``SiteGeneration`` it was rendered in; a lookup in any other
/// generation misses, so one write makes every older page unreachable at once, with no timer and
/// no sweep. Unreachable entries are the least recently used ones and go first when space is
/// needed.
final class ResponseCache: Sendable {
    struct Statistics: Sendable, Equatable {
        var hits = 0
        var misses = 0
        var evictions = 0
        var entries = 0
        var bytes = 0
    }

    let budget: Int
    private let state: Mutex<LRU>

    /// - Parameter budget: bytes of bodies and headers to keep at most; 0 turns the cache off.
    init(budget: Int) {
        self.budget = budget
        state = Mutex(LRU())
    }

    /// The entry for `key` if it was stored in `generation`. A caller that will ask again on a miss
    /// (the fast path, before the middleware) passes `countingMisses: false`, so each request
    /// counts once.
    func lookup(_ key: String, in generation: SiteGeneration, countingMisses: Bool = true) -> StoredResponse? {
        state.withLock { lru in
            guard let index = lru.index[key], lru.nodes[index].generation == generation else {
                if countingMisses { lru.statistics.misses += 1 }
                return nil
            }
            lru.statistics.hits += 1
            lru.moveToFront(index)
            return lru.nodes[index].response
        }
    }

    func store(_ response: StoredResponse, for key: String, in generation: SiteGeneration) {
        let cost = response.cost + key.utf8.count
        guard cost <= budget else { return }
        state.withLock { lru in
            lru.remove(key)
            while lru.statistics.bytes + cost > budget, lru.removeLeastRecent() {
                lru.statistics.evictions += 1
            }
            lru.insert(LRU.Node(key: key, generation: generation, response: response, cost: cost))
        }
    }

    var statistics: Statistics {
        state.withLock { $0.statistics }
    }
}

/// A doubly linked list threaded through an array (most recent at `head`), with a dictionary from
/// key to slot: every operation is O(1).
private struct LRU {
    struct Node {
        var key: String
        var generation: SiteGeneration
        var response: StoredResponse?
        var cost: Int
        var previous = -1
        var next = -1
    }

    var nodes: [Node] = []
    var index: [String: Int] = [:]
    var free: [Int] = []
    var head = -1
    var tail = -1
    var statistics = ResponseCache.Statistics()

    mutating func insert(_ node: Node) {
        let slot: Int
        if let reused = free.popLast() {
            slot = reused
            nodes[slot] = node
        } else {
            slot = nodes.count
            nodes.append(node)
        }
        index[node.key] = slot
        linkAtFront(slot)
        statistics.entries += 1
        statistics.bytes += node.cost
    }

    mutating func remove(_ key: String) {
        guard let slot = index[key] else { return }
        release(slot)
    }

    /// Drops the least recently used entry; false when there is none.
    mutating func removeLeastRecent() -> Bool {
        guard tail >= 0 else { return false }
        release(tail)
        return true
    }

    mutating func moveToFront(_ slot: Int) {
        guard slot != head else { return }
        unlink(slot)
        linkAtFront(slot)
    }

    private mutating func release(_ slot: Int) {
        unlink(slot)
        index[nodes[slot].key] = nil
        statistics.entries -= 1
        statistics.bytes -= nodes[slot].cost
        nodes[slot].response = nil
        nodes[slot].key = ""
        free.append(slot)
    }

    private mutating func linkAtFront(_ slot: Int) {
        nodes[slot].previous = -1
        nodes[slot].next = head
        if head >= 0 { nodes[head].previous = slot }
        head = slot
        if tail < 0 { tail = slot }
    }

    private mutating func unlink(_ slot: Int) {
        let (previous, next) = (nodes[slot].previous, nodes[slot].next)
        if previous >= 0 { nodes[previous].next = next } else { head = next }
        if next >= 0 { nodes[next].previous = previous } else { tail = previous }
        nodes[slot].previous = -1
        nodes[slot].next = -1
    }
}
