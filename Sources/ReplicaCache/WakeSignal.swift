import CEventShim
import Glibc

/// Lets any thread wake a loop it does not own (the main loop, a worker, the replication link)
/// through a pipe: `event_base`s here are confined to their threads.
final class WakeSignal: @unchecked Sendable {
    private let base: OpaquePointer
    private let readEnd: Int32
    private let writeEnd: Int32
    private var event: OpaquePointer?

    init(base: OpaquePointer) throws(ServerError) {
        self.base = base
        (readEnd, writeEnd) = try Socket.makePipe()
    }

    /// `persistent`: keep listening after the first wake-up.
    func arm(_ callback: event_callback_fn, context: UnsafeMutableRawPointer?, persistent: Bool = false) {
        event = event_new(base, readEnd, Int16(persistent ? EV_READ | EV_PERSIST : EV_READ), callback, context)
        event_add(event, nil)
    }

    func fire() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Empties the pipe, on the owning loop's thread, so the next `fire` wakes it again.
    func drain() {
        var scratch = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &scratch, { read(readEnd, $0.baseAddress, $0.count) }) > 0 {}
    }

    func disarm() {
        event_free(event)
        close(readEnd)
        close(writeEnd)
    }
}
