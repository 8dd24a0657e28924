/// memcached's `-Z` and its `-o ssl_*` keys, plus `--repl-tls`; `stats settings` shows them all, with or without `-Z`.
struct TLSSettings: Sendable {
    /// `-Z`: the client port speaks TLS only.
    var enabled = false
    var chainCertificate: String?
    /// The private key's file; memcached reads it from the chain file when this is not given.
    var key: String?
    /// OpenSSL's file type: 1 PEM, 2 DER.
    var keyFormat: Int32 = 1
    /// memcached's 0 (none), 1 (request), 2 (require) or 3 (once).
    var verifyMode = 0
    var ciphers: String?
    /// Acceptable client CAs, and for `--repl-tls` the CA the peer's certificate must chain to.
    var caCertificate: String?
    /// Accepted and shown as memcached does; OpenSSL's own record buffers do this job here.
    var writeBufferSize = 16 * 1024
    var sessionCache = false
    /// Accepted and shown; kernel TLS offload is not used.
    var kernelTLS = false
    /// memcached's 0–3 for TLS 1.0–1.3.
    var minimumVersion = 2
    /// `--repl-tls`: this node dials its peer with TLS and checks the peer's certificate, and takes the
    /// peer's link only over TLS with a certificate signed by `caCertificate`.
    var replication = false

    /// OpenSSL's verify flags for `verifyMode`, the number memcached's `stats settings` prints.
    var verifyFlags: Int32 {
        switch verifyMode {
        case 1: 1  // SSL_VERIFY_PEER
        case 2: 1 | 2  // … | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
        case 3: 1 | 2 | 4  // … | SSL_VERIFY_CLIENT_ONCE
        default: 0
        }
    }

    var minimumVersionName: String { "tlsv1.\(minimumVersion)" }

    /// The `-o` keys `read` takes.
    static let optionKeys: Set<String> = [
        "ssl_chain_cert", "ssl_key", "ssl_ciphers", "ssl_ca_cert", "ssl_session_cache", "ssl_kernel_tls",
        "ssl_verify_mode", "ssl_keyformat", "ssl_wbuf_size", "ssl_min_version",
    ]

    /// Reads one `-o` key if it is one of `optionKeys` (others are not this type's); values are refused with
    /// memcached's words.
    mutating func read(key: Substring, value: Substring?) throws(TLSSettingsError) {
        switch key {
        case "ssl_chain_cert": chainCertificate = value.map(String.init)
        case "ssl_key": self.key = value.map(String.init)
        case "ssl_ciphers": ciphers = value.map(String.init)
        case "ssl_ca_cert": caCertificate = value.map(String.init)
        case "ssl_session_cache": sessionCache = true
        case "ssl_kernel_tls": kernelTLS = true
        case "ssl_verify_mode":
            guard let mode = value.flatMap({ Int($0) }), (0...3).contains(mode) else {
                throw TLSSettingsError("Invalid ssl_verify_mode. Use help to see valid options.")
            }
            verifyMode = mode
        case "ssl_keyformat":
            guard let format = value.flatMap({ Int32($0) }), format == 1 || format == 2 else {
                throw TLSSettingsError("could not parse argument to ssl_keyformat")
            }
            keyFormat = format
        case "ssl_wbuf_size":
            guard let kilobytes = value.flatMap({ Int($0) }), kilobytes > 0, kilobytes <= 1 << 20 else {
                throw TLSSettingsError("could not parse argument to ssl_wbuf_size")
            }
            writeBufferSize = kilobytes * 1024
        case "ssl_min_version":
            guard let version = value.flatMap({ Int($0) }), (0...3).contains(version) else {
                throw TLSSettingsError("could not parse argument to ssl_min_version")
            }
            minimumVersion = version
        default:
            break
        }
    }
}

/// A refused `ssl_*` option, in memcached's words.
struct TLSSettingsError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
