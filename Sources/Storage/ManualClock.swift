import Synchronization

/// A clock that moves only when told to, so tests can step through expiry deterministically.
public final class ManualClock: CacheClock {
    private let current: Atomic<Int64>

    public init(now: Int64) {
        current = Atomic(now)
    }

    public func now() -> Int64 {
        current.load(ordering: .acquiring)
    }

    public func advance(by seconds: Int64) {
        current.wrappingAdd(seconds, ordering: .acquiringAndReleasing)
    }

    public func set(_ now: Int64) {
        current.store(now, ordering: .releasing)
    }
}
