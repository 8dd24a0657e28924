import Protocol

/// The server's configuration after the command line was validated.
struct Settings: Sendable {
    /// Present when the node has a peer.
    var replication: ReplicationSettings?
    var port: UInt16
    var listenAddress: String
    var threadCount: Int
    var memoryLimit: Int
    var evictionsEnabled: Bool
    var maxConnections: Int
    var itemSizeMax: Int
    var verbosity: Int
    var shutdownEnabled: Bool
    var listenBacklog: Int32
    var requestsPerEvent: Int
    /// memcached's `-B`, after `-S`/`-Y` narrowed `auto` as memcached does.
    var binding = BindingProtocol.auto
    /// memcached's `-S`: binary SASL PLAIN before any other binary request.
    var saslEnabled = false
    /// memcached's `-Y`: ASCII authentication (a `set` whose data is `user password`) before any text command.
    var asciiAuthentication = false
    /// The `-Y` file as given, for `stats settings`.
    var authFile: String?
    /// Whom SASL and ASCII authentication accept: the `-Y` file, else memcached's `MEMCACHED_SASL_PWDB`.
    var passwords: PasswordFile?
    /// memcached's `-o idle_timeout`: seconds without a request before a connection is closed; 0 never.
    var idleTimeout = 0
    /// memcached's `-f`, for the size classes `stats items`/`stats slabs` report.
    var sizeClassGrowthFactor = 1.25
    /// memcached's `-n`.
    var sizeClassMinimumDataSize = 48
    /// `--drain-timeout`: how long a SIGTERM waits for requests in progress and the peer's ack.
    var drainTimeout = 10
    /// `--metrics-port`: where `/metrics` and `/health` are served, on the `-l` address.
    var metricsPort: UInt16?
    /// memcached's `-F` turns this off: `flush_all` and binary FLUSH are refused.
    var flushEnabled = true
    /// memcached's `-Z` and `-o ssl_*`, and `--repl-tls`.
    var tls = TLSSettings()
    /// memcached's `-X` turns this off: `lru_crawler metadump` is refused.
    var dumpEnabled = true
}
