import Protocol
import Storage

/// What a worker does with the bytes of a read that holds `get` requests, without the socket: append them to the
/// connection's input buffer, parse each request, look up each key and append its ready reply (or nothing) and
/// `END` to the output buffer, drop the consumed input, and empty the output as a completed write does.
///
/// Follows `ClientConnection.processInput` and `CommandExecutor.retrieve` (which live in the executable); the
/// workers' statistics counters are plain integer increments here.
final class GetPath {
    let cache: Cache
    let parser = TextParser()
    let input = ByteBuffer(capacity: 16 * 1024)
    let output = ByteBuffer(capacity: 16 * 1024)
    private(set) var hits = 0
    private(set) var misses = 0

    init(cache: Cache) {
        self.cache = cache
    }

    /// Serves `read` and returns the reply bytes, valid until the next call.
    @discardableResult
    func serve(_ read: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        output.removeAll()
        input.append(read)
        let bytes = input.bytes
        var offset = 0
        while offset < bytes.count {
            let request = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            guard case .command(.retrieve(let retrieval), let consumed) = parser.parse(request) else {
                fatalError("the GET path benchmark only sends complete get requests")
            }
            offset += consumed
            retrieve(retrieval, request: request)
        }
        input.removeFirst(offset)
        return output.bytes
    }

    private func retrieve(_ retrieval: RetrieveRequest, request: UnsafeRawBufferPointer) {
        for key in KeyList(request, keys: retrieval.keys) {
            guard key.count <= parser.maxKeyLength else {
                output.append("CLIENT_ERROR bad command line format\r\n")
                return
            }
            let found: Bool? = cache.withItem(key: UnsafeRawBufferPointer(rebasing: request[key])) { item in
                output.append("VALUE ")
                if retrieval.withCAS {
                    output.append(item.valueLineHeader)
                    output.append(UInt8(ascii: " "))
                    output.appendDecimal(item.casUnique)
                    output.append("\r\n")
                    output.append(item.valueWithTerminator)
                } else {
                    output.append(item.valueLine)
                }
                return true
            }
            if found != nil { hits &+= 1 } else { misses &+= 1 }
        }
        output.append("END\r\n")
    }
}
