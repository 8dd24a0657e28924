import CEventShim
import Glibc
import Logging
import Protocol

/// `--metrics-port`: `/metrics` in the Prometheus text format and `/health`, served by libevent's
/// evhttp on the main loop (never on a worker). Pages are built from the same `stats` a client reads.
final class MetricsEndpoint {
    private let server: ServerState
    private let http: OpaquePointer
    private var context: UnsafeMutableRawPointer?

    init(base: OpaquePointer, host: String, port: UInt16, server: ServerState) throws(ServerError) {
        self.server = server
        guard let http = evhttp_new(base) else { throw .eventLoop("evhttp_new failed") }
        self.http = http
        guard evhttp_bind_socket_with_handle(http, host.isEmpty ? "0.0.0.0" : host, port) != nil else {
            evhttp_free(http)
            throw .cannotListen("cannot listen for metrics on \(host.isEmpty ? "*" : host):\(port)")
        }
        evhttp_set_allowed_methods(http, UInt16(EVHTTP_REQ_GET.rawValue | EVHTTP_REQ_HEAD.rawValue))
        context = CallbackContext.retain(self)
        evhttp_set_gencb(http, onMetricsRequest, context)
    }

    func close() {
        evhttp_free(http)
        CallbackContext<MetricsEndpoint>.release(context)
    }

    fileprivate func handle(_ request: OpaquePointer) {
        let path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(request)).map { String(cString: $0) } ?? ""
        switch path {
        case "/metrics":
            reply(
                request, status: 200, reason: "OK", type: "text/plain; version=0.0.4; charset=utf-8",
                body: MetricsPage(server: server).render())
        case "/health":
            // A node started with --peer is warming until its first resync from the peer is done, also
            // while the peer cannot be reached: it cannot know whether the peer holds data it lacks.
            if let status = server.link?.status, status.resyncInProgress {
                reply(
                    request, status: 503, reason: "Service Unavailable", type: "text/plain; charset=utf-8",
                    body: "warming up: replication \(status.state), resync not complete\n")
            } else {
                reply(request, status: 200, reason: "OK", type: "text/plain; charset=utf-8", body: "ok\n")
            }
        default:
            reply(request, status: 404, reason: "Not Found", type: "text/plain; charset=utf-8", body: "not found\n")
        }
    }

    private func reply(_ request: OpaquePointer, status: Int32, reason: String, type: String, body: String) {
        evhttp_add_header(evhttp_request_get_output_headers(request), "Content-Type", type)
        var body = body
        body.withUTF8 { bytes in
            _ = evbuffer_add(evhttp_request_get_output_buffer(request), bytes.baseAddress, bytes.count)
        }
        evhttp_send_reply(request, status, reason, nil)
    }
}

private let onMetricsRequest: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void = { request, context in
    if let request { CallbackContext<MetricsEndpoint>.object(from: context).handle(request) }
}
