import Synchronization

/// The node-wide CAS unique counter; like memcached the first unique handed out is 1.
final class CasSequence: Sendable {
    private let last = Atomic<UInt64>(0)

    @inline(__always)
    func next() -> UInt64 {
        last.wrappingAdd(1, ordering: .relaxed).newValue
    }
}
