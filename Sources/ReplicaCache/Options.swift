import ArgumentParser
import Glibc
import Protocol

/// The command line: memcached's flags with memcached's meanings.
struct Options: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replicacache",
        abstract: "A memcached-compatible cache server that mirrors every write to a peer.",
        discussion: "Unsupported memcached flags are refused with status 2."
    )

    @Option(name: [.customShort("p"), .customLong("port")], help: "TCP port to listen on (0 picks a free one).")
    var port: Int = 11211

    @Option(name: [.customShort("U"), .customLong("udp-port")], help: "UDP port; only 0 (off) is supported.")
    var udpPort: Int = 0

    @Option(name: [.customShort("l"), .customLong("listen")], help: "Interface to listen on (default: all).")
    var listen: String = ""

    @Option(name: [.customShort("t"), .customLong("threads")], help: "Number of worker threads.")
    var threads: Int = 4

    @Option(
        name: [.customShort("m"), .customLong("memory-limit")], help: "Item memory in megabytes (k/m/g suffix allowed)."
    )
    var memoryLimit: String = "64"

    @Flag(
        name: [.customShort("M"), .customLong("disable-evictions")],
        help: "Return an error when memory is full instead of evicting.")
    var disableEvictions = false

    @Option(name: [.customShort("c"), .customLong("conn-limit")], help: "Maximum simultaneous connections.")
    var connectionLimit: Int = 1024

    @Option(name: [.customShort("I"), .customLong("max-item-size")], help: "Maximum item size, e.g. 1m or 512k.")
    var maxItemSize: String = "1m"

    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Verbose (-vv more verbose).")
    var verbosity: Int

    @Flag(name: [.customShort("d"), .customLong("daemon")], help: "Run as a daemon.")
    var daemonize = false

    @Option(name: [.customShort("u"), .customLong("user")], help: "User to run as when started as root.")
    var user: String?

    @Option(name: [.customShort("P"), .customLong("pidfile")], help: "Write the process id to this file.")
    var pidFile: String?

    @Flag(name: [.customShort("A"), .customLong("enable-shutdown")], help: "Allow the shutdown command.")
    var enableShutdown = false

    @Option(
        name: [.customShort("f"), .customLong("slab-growth-factor")],
        help: "Size class growth factor, as memcached's slab chunks (reported in stats items/slabs).")
    var slabGrowthFactor: String = "1.25"

    @Option(
        name: [.customShort("n"), .customLong("slab-min-size")], parsing: .unconditional,
        help: "Smallest size class's room for key, value and flags, in bytes.")
    var slabMinimumSize: String = "48"

    @Flag(name: [.customShort("r"), .customLong("enable-coredumps")], help: "Raise the core file size limit.")
    var enableCoreDumps = false

    @Flag(name: [.customShort("k"), .customLong("lock-memory")], help: "Lock all paged memory (mlockall).")
    var lockMemory = false

    @Flag(name: [.customShort("F"), .customLong("disable-flush-all")], help: "Refuse flush_all.")
    var disableFlushAll = false

    @Flag(
        name: [.customShort("X"), .customLong("disable-dumping")], help: "Refuse lru_crawler metadump.")
    var disableDumping = false

    @Flag(name: [.customShort("V"), .customLong("version")], help: "Print the version and exit.")
    var printVersion = false

    @Option(name: [.customShort("b"), .customLong("listen-backlog")], help: "Listen queue length.")
    var listenBacklog: Int32 = 1024

    @Option(
        name: [.customShort("R"), .customLong("max-reqs-per-event")],
        help: "Accepted for compatibility; every read batch is parsed whole.")
    var maxRequestsPerEvent: Int = 20

    @Option(name: [.customShort("B"), .customLong("protocol")], help: "Binding protocol: auto, ascii or binary.")
    var bindingProtocol: String = "auto"

    @Flag(name: [.customShort("S"), .customLong("enable-sasl")], help: "Require SASL PLAIN authentication.")
    var enableSASL = false

    @Option(
        name: [.customShort("Y"), .customLong("auth-file")],
        help: "Require authentication with the user:password lines of this file.")
    var authFile: String?

    @Option(
        name: .customLong("drain-timeout"),
        help: "SIGTERM: longest wait, in seconds, for clients' requests and the peer's ack before exiting.")
    var drainTimeout: Int = 10

    @Option(name: .customLong("log-file"), help: "Log here instead of standard error; SIGHUP reopens it.")
    var logFile: String?

    @Option(name: .customLong("metrics-port"), help: "Serve /metrics (Prometheus) and /health on this port.")
    var metricsPort: Int?

    @Option(name: .customLong("peer"), help: "The peer node's client address, HOST:PORT: replicate with it.")
    var peer: String?

    @Option(name: .customLong("node-id"), help: "This node's name in the pair (default: host:port).")
    var nodeID: String?

    @Option(name: .customLong("repl-mode"), help: "async: reply at once; sync: wait for the peer's ack.")
    var replicationMode: String = "async"

    @Option(name: .customLong("repl-backlog"), help: "Outgoing replication backlog size, e.g. 64m.")
    var replicationBacklog: String = "64m"

    @Option(name: .customLong("repl-sync-timeout"), help: "Longest wait for the peer's ack in sync mode, ms.")
    var replicationSyncTimeout: Int = 100

    @Option(name: .customLong("repl-secret-file"), help: "File with the pair's shared secret for the handshake.")
    var replicationSecretFile: String?

    @Option(
        name: .customLong("repl-read-through-timeout"),
        help: "Longest wait for the peer when a warming node reads a local miss through, ms.")
    var replicationReadThroughTimeout: Int = 100

    @Flag(name: [.customShort("Z"), .customLong("enable-ssl")], help: "TLS on the client port (-o ssl_chain_cert=…).")
    var enableTLS = false

    @Flag(
        name: .customLong("repl-tls"),
        help: "Replicate over TLS: dial the peer's -Z port and verify its certificate against ssl_ca_cert.")
    var replicationTLS = false

    @Option(name: [.customShort("o"), .customLong("extended")], help: "Comma-separated extended options.")
    var extended: [String] = []

    /// memcached `-o` keys that tune its slab allocator, hash table and LRU threads. Our storage
    /// has none of those parts, so the keys are accepted (configurations keep working) and have
    /// no effect; `idle_timeout` is served (see `idleTimeout`); any other key is refused.
    static let allocatorTuningOptions: Set<String> = [
        "slab_chunk_max", "slab_reassign", "slab_automove", "hashpower", "modern", "lru_crawler",
        "no_lru_crawler", "lru_maintainer", "no_lru_maintainer", "hash_algorithm",
    ]

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("port must be between 0 and 65535") }
        guard udpPort == 0 else { throw ValidationError("UDP is not supported: use -U 0") }
        guard (1...256).contains(threads) else { throw ValidationError("number of threads must be between 1 and 256") }
        guard connectionLimit > 0 else { throw ValidationError("maximum connections must be greater than 0") }
        guard BindingProtocol(rawValue: bindingProtocol) != nil else {
            throw ValidationError("unsupported binding protocol \(bindingProtocol): use auto, ascii or binary")
        }
        for option in extended.flatMap({ $0.split(separator: ",") }) {
            let key = option.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            let served = key == "idle_timeout" || TLSSettings.optionKeys.contains(key)
            guard Self.allocatorTuningOptions.contains(key) || served else {
                throw ValidationError("unsupported extended option: \(option)")
            }
        }
        _ = try settings()
    }

    /// The validated values the server runs with.
    func settings() throws -> Settings {
        guard let megabytes = Self.byteCount(memoryLimit, defaultUnit: 1 << 20), megabytes > 0 else {
            throw ValidationError("invalid memory limit: \(memoryLimit)")
        }
        guard let itemSize = Self.byteCount(maxItemSize, defaultUnit: 1) else {
            throw ValidationError("invalid max item size: \(maxItemSize)")
        }
        guard itemSize >= 1024 else { throw ValidationError("item max size cannot be less than 1024 bytes") }
        guard itemSize <= 1024 * 1024 * 1024 else {
            throw ValidationError("cannot set item size limit higher than 1 GB")
        }
        guard itemSize <= megabytes / 2 else {
            throw ValidationError("cannot set item size limit higher than 1/2 of memory max")
        }
        var settings = Settings(
            replication: try replicationSettings(),
            port: UInt16(port), listenAddress: listen, threadCount: threads, memoryLimit: megabytes,
            evictionsEnabled: !disableEvictions, maxConnections: connectionLimit, itemSizeMax: itemSize,
            verbosity: verbosity, shutdownEnabled: enableShutdown, listenBacklog: listenBacklog,
            requestsPerEvent: maxRequestsPerEvent)
        try authentication(&settings)
        settings.idleTimeout = try idleTimeout()
        settings.tls = try tlsSettings()
        try sizeClasses(&settings)
        if let metricsPort {
            guard (1...65535).contains(metricsPort) else { throw ValidationError("--metrics-port must be 1-65535") }
            settings.metricsPort = UInt16(metricsPort)
        }
        guard drainTimeout >= 0 else { throw ValidationError("--drain-timeout must be 0 or more seconds") }
        settings.drainTimeout = drainTimeout
        settings.flushEnabled = !disableFlushAll
        settings.dumpEnabled = !disableDumping
        return settings
    }

    /// `-f` and `-n`, read and refused as memcached reads them (`atof`/`atoi`: text that is not a
    /// number counts as 0). A negative `-n` memcached takes; one that leaves no room at all is refused.
    private func sizeClasses(_ settings: inout Settings) throws {
        guard let factor = Double(slabGrowthFactor), factor > 1 else {
            throw ValidationError("Factor must be greater than 1")
        }
        guard let minimum = Int(slabMinimumSize), minimum != 0, minimum > -48 else {
            throw ValidationError("Chunk size must be greater than 0")
        }
        settings.sizeClassGrowthFactor = factor
        settings.sizeClassMinimumDataSize = minimum
    }

    /// `-o idle_timeout=N`: close connections that sent nothing for N seconds (0, the default, never).
    private func idleTimeout() throws -> Int {
        var seconds = 0
        for option in extended.flatMap({ $0.split(separator: ",") }) {
            let parts = option.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.first == "idle_timeout" else { continue }
            guard parts.count == 2, let value = Int(parts[1]), value >= 0 else {
                throw ValidationError("idle_timeout wants a number of seconds, got \(option)")
            }
            seconds = value
        }
        return seconds
    }

    /// `-Z`, the `-o ssl_*` keys and `--repl-tls`. A pair whose client ports speak TLS must replicate over TLS, since
    /// the link is dialed to the peer's client port.
    private func tlsSettings() throws -> TLSSettings {
        var tls = TLSSettings()
        tls.enabled = enableTLS
        tls.replication = replicationTLS
        for option in extended.flatMap({ $0.split(separator: ",") }) {
            let parts = option.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            do {
                try tls.read(key: parts[0], value: parts.count == 2 ? parts[1] : nil)
            } catch {
                throw ValidationError(error.description)
            }
        }
        if enableTLS, tls.chainCertificate == nil {
            throw ValidationError("-Z needs the certificate chain: -o ssl_chain_cert=FILE[,ssl_key=FILE]")
        }
        if replicationTLS {
            guard peer != nil, enableTLS else { throw ValidationError("--repl-tls needs --peer and -Z") }
            guard tls.caCertificate != nil else {
                throw ValidationError("--repl-tls needs -o ssl_ca_cert=FILE to verify the peer's certificate")
            }
        } else if enableTLS, peer != nil {
            throw ValidationError("--peer with -Z needs --repl-tls: the link is dialed to the peer's TLS client port")
        }
        return tls
    }

    /// `-Y` reads its file at start-up as memcached does; `-S` alone takes memcached's `MEMCACHED_SASL_PWDB`.
    private func authentication(_ settings: inout Settings) throws {
        settings.saslEnabled = enableSASL
        settings.asciiAuthentication = authFile != nil
        settings.authFile = authFile
        settings.binding = try binding()
        let path = authFile ?? (enableSASL ? getenv("MEMCACHED_SASL_PWDB").map { String(cString: $0) } : nil)
        guard let path else {
            if enableSASL { throw ValidationError("-S needs a password file: -Y FILE or MEMCACHED_SASL_PWDB") }
            return
        }
        do {
            settings.passwords = try PasswordFile.load(path: path)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// As memcached: `-S` alone serves binary only, `-Y` alone text only, and neither may be combined with the
    /// other protocol by `-B`. With both, each connection gets the protocol its first byte asks for.
    private func binding() throws -> BindingProtocol {
        let requested = BindingProtocol(rawValue: bindingProtocol) ?? .auto
        let sasl = enableSASL && authFile == nil
        let ascii = authFile != nil && !enableSASL
        if sasl && requested == .ascii {
            throw ValidationError("you cannot allow the ASCII protocol while using SASL")
        }
        if ascii && requested == .binary {
            throw ValidationError("you cannot allow the BINARY protocol while using ascii authentication tokens")
        }
        if requested != .auto { return requested }
        return sasl ? .binary : ascii ? .ascii : .auto
    }

    private func replicationSettings() throws -> ReplicationSettings? {
        guard let peer else {
            let pairOnly = [nodeID, replicationSecretFile].contains { $0 != nil } || replicationMode != "async"
            if pairOnly { throw ValidationError("--node-id, --repl-mode and --repl-secret-file need --peer") }
            return nil
        }
        guard let colon = peer.lastIndex(of: ":"), let peerPort = UInt16(peer[peer.index(after: colon)...]),
            colon != peer.startIndex
        else { throw ValidationError("--peer must be HOST:PORT, got \(peer)") }
        guard let mode = ReplicationSettings.Mode(rawValue: replicationMode) else {
            throw ValidationError("--repl-mode must be async or sync")
        }
        guard let backlog = Self.byteCount(replicationBacklog, defaultUnit: 1), backlog >= 1 << 20 else {
            throw ValidationError("--repl-backlog must be at least 1m, got \(replicationBacklog)")
        }
        guard replicationSyncTimeout > 0 else { throw ValidationError("--repl-sync-timeout must be positive") }
        guard replicationReadThroughTimeout > 0 else {
            throw ValidationError("--repl-read-through-timeout must be positive")
        }
        var host = String(peer[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return ReplicationSettings(
            peerHost: host, peerPort: peerPort,
            nodeName: nodeID ?? "\(Self.hostName()):\(port)", mode: mode, backlogBytes: backlog,
            syncTimeoutMilliseconds: replicationSyncTimeout, secretFile: replicationSecretFile,
            readThroughTimeoutMilliseconds: replicationReadThroughTimeout)
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// "64", "1m", "512k", "2g" → bytes, with `defaultUnit` for a bare number.
    static func byteCount(_ text: String, defaultUnit: Int) -> Int? {
        guard let last = text.last else { return nil }
        let unit: Int
        let digits: Substring
        switch last {
        case "k", "K": (unit, digits) = (1 << 10, text.dropLast())
        case "m", "M": (unit, digits) = (1 << 20, text.dropLast())
        case "g", "G": (unit, digits) = (1 << 30, text.dropLast())
        default: (unit, digits) = (defaultUnit, Substring(text))
        }
        guard let value = Int(digits), value >= 0 else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: unit)
        return overflow ? nil : bytes
    }
}
