/// The source of "now" for expiry, flush marks, last-access times and versions; tests inject a `ManualClock`.
public protocol CacheClock: Sendable {
    /// The current time in unix seconds.
    func now() -> Int64
    /// The current time in unix milliseconds, for versions and replicated flush marks.
    func nowMilliseconds() -> Int64
}

extension CacheClock {
    /// Whole seconds only, for clocks that have nothing finer.
    public func nowMilliseconds() -> Int64 {
        now() * 1000
    }
}
