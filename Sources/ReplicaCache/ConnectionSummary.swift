import Atomics

/// What `stats conns` shows of a connection.
struct ConnectionSummary: @unchecked Sendable {
    var address: String
    var lastCommand: ManagedAtomic<Int64>
}
