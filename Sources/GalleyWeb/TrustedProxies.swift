import Foundation

/// IP addresses and CIDR ranges, IPv4 or IPv6: `127.0.0.1, 10.0.0.0/8, fd00::/8`.
public struct AddressRanges: Sendable, Equatable {
    struct Range: Sendable, Equatable {
        let address: [UInt8]
        let prefixLength: Int

        func contains(_ other: [UInt8]) -> Bool {
            guard other.count == address.count else { return false }
            var remaining = prefixLength
            for (a, b) in zip(address, other) where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if a & mask != b & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    let ranges: [Range]

    static let empty = AddressRanges(ranges: [])

    init(ranges: [Range]) {
        self.ranges = ranges
    }

    /// A comma-separated list; `nil` if it is empty or any item is not an address or range.
    public init?(parsing text: String) {
        var ranges: [Range] = []
        for item in text.split(separator: ",") {
            let parts = item.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1)
            guard let first = parts.first, let address = Self.bytes(of: String(first)) else { return nil }
            var prefix = address.count * 8
            if parts.count == 2 {
                guard let length = Int(parts[1]), (0...prefix).contains(length) else { return nil }
                prefix = length
            }
            ranges.append(Range(address: address, prefixLength: prefix))
        }
        guard !ranges.isEmpty else { return nil }
        self.ranges = ranges
    }

    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.bytes(of: address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    static func bytes(of address: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}

/// The proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` galley believes (`--trusted-proxy`).
/// From anyone else those headers are ignored, so a client cannot claim another address or a
/// secure connection it does not have.
public struct TrustedProxies: Sendable, Equatable {
    let addresses: AddressRanges

    public static let none = TrustedProxies(addresses: .empty)

    init(addresses: AddressRanges) {
        self.addresses = addresses
    }

    /// A comma-separated list of addresses and ranges; `nil` if any item is not one.
    public init?(parsing text: String) {
        guard let addresses = AddressRanges(parsing: text) else { return nil }
        self.addresses = addresses
    }

    public func contains(_ address: String) -> Bool {
        addresses.contains(address)
    }

    /// The client's address: the peer's own, unless the peer is a trusted proxy; then the
    /// right-most address in `X-Forwarded-For` that is not a trusted proxy (each proxy appends
    /// the address it was reached from, so everything left of that could be made up), or the
    /// left-most when all of them are trusted.
    public func client(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer, !addresses.ranges.isEmpty, contains(peer) else { return peer }
        let chain = forwardedFor.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { AddressRanges.bytes(of: $0) != nil }
        return chain.last { !contains($0) } ?? chain.first ?? peer
    }

    /// `https` when a trusted proxy says the client used it; otherwise `http`.
    public func scheme(peer: String?, forwardedProto: String?) -> String {
        guard let peer, contains(peer), let proto = forwardedProto?.split(separator: ",").first?
            .trimmingCharacters(in: .whitespaces).lowercased(), proto == "https"
        else { return "http" }
        return "https"
    }
}
