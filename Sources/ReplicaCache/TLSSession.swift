import COpenSSL
import Glibc
import Protocol

/// One TLS connection over a non-blocking socket. `receive` and `send` keep the shapes of `read` and
/// `Socket.drain`, so a connection's loop is the same with or without TLS. A session belongs to one thread at a time
/// (it moves with a socket handed to the replication thread).
final class TLSSession: @unchecked Sendable {
    enum Role {
        case accepting
        case dialing
    }

    /// Plaintext of one TLS record at most: with this much room a read never leaves decrypted bytes inside OpenSSL,
    /// so the socket's readiness always tells whether there is more to read.
    static let recordSize = 16 * 1024
    /// Most bytes one `receive` takes before letting the event loop run other connections.
    static let receiveBudget = 256 * 1024

    private let ssl: OpaquePointer
    private unowned let owner: TLSContext
    private let role: Role
    private var shutDown = false
    /// Seen complete: OpenSSL reports a session that failed later as still in its handshake.
    private var established = false

    init?(context: OpaquePointer, fd: Int32, owner: TLSContext, role: Role) {
        guard let ssl = SSL_new(context) else { return nil }
        guard SSL_set_fd(ssl, fd) == 1 else {
            SSL_free(ssl)
            return nil
        }
        switch role {
        case .accepting: SSL_set_accept_state(ssl)
        case .dialing: SSL_set_connect_state(ssl)
        }
        self.ssl = ssl
        self.owner = owner
        self.role = role
    }

    deinit {
        SSL_free(ssl)
    }

    /// Dialing: send `host` as SNI and accept only a certificate naming it (an IP address or a DNS name).
    func expectPeer(named host: String) {
        let parameters = SSL_get0_param(ssl)
        if X509_VERIFY_PARAM_set1_ip_asc(parameters, host) != 1 {
            ERR_clear_error()
            _ = SSL_set1_host(ssl, host)
            _ = rc_ssl_set_tlsext_host_name(ssl, host)
        }
    }

    /// Whether the peer showed a certificate that verified against the CA.
    var peerCertificateVerified: Bool {
        guard let certificate = SSL_get1_peer_certificate(ssl) else { return false }
        X509_free(certificate)
        return SSL_get_verify_result(ssl) == X509_V_OK
    }

    /// One step of the handshake; the accepting side needs none of these (its reads drive it).
    func handshake() -> TLSProgress {
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        if result == 1 { return .done }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ: return .wantsRead
        case SSL_ERROR_WANT_WRITE: return .wantsWrite
        default:
            let verify = SSL_get_verify_result(ssl)
            if verify != X509_V_OK { return .failed(String(cString: X509_verify_cert_error_string(Int(verify)))) }
            return .failed(Self.errorText())
        }
    }

    /// Decrypts what the socket holds into `buffer`, as `read` would: the byte count, 0 when the peer closed, or -1
    /// with `errno` (EAGAIN when nothing more can be read now, including mid-handshake).
    func receive(into buffer: ByteBuffer) -> Int {
        var total = 0
        while total < Self.receiveBudget {
            let space = buffer.writableSpace(minimum: Self.recordSize)
            ERR_clear_error()
            let count = SSL_read(ssl, space.baseAddress, Int32(clamping: space.count))
            if count > 0 {
                established = true
                buffer.commit(Int(count))
                total += Int(count)
                continue
            }
            let error = SSL_get_error(ssl, count)
            if !established, error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE {
                established = SSL_is_init_finished(ssl) == 1
            }
            if total > 0 { return total }
            switch error {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                errno = EAGAIN
                return -1
            case SSL_ERROR_ZERO_RETURN:
                return 0
            case SSL_ERROR_SYSCALL:
                if errno == 0 || errno == EAGAIN { errno = ECONNRESET }
                return -1
            default:
                countHandshakeError()
                errno = EPROTO
                return -1
            }
        }
        return total
    }

    /// Encrypts and writes the front of `buffer` until it is empty or the socket is full, dropping what went;
    /// the bytes taken, or nil when the connection failed. A retry after a full socket sends the same front bytes,
    /// as OpenSSL requires.
    func send(_ buffer: ByteBuffer) -> Int? {
        var written = 0
        defer { buffer.removeFirst(written) }
        while written < buffer.count {
            ERR_clear_error()
            let count = SSL_write(ssl, buffer.base + written, Int32(clamping: buffer.count - written))
            if count > 0 {
                written += Int(count)
                continue
            }
            switch SSL_get_error(ssl, count) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return written
            default: return nil
            }
        }
        return written
    }

    /// Sends close_notify if the socket takes it now; the caller closes the socket either way.
    func close() {
        guard !shutDown else { return }
        shutDown = true
        if established || SSL_is_init_finished(ssl) == 1 {
            ERR_clear_error()
            _ = SSL_shutdown(ssl)
        }
        ERR_clear_error()
    }

    /// memcached counts a handshake its side failed; a client that alerts because it refused our certificate, or
    /// a connection dropped mid-handshake, is not counted.
    private func countHandshakeError() {
        guard role == .accepting, !established else {
            ERR_clear_error()
            return
        }
        let error = ERR_peek_last_error()
        ERR_clear_error()
        if error != 0, rc_err_is_peer_alert(error) == 0 {
            owner.handshakeErrors.wrappingIncrement(ordering: .relaxed)
        }
    }

    /// OpenSSL's queued reason for the last failure, then an empty queue.
    static func errorText() -> String {
        let error = ERR_peek_last_error()
        ERR_clear_error()
        guard error != 0 else { return errno == 0 ? "unknown error" : String(cString: strerror(errno)) }
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(error, &text, text.count)
        return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
