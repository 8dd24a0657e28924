/// What a connection remembers between its requests.
struct ClientSession {
    /// Passed SASL (binary) or ASCII authentication; only consulted when the server requires it.
    var authenticated = false
    /// A SASL_AUTH without data started PLAIN; its SASL_STEP brings the credentials.
    var saslStarted = false
}
