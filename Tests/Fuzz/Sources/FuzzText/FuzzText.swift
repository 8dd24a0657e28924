import FuzzSupport
import Protocol

/// The text parser (text, meta and the storage commands' data blocks) on any bytes:
/// - every outcome is needMoreData, a command or a reject, and a command or reject consumes
///   within the input (a reject that keeps the connection open consumes at least one byte);
/// - parsing is a function of the bytes: the same bytes give the same outcome, and bytes
///   appended after a complete request do not change it (pipelining);
/// - parsing a whole buffer request by request always ends.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzText(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var parser = TextParser(maxItemSize: 1024)
    parser.shutdownEnabled = size % 2 == 0
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    var offset = 0
    var steps = 0
    while offset < bytes.count {
        steps += 1
        invariant(steps <= bytes.count + 1, "no progress at \(offset)")
        let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
        let outcome = parser.parse(rest)
        invariant(parser.parse(rest) == outcome, "same bytes, different outcome")
        let consumed: Int
        switch outcome {
        case .needMoreData:
            return 0
        case .command(_, let used):
            invariant(used > 0 && used <= rest.count, "command consumed \(used) of \(rest.count)")
            consumed = used
        case .reject(_, let used, let swallow, let close):
            invariant(used >= 0 && used <= rest.count && swallow >= 0, "reject consumed \(used) of \(rest.count)")
            if close { return 0 }
            invariant(used > 0, "a reject that keeps the connection must consume")
            consumed = used + min(swallow, rest.count - used)
        }
        if case .reject = outcome {
        } else {
            // The same request followed by more bytes parses the same.
            var longer = Array(rest.prefix(consumed))
            longer += Array("get k\r\n".utf8)
            let again = longer.withUnsafeBytes { parser.parse($0) }
            invariant(again == outcome, "a following request changed the outcome")
        }
        offset += consumed
    }
    return 0
}
