/// One value per slot, each slot written by a single worker thread and read after the workers have joined,
/// so no lock is needed (and thread sanitizer sees the join as the ordering).
final class ThreadSlots: @unchecked Sendable {
    private let values: UnsafeMutableBufferPointer<UInt64>

    init(count: Int) {
        values = .allocate(capacity: count)
        values.initialize(repeating: 0)
    }

    deinit {
        values.deallocate()
    }

    subscript(slot: Int) -> UInt64 {
        get { values[slot] }
        set { values[slot] = newValue }
    }

    var all: [UInt64] { Array(values) }
}
