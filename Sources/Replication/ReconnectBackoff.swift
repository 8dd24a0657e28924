/// Delays between dial attempts: exponential, capped, with jitter so two nodes do not redial in lockstep.
public struct ReconnectBackoff: Equatable, Sendable {
    public var initial: Duration
    public var maximum: Duration
    /// The delay is scaled by a uniform factor in `1 ± jitter`.
    public var jitter: Double

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(5), jitter: Double = 0.2) {
        self.initial = initial
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The delay before attempt `attempt` (0 for the first retry after a loss).
    public func delay(attempt: Int, using random: inout some RandomNumberGenerator) -> Duration {
        var base = initial
        for _ in 0..<min(attempt, 32) where base < maximum {
            base *= 2
        }
        base = min(base, maximum)
        let factor = 1 + jitter * Double.random(in: -1...1, using: &random)
        return base * factor
    }
}
