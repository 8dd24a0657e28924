import Testing

@testable import Storage

@Suite struct ItemHeaderTests {
    private func storedExpiry(_ expiresAt: Int64) -> Int64 {
        var header = ItemHeader(flags: 0, valueLength: 0, replyHeaderLength: 0, keyLength: 0)
        header.expiresAt = expiresAt
        return header.expiresAt
    }

    /// The expiry is 32 bits from 2023-11-14: never, already expired, the clocks tests start at and every time
    /// until 2091 read back exactly.
    @Test func expiryReadsBackExactlyFrom1955To2091() {
        let epoch = ItemHeader.expiryEpoch
        let latest = epoch + Int64(Int32.max)
        let times: [Int64] = [0, -1, 1, 100, 86_400, 1_000_000_000, epoch - 1, epoch, epoch + 1, latest]
        for time in times { #expect(storedExpiry(time) == time) }
        #expect(ItemHeader(flags: 0, valueLength: 0, replyHeaderLength: 0, keyLength: 0).expiresAt == 0)
    }

    /// Beyond the range a time clamps to its end, so it stays in the future or the past, and is never taken for
    /// "never expires".
    @Test func expiryBeyondTheRangeClampsToItsEnds() {
        let latest = ItemHeader.expiryEpoch + Int64(Int32.max)
        #expect(storedExpiry(latest + 1) == latest)
        #expect(storedExpiry(Int64.max) == latest)
        let earliest = ItemHeader.expiryEpoch + Int64(Int32.min) + 1
        #expect(storedExpiry(earliest - 1) == earliest)
        #expect(storedExpiry(Int64.min) == earliest)
        #expect(storedExpiry(-ItemHeader.expiryEpoch * 2) != 0)
    }
}
