import Protocol
import Replication
import Testing

@Test func statusPrintsEveryLineInMemcachedStatsForm() {
    var status = ReplicationStatus()
    status.state = "streaming"
    status.peer = "b"
    status.lagBytes = 12
    status.lastError = "line\r\nbreak"
    let output = ByteBuffer()
    status.appendStats(to: output)
    let text = String(decoding: output.bytes, as: UTF8.self)
    let lines = text.split(separator: "\r\n", omittingEmptySubsequences: true)
    #expect(lines.count == status.lines.count)
    #expect(lines.first == "STAT repl_state streaming")
    #expect(lines.contains("STAT repl_lag_bytes 12"))
    #expect(lines.last == "STAT repl_last_error line break")
    #expect(Set(status.lines.map(\.name)).count == status.lines.count)
    #expect(status.lines.allSatisfy { $0.name.hasPrefix("repl_") })
}
