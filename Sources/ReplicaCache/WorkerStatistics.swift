import Atomics

/// Counters owned by one worker thread and read by whichever thread answers `stats`.
///
/// Only the owning worker writes, so an increment is a relaxed load and store (no locked
/// instruction on the hot path); readers see each counter atomically. `stats reset` moves a
/// baseline instead of writing here, which keeps the single-writer rule.
final class WorkerStatistics: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<UnsafeAtomic<UInt64>.Storage>

    init() {
        storage = .allocate(capacity: Counter.allCases.count)
        for index in 0..<Counter.allCases.count {
            (storage + index).initialize(to: UnsafeAtomic<UInt64>.Storage(0))
        }
    }

    deinit {
        storage.deinitialize(count: Counter.allCases.count)
        storage.deallocate()
    }

    @inline(__always)
    func add(_ counter: Counter, _ amount: UInt64 = 1) {
        let atomic = UnsafeAtomic<UInt64>(at: storage + counter.rawValue)
        atomic.store(atomic.load(ordering: .relaxed) &+ amount, ordering: .relaxed)
    }

    func value(_ counter: Counter) -> UInt64 {
        UnsafeAtomic<UInt64>(at: storage + counter.rawValue).load(ordering: .relaxed)
    }
}
