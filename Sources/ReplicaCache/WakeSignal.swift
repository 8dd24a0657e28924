import CEventShim
import Glibc

/// Lets any thread wake the main loop (for the `shutdown` command) through a pipe, since the
/// main `event_base` is not shared with the workers.
final class WakeSignal: @unchecked Sendable {
    private let base: OpaquePointer
    private let readEnd: Int32
    private let writeEnd: Int32
    private var event: OpaquePointer?

    init(base: OpaquePointer) throws(ServerError) {
        self.base = base
        (readEnd, writeEnd) = try Socket.makePipe()
    }

    func arm(_ callback: event_callback_fn, context: UnsafeMutableRawPointer?) {
        event = event_new(base, readEnd, Int16(EV_READ), callback, context)
        event_add(event, nil)
    }

    func fire() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    func disarm() {
        event_free(event)
        close(readEnd)
        close(writeEnd)
    }
}
