/// The one place that turns Swift objects into the `void *` arguments of C callbacks.
///
/// `retain` hands libevent (or pthreads) a +1 reference; `release` gives it back when the
/// C side will not call again. Nothing else in the server uses `Unmanaged`.
enum CallbackContext<Object: AnyObject> {
    static func retain(_ object: Object) -> UnsafeMutableRawPointer {
        Unmanaged.passRetained(object).toOpaque()
    }

    /// Borrows the object behind `context` without changing its reference count.
    @inline(__always)
    static func object(from context: UnsafeMutableRawPointer?) -> Object {
        Unmanaged<Object>.fromOpaque(context!).takeUnretainedValue()
    }

    static func release(_ context: UnsafeMutableRawPointer?) {
        guard let context else { return }
        Unmanaged<Object>.fromOpaque(context).release()
    }
}
