#ifndef REPLICACACHE_COPENSSL_H
#define REPLICACACHE_COPENSSL_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

// Function-like OpenSSL macros do not import into Swift; these wrappers carry their names.
static inline int rc_ssl_ctx_set_min_proto_version(SSL_CTX *context, int version) {
    return (int)SSL_CTX_set_min_proto_version(context, version);
}

static inline long rc_ssl_ctx_set_mode(SSL_CTX *context, long mode) {
    return SSL_CTX_set_mode(context, mode);
}

static inline long rc_ssl_ctx_set_session_cache_mode(SSL_CTX *context, long mode) {
    return SSL_CTX_set_session_cache_mode(context, mode);
}

// No renegotiation; and a peer that closes without close_notify reads as an orderly end (requests are framed, so
// nothing can be cut short unnoticed).
static inline void rc_ssl_ctx_set_connection_options(SSL_CTX *context) {
    SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF);
}

static inline int rc_ssl_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

// Whether a queued error is the peer's alert (it refused us) rather than our refusal of the peer.
static inline int rc_err_is_peer_alert(unsigned long error) {
    return ERR_GET_LIB(error) == ERR_LIB_SSL && ERR_GET_REASON(error) >= SSL_AD_REASON_OFFSET;
}

#endif
