/// A line diff of two texts, by Myers' O((N+M)·D) algorithm: the shortest edit script, so a
/// small change in a long post costs little. Past ``maximumEdits`` (two unrelated texts) it stops
/// searching and shows the differing middle as removed, then added, keeping memory bounded.
public enum LineDiff {
    public enum Line: Sendable, Equatable {
        case same(String)
        case removed(String)
        case added(String)
    }

    public static let maximumEdits = 1_000

    public static func lines(from old: String, to new: String) -> [Line] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return myers(a, b) ?? coarse(a, b)
    }

    /// Common head and tail, and everything between as removed then added.
    static func coarse(_ a: [String], _ b: [String]) -> [Line] {
        var head = 0
        while head < a.count, head < b.count, a[head] == b[head] { head += 1 }
        var tail = 0
        while tail < a.count - head, tail < b.count - head, a[a.count - 1 - tail] == b[b.count - 1 - tail] { tail += 1 }
        return a[..<head].map(Line.same) + a[head..<(a.count - tail)].map(Line.removed)
            + b[head..<(b.count - tail)].map(Line.added) + a[(a.count - tail)...].map(Line.same)
    }

    static func myers(_ a: [String], _ b: [String]) -> [Line]? {
        let n = a.count, m = b.count
        let maxD = n + m
        guard maxD > 0 else { return [] }
        var found = false
        // v[k + offset] = furthest x on diagonal k; one copy kept per step to walk back.
        let bound = min(maxD, maximumEdits)
        let offset = bound + 1
        var v = [Int](repeating: 0, count: 2 * bound + 3)
        var trace: [[Int]] = []
        search: for d in 0...bound {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x = (k == -d || (k != d && v[k - 1 + offset] < v[k + 1 + offset])) ? v[k + 1 + offset] : v[k - 1 + offset] + 1
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[k + offset] = x
                if x >= n, y >= m {
                    found = true
                    break search
                }
            }
        }
        guard found else { return nil }
        // Walk back through the saved frontiers.
        var result: [Line] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let v = trace[d]
            let k = x - y
            let previousK = (k == -d || (k != d && v[k - 1 + offset] < v[k + 1 + offset])) ? k + 1 : k - 1
            let previousX = d == 0 ? 0 : v[previousK + offset]
            let previousY = previousX - previousK
            while x > previousX, y > previousY {
                x -= 1
                y -= 1
                result.append(.same(a[x]))
            }
            guard d > 0 else { break }
            if x == previousX {
                y -= 1
                result.append(.added(b[y]))
            } else {
                x -= 1
                result.append(.removed(a[x]))
            }
        }
        return result.reversed()
    }
}
