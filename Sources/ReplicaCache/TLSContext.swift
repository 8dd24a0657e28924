import Atomics
import COpenSSL
import Glibc
import Storage

/// The OpenSSL contexts of `-Z` and `--repl-tls`: one accepts TLS on the client port, the other dials the peer.
/// Made once at start-up, before any worker runs; `refresh_certs` swaps both while workers and the link use them.
final class TLSContext: @unchecked Sendable {
    let settings: TLSSettings
    /// Handshakes that failed on our side (bad records, a refused client certificate), as memcached's stat counts them.
    let handshakeErrors = ManagedAtomic<UInt64>(0)
    /// When the certificates were last loaded (server seconds), for `time_since_server_cert_refresh`.
    let lastLoad: ManagedAtomic<Int64>
    /// Sessions take a reference of their own, so replacing this leaves running connections alone.
    private let accepting: Locked<OpaquePointer>
    private let dialing: Locked<OpaquePointer?>

    init(settings: TLSSettings, now: Int64) throws(ServerError) {
        self.settings = settings
        accepting = Locked(try Self.makeAcceptingContext(settings))
        dialing = Locked(settings.replication ? try Self.makeDialingContext(settings) : nil)
        lastLoad = ManagedAtomic(now)
    }

    deinit {
        accepting.withLock { SSL_CTX_free($0) }
        dialing.withLock { if let context = $0 { SSL_CTX_free(context) } }
    }

    /// A server-side session on an accepted client socket; the handshake runs with its first reads.
    func acceptSession(fd: Int32) -> TLSSession? {
        accepting.withLock { TLSSession(context: $0, fd: fd, owner: self, role: .accepting) }
    }

    /// A client-side session on a socket connected to the peer, checking the peer's certificate names `host`.
    func dialSession(fd: Int32, host: String) -> TLSSession? {
        let made = dialing.withLock { context in
            context.flatMap { TLSSession(context: $0, fd: fd, owner: self, role: .dialing) }
        }
        guard let session = made else { return nil }
        session.expectPeer(named: host)
        return session
    }

    /// memcached's `refresh_certs`: reload the chain, key and CA files for the connections made from now on; nil
    /// when done, else the error line (and the contexts in use stay).
    func refresh(now: Int64) -> String? {
        do {
            let fresh = try Self.makeAcceptingContext(settings)
            let freshDialing: OpaquePointer?
            do {
                freshDialing = settings.replication ? try Self.makeDialingContext(settings) : nil
            } catch {
                SSL_CTX_free(fresh)
                throw error
            }
            accepting.withLock { current in
                SSL_CTX_free(current)
                current = fresh
            }
            dialing.withLock { current in
                if let current { SSL_CTX_free(current) }
                current = freshDialing
            }
            lastLoad.store(now, ordering: .relaxed)
            return nil
        } catch {
            return "\(error)"
        }
    }

    private static func makeAcceptingContext(_ settings: TLSSettings) throws(ServerError) -> OpaquePointer {
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw failure("Error creating the SSL context") }
        do throws(ServerError) {
            try configure(context, settings)
            var verify = settings.verifyFlags
            if let ca = settings.caCertificate {
                try trust(ca, in: context)
                SSL_CTX_set_client_CA_list(context, SSL_load_client_CA_file(ca))
                // The peer's link arrives here: ask every client for a certificate (one that offers none is still
                // served, as under mode 1) so the link's can be checked.
                if settings.replication { verify |= SSL_VERIFY_PEER }
            }
            SSL_CTX_set_verify(context, verify, nil)
            let cache = settings.sessionCache ? SSL_SESS_CACHE_SERVER : SSL_SESS_CACHE_OFF
            _ = rc_ssl_ctx_set_session_cache_mode(context, Int(cache))
            return context
        } catch {
            SSL_CTX_free(context)
            throw error
        }
    }

    private static func makeDialingContext(_ settings: TLSSettings) throws(ServerError) -> OpaquePointer {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw failure("Error creating the SSL context") }
        do throws(ServerError) {
            // This node's certificate is also its client certificate towards the peer.
            try configure(context, settings)
            try trust(settings.caCertificate ?? "", in: context)
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
            return context
        } catch {
            SSL_CTX_free(context)
            throw error
        }
    }

    /// What both contexts share: this node's certificate and key, the lowest version, the ciphers, and the modes the
    /// connection loops rely on.
    private static func configure(_ context: OpaquePointer, _ settings: TLSSettings) throws(ServerError) {
        let chain = settings.chainCertificate ?? ""
        guard SSL_CTX_use_certificate_chain_file(context, chain) == 1 else {
            throw failure("Error loading the certificate chain: \(chain)")
        }
        let key = settings.key ?? chain
        guard SSL_CTX_use_PrivateKey_file(context, key, settings.keyFormat) == 1 else {
            throw failure("Error loading the key: \(key)")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw failure("Error validating the certificate")
        }
        let versions = [TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION]
        guard rc_ssl_ctx_set_min_proto_version(context, versions[settings.minimumVersion]) == 1 else {
            throw failure("Error setting the minimum TLS version")
        }
        if let ciphers = settings.ciphers, SSL_CTX_set_cipher_list(context, ciphers) != 1 {
            throw failure("Error setting the provided cipher(s): \(ciphers)")
        }
        // Replies leave from a buffer that moves as it drains and grows as replies are added; a full socket
        // must not hold up the records that already went.
        let modes = SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS
        _ = rc_ssl_ctx_set_mode(context, Int(modes))
        rc_ssl_ctx_set_connection_options(context)
    }

    /// Certificates signed by the CA file `ca` verify.
    private static func trust(_ ca: String, in context: OpaquePointer) throws(ServerError) {
        guard SSL_CTX_load_verify_locations(context, ca, nil) == 1 else {
            throw failure("Error loading the CA certificate: \(ca)")
        }
    }

    /// A start-up or refresh failure with OpenSSL's reason, as memcached words it: "<what> : <reason>".
    private static func failure(_ what: String) -> ServerError {
        .configuration("\(what) : \(TLSSession.errorText())")
    }
}
