import Protocol

/// Binary STAT: one response packet per statistic, then an empty packet, with memcached's group names. The
/// values come from `StatsReporter`, whose text lines are recoded here, so both protocols report the same.
struct BinaryStatsWriter {
    let server: ServerState
    let opcode: UInt8
    let opaque: UInt32

    func write(group name: UnsafeRawBufferPointer, client: Int32, to output: ByteBuffer) {
        guard let group = Self.group(named: name) else {
            output.appendBinaryError(.keyNotFound, opcode: opcode, opaque: opaque)
            return
        }
        if group == .reset {
            server.resetStatistics()
        } else {
            let text = ByteBuffer(capacity: 8192)
            StatsReporter(server: server).report(group, client: client, to: text)
            recode(text.bytes, to: output)
        }
        // The terminator: an empty packet.
        output.appendBinaryHeader(opcode: opcode, opaque: opaque)
    }

    /// memcached matches `reset` and `settings` by prefix and the engine groups exactly. Per-prefix `detail`
    /// statistics are not kept (the text protocol answers `ERROR` for them), so `detail ...` is an unknown group.
    private static func group(named name: UnsafeRawBufferPointer) -> StatsGroup? {
        if name.isEmpty { return .general }
        if name.starts(with: "reset".utf8) { return .reset }
        if name.starts(with: "settings".utf8) { return .settings }
        if name.elementsEqual("items".utf8) { return .items }
        if name.elementsEqual("slabs".utf8) { return .slabs }
        if name.elementsEqual("sizes".utf8) { return .sizes }
        if name.elementsEqual("replication".utf8) { return .replication }
        return nil
    }

    /// `STAT <name> <value>\r\n` lines to packets with the name as key and the value as value.
    private func recode(_ text: UnsafeRawBufferPointer, to output: ByteBuffer) {
        var lineStart = 0
        while lineStart < text.count {
            var lineEnd = lineStart
            while lineEnd < text.count && text[lineEnd] != UInt8(ascii: "\r") { lineEnd += 1 }
            let line = UnsafeRawBufferPointer(rebasing: text[lineStart..<lineEnd])
            lineStart = lineEnd + 2
            guard line.starts(with: "STAT ".utf8) else { continue }
            let nameStart = 5
            var nameEnd = nameStart
            while nameEnd < line.count && line[nameEnd] != UInt8(ascii: " ") { nameEnd += 1 }
            let name = UnsafeRawBufferPointer(rebasing: line[nameStart..<nameEnd])
            let value = UnsafeRawBufferPointer(rebasing: line[min(nameEnd + 1, line.count)...])
            output.appendBinaryHeader(
                opcode: opcode, keyLength: name.count, bodyLength: name.count + value.count, opaque: opaque)
            output.append(name)
            output.append(value)
        }
    }
}
