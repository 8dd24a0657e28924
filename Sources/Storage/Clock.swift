/// The source of "now" for expiry, flush marks and last-access times; tests inject a `ManualClock`.
public protocol CacheClock: Sendable {
    /// The current time in unix seconds.
    func now() -> Int64
}
