import Foundation
import GalleyCore
import Synchronization

/// Counts failed sign-ins per account and per client address over a sliding window, and says how
/// long to wait once either has had too many. Kept in memory: each replica counts its own, so
/// with N replicas an attacker gets at most N times the allowance.
final class LoginThrottle: Sendable {
    struct Limits: Sendable {
        var window: TimeInterval = 15 * 60
        var perAccount = 5
        var perAddress = 20
    }

    private let limits: Limits
    private let failures = Mutex<[String: [Date]]>([:])

    init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Throws a 429 with `Retry-After` when `account` or `address` must wait; `what` names the
    /// failures counted (`failed sign-ins`).
    func check(account: String, address: String?, at now: Date, counting what: String) throws {
        guard let wait = retryAfter(account: account, address: address, at: now) else { return }
        var error = GalleyError(.tooManyRequests, "too many \(what); try again in \(wait) seconds")
        error.retryAfter = wait
        throw error
    }

    /// Seconds to wait before trying again, or nil when a try is allowed now.
    func retryAfter(account: String, address: String?, at now: Date) -> Int? {
        failures.withLock { failures in
            let waits = keys(account: account, address: address).compactMap { key, limit -> TimeInterval? in
                let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < limits.window }
                guard recent.count >= limit, let oldest = recent.first else { return nil }
                return limits.window - now.timeIntervalSince(oldest)
            }
            return waits.max().map { max(1, Int($0.rounded(.up))) }
        }
    }

    func recordFailure(account: String, address: String?, at now: Date) {
        failures.withLock { failures in
            for (key, limit) in keys(account: account, address: address) {
                var recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < limits.window }
                recent.append(now)
                failures[key] = Array(recent.suffix(limit))
            }
            // Keep memory bounded however many addresses try.
            if failures.count > 10_000 {
                failures = failures.filter { $0.value.contains { now.timeIntervalSince($0) < limits.window } }
            }
        }
    }

    /// A successful sign-in clears the account's count (not the address's).
    func recordSuccess(account: String) {
        failures.withLock { _ = $0.removeValue(forKey: "account:" + account) }
    }

    private func keys(account: String, address: String?) -> [(String, Int)] {
        [("account:" + account, limits.perAccount)] + (address.map { [("address:" + $0, limits.perAddress)] } ?? [])
    }
}
