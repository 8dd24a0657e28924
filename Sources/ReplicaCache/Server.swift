import CEventShim
import Glibc
import Logging
import Storage

/// Starts the listener, the workers and the housekeeping timers, and runs until told to stop.
final class Server {
    /// How often a bounded expiry sweep runs.
    static let tickInterval = timeval(tv_sec: 1, tv_usec: 0)
    static let sweepBudget = 2_000

    private let settings: Settings
    private let logger: Logger
    private let logDestination: LogDestination
    private let base: OpaquePointer
    private let clock = SystemClock()
    private var state: ServerState!
    private var listener: Listener!
    private var threads: [pthread_t] = []
    private var events: [OpaquePointer?] = []
    private var context: UnsafeMutableRawPointer?
    private var stopping = false
    private var workers: [Worker] = []
    private var link: ReplicationLink?
    /// SIGTERM's drain: when it gives up, and the timer that watches it.
    private var drainDeadline: ContinuousClock.Instant?
    private var drainCheck: OpaquePointer?
    /// How often a drain looks at the workers and the peer's acks.
    static let drainCheckInterval = timeval(tv_sec: 0, tv_usec: 5_000)

    init(settings: Settings, logger: Logger, logDestination: LogDestination) throws(ServerError) {
        self.settings = settings
        self.logger = logger
        self.logDestination = logDestination
        guard let base = event_base_new() else { throw .eventLoop("event_base_new failed") }
        self.base = base
    }

    /// Binds the port; failures here still reach the terminal before `-d` detaches.
    func bind() throws(ServerError) {
        let fd = try Socket.listen(host: settings.listenAddress, port: settings.port, backlog: settings.listenBacklog)
        let wake = try WakeSignal(base: base)
        let tls = settings.tls.enabled ? try TLSContext(settings: settings.tls, now: clock.now()) : nil
        state = ServerState(settings: settings, clock: clock, logger: logger, tls: tls) { _ in wake.fire() }
        listener = Listener(fd: fd, server: state, base: base)
        shutdownWake = wake
        metrics = try settings.metricsPort.map { port throws(ServerError) in
            try MetricsEndpoint(base: base, host: settings.listenAddress, port: port, server: state)
        }
    }

    private var shutdownWake: WakeSignal?
    private var metrics: MetricsEndpoint?

    var port: UInt16 { Socket.localPort(listener.fd) }

    /// Runs until SIGTERM, SIGINT or `shutdown`; returns the exit status.
    func run() throws(ServerError) -> Int32 {
        let link = try settings.replication.map { replication throws(ServerError) in
            try ReplicationLink(settings: replication, cache: state.cache, logger: logger, tls: state.tls)
        }
        var workers: [Worker] = []
        for index in 0..<settings.threadCount {
            workers.append(try Worker(index: index, server: state, link: link))
        }
        state.attach(workers: workers, listeningPort: port, link: link)
        self.workers = workers
        self.link = link
        threads = workers.map { $0.start() }
        if let link {
            let notified = workers
            link.acknowledgementsChanged = {
                for worker in notified { worker.acknowledgementsChanged() }
            }
            threads.append(link.start())
        }
        context = CallbackContext.retain(self)
        let terminate = evsignal_new_shim(base, SIGTERM, onTerminateSignal, context)
        let interrupt = evsignal_new_shim(base, SIGINT, onStopSignal, context)
        event_add(terminate, nil)
        event_add(interrupt, nil)
        events += [terminate, interrupt]
        let hangUp = evsignal_new_shim(base, SIGHUP, onHangUp, context)
        event_add(hangUp, nil)
        events.append(hangUp)
        let tick = event_new(base, -1, Int16(EV_PERSIST), onTick, context)
        var interval = Self.tickInterval
        event_add(tick, &interval)
        events.append(tick)
        shutdownWake?.arm(onShutdownCommand, context: context)
        listener.start()
        logger.notice("listening", metadata: ["port": "\(port)", "threads": "\(settings.threadCount)"])
        event_base_dispatch(base)

        for worker in workers { worker.stop() }
        link?.stop()
        for thread in threads { pthread_join(thread, nil) }
        for event in events { event_free(event) }
        metrics?.close()
        shutdownWake?.disarm()
        CallbackContext<Server>.release(context)
        logger.notice("stopped")
        return 0
    }

    /// SIGTERM, for a rolling restart that loses nothing: stop accepting; let every client get the
    /// replies to what it sent and close at a request boundary; wait until the peer acknowledged
    /// every write (while the link is up); then stop. `--drain-timeout` bounds all of it.
    fileprivate func drain() {
        guard !stopping, drainDeadline == nil else { return }
        drainDeadline = .now + .seconds(settings.drainTimeout)
        logger.notice("draining", metadata: ["timeout_s": "\(settings.drainTimeout)"])
        listener.stop()
        for worker in workers { worker.drain() }
        drainCheck = event_new(base, -1, Int16(EV_PERSIST), onDrainCheck, context)
        var interval = Self.drainCheckInterval
        event_add(drainCheck, &interval)
        events.append(drainCheck)
        checkDrain()
    }

    fileprivate func checkDrain() {
        guard let drainDeadline, !stopping else { return }
        let clientsClosed = workers.allSatisfy { $0.drained.load(ordering: .acquiring) }
        // A link that is down cannot take the last writes; waiting for it would only delay the stop.
        let peerCaughtUp = link.map { !$0.streaming.load(ordering: .relaxed) || $0.peerHasEverything } ?? true
        if clientsClosed && peerCaughtUp {
            stop(reason: "drained")
        } else if .now >= drainDeadline {
            logger.warning(
                "drain timed out",
                metadata: ["clients_closed": "\(clientsClosed)", "peer_caught_up": "\(peerCaughtUp)"])
            stop(reason: "drain timed out")
        }
    }

    fileprivate func stop(reason: String) {
        guard !stopping else { return }
        stopping = true
        logger.notice("shutting down", metadata: ["reason": "\(reason)"])
        listener.stop()
        event_base_loopexit(base, nil)
    }

    /// SIGHUP: reopen `--log-file`, which log rotation renamed.
    fileprivate func reopenLog() {
        if logDestination.reopen() {
            logger.notice("log file reopened")
        } else {
            logger.error("cannot reopen the log file", metadata: ["error": "\(String(cString: strerror(errno)))"])
        }
    }

    fileprivate func tick() {
        _ = state.cache.sweepExpired(budget: Self.sweepBudget)
    }
}

private let onHangUp: event_callback_fn = { _, _, context in
    CallbackContext<Server>.object(from: context).reopenLog()
}

private let onTerminateSignal: event_callback_fn = { _, _, context in
    CallbackContext<Server>.object(from: context).drain()
}

private let onDrainCheck: event_callback_fn = { _, _, context in
    CallbackContext<Server>.object(from: context).checkDrain()
}

private let onStopSignal: event_callback_fn = { signal, _, context in
    CallbackContext<Server>.object(from: context).stop(reason: "signal \(signal)")
}

private let onTick: event_callback_fn = { _, _, context in
    CallbackContext<Server>.object(from: context).tick()
}

private let onShutdownCommand: event_callback_fn = { _, _, context in
    CallbackContext<Server>.object(from: context).stop(reason: "shutdown command")
}
