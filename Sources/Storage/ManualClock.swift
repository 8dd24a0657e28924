import Synchronization

/// A clock that moves only when told to, so tests can step through expiry deterministically.
public final class ManualClock: CacheClock {
    private let currentMilliseconds: Atomic<Int64>

    public init(now: Int64) {
        currentMilliseconds = Atomic(now * 1000)
    }

    public func now() -> Int64 {
        let milliseconds = currentMilliseconds.load(ordering: .acquiring)
        // Floor division, so a clock set before 1970 still reads whole seconds consistently.
        return milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
    }

    public func nowMilliseconds() -> Int64 {
        currentMilliseconds.load(ordering: .acquiring)
    }

    public func advance(by seconds: Int64) {
        currentMilliseconds.wrappingAdd(seconds * 1000, ordering: .acquiringAndReleasing)
    }

    public func advance(milliseconds: Int64) {
        currentMilliseconds.wrappingAdd(milliseconds, ordering: .acquiringAndReleasing)
    }

    public func set(_ now: Int64) {
        currentMilliseconds.store(now * 1000, ordering: .releasing)
    }
}
