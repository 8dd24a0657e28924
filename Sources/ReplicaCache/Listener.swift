import CEventShim
import Glibc

/// Accepts client connections on the main thread and hands them to the workers in turn.
final class Listener {
    let fd: Int32
    private let server: ServerState
    private let base: OpaquePointer
    private var acceptEvent: OpaquePointer?
    private var resumeTimer: OpaquePointer?
    private var context: UnsafeMutableRawPointer?
    private var nextWorker = 0
    private var stopped = false

    init(fd: Int32, server: ServerState, base: OpaquePointer) {
        self.fd = fd
        self.server = server
        self.base = base
    }

    func start() {
        context = CallbackContext.retain(self)
        acceptEvent = event_new(base, fd, Int16(EV_READ | EV_PERSIST), onAcceptable, context)
        resumeTimer = evtimer_new_shim(base, onResume, context)
        event_add(acceptEvent, nil)
    }

    /// Closes the listening socket; a second call (a drain, then the stop) does nothing.
    func stop() {
        guard !stopped else { return }
        stopped = true
        event_free(acceptEvent)
        event_free(resumeTimer)
        Glibc.close(fd)
        CallbackContext<Listener>.release(context)
    }

    fileprivate func acceptAll() {
        let workers = server.workers
        while true {
            let client = replicacache_accept(fd)
            guard client >= 0 else {
                if errno == EMFILE || errno == ENFILE {
                    pause()
                }
                return
            }
            server.totalConnections.wrappingIncrement(ordering: .relaxed)
            if server.currentConnections.load(ordering: .relaxed) >= server.connectionLimit {
                reject(client)
                continue
            }
            server.currentConnections.wrappingIncrement(ordering: .relaxed)
            Socket.makeNonBlocking(client)
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            Socket.disableNagle(client)
            workers[nextWorker].adopt(client)
            nextWorker = (nextWorker + 1) % workers.count
        }
    }

    /// memcached's answer when `-c` is reached: an error line, then the socket is closed.
    private func reject(_ client: Int32) {
        let message: StaticString = "ERROR Too many open connections\r\n"
        _ = write(client, message.utf8Start, message.utf8CodeUnitCount)
        Glibc.close(client)
        server.rejectedConnections.wrappingIncrement(ordering: .relaxed)
    }

    /// Out of descriptors: stop accepting for a moment instead of spinning on the listener.
    private func pause() {
        event_del(acceptEvent)
        var delay = timeval(tv_sec: 0, tv_usec: 10_000)
        evtimer_add_shim(resumeTimer, &delay)
    }

    fileprivate func resume() {
        event_add(acceptEvent, nil)
    }
}

private let onAcceptable: event_callback_fn = { _, _, context in
    CallbackContext<Listener>.object(from: context).acceptAll()
}

private let onResume: event_callback_fn = { _, _, context in
    CallbackContext<Listener>.object(from: context).resume()
}
