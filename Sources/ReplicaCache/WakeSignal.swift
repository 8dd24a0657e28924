import CEventShim
import Glibc

/// Lets any thread wake a loop it does not own (the main loop, a worker, the replication link)
/// through an eventfd: `event_base`s here are confined to their threads. An eventfd is one
/// counter, so a wake-up costs one `write` and the owner resets it with one `read` (a pipe
/// needed a second read to see it empty).
final class WakeSignal: @unchecked Sendable {
    private let base: OpaquePointer
    private let descriptor: Int32
    private var event: OpaquePointer?

    init(base: OpaquePointer) throws(ServerError) {
        self.base = base
        descriptor = replicacache_wake_eventfd()
        guard descriptor >= 0 else { throw .eventLoop("eventfd failed: \(String(cString: strerror(errno)))") }
    }

    /// `persistent`: keep listening after the first wake-up.
    func arm(_ callback: event_callback_fn, context: UnsafeMutableRawPointer?, persistent: Bool = false) {
        event = event_new(base, descriptor, Int16(persistent ? EV_READ | EV_PERSIST : EV_READ), callback, context)
        event_add(event, nil)
    }

    func fire() {
        var one: UInt64 = 1
        _ = write(descriptor, &one, MemoryLayout<UInt64>.size)
    }

    /// Resets the counter, on the owning loop's thread, so the next `fire` wakes it again.
    func drain() {
        var count: UInt64 = 0
        _ = read(descriptor, &count, MemoryLayout<UInt64>.size)
    }

    func disarm() {
        event_free(event)
        close(descriptor)
    }
}
