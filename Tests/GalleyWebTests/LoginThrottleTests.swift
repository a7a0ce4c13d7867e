import Foundation
@testable import GalleyWeb
import Testing

@Suite struct LoginThrottleTests {
    let now = Date(timeIntervalSince1970: 1_750_000_000)

    @Test func oneAddressTryingManyAccountsIsStopped() {
        let throttle = LoginThrottle(limits: .init(window: 900, perAccount: 5, perAddress: 20))
        for index in 0..<20 {
            #expect(throttle.retryAfter(account: "user\(index)@example.com", address: "198.51.100.7", at: now) == nil)
            throttle.recordFailure(account: "user\(index)@example.com", address: "198.51.100.7", at: now)
        }
        #expect(throttle.retryAfter(account: "someone.else@example.com", address: "198.51.100.7", at: now) == 900)
        #expect(throttle.retryAfter(account: "someone.else@example.com", address: "203.0.113.1", at: now) == nil, "other addresses go on")
        #expect(throttle.retryAfter(account: "user0@example.com", address: "198.51.100.7", at: now.addingTimeInterval(900)) == nil, "the window slides")
    }

    @Test func aSuccessClearsTheAccountButNotTheAddress() {
        let throttle = LoginThrottle(limits: .init(window: 60, perAccount: 2, perAddress: 3))
        throttle.recordFailure(account: "ada", address: "a", at: now)
        throttle.recordFailure(account: "ada", address: "a", at: now.addingTimeInterval(10))
        #expect(throttle.retryAfter(account: "ada", address: "b", at: now.addingTimeInterval(20)) == 40, "until the oldest failure leaves the window")
        throttle.recordSuccess(account: "ada")
        #expect(throttle.retryAfter(account: "ada", address: "b", at: now.addingTimeInterval(20)) == nil)
        throttle.recordFailure(account: "bob", address: "a", at: now.addingTimeInterval(20))
        #expect(throttle.retryAfter(account: "carol", address: "a", at: now.addingTimeInterval(21)) == 39)
    }
}
