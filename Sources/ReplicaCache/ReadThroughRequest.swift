/// A worker's read-through on its way to the link thread: the keys one request lacked locally, and whom to tell
/// once the peer has answered for all of them. Touched by the worker until queued, then only by the link thread.
final class ReadThroughRequest: @unchecked Sendable {
    unowned let worker: Worker
    let ticket: UInt64
    let keys: [[UInt8]]
    /// Keys the peer has not answered yet.
    var remaining: Int

    init(worker: Worker, ticket: UInt64, keys: [[UInt8]]) {
        self.worker = worker
        self.ticket = ticket
        self.keys = keys
        self.remaining = keys.count
    }
}
