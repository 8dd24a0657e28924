import FuzzSupport
import Protocol

/// The binary parser on any bytes: needMoreData, a request within the input or close; the same
/// bytes give the same outcome; a following request does not change a complete one; a whole
/// buffer parses to its end.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBinary(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var parser = BinaryParser(maxItemSize: 1024)
    parser.saslEnabled = size % 2 == 0
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let noop: [UInt8] = [0x80, 0x0A] + Array(repeating: 0, count: 22)
    var offset = 0
    var steps = 0
    while offset < bytes.count {
        steps += 1
        invariant(steps <= bytes.count + 1, "no progress at \(offset)")
        let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
        let outcome = parser.parse(rest)
        invariant(parser.parse(rest) == outcome, "same bytes, different outcome")
        switch outcome {
        case .needMoreData, .close:
            return 0
        case .request(_, let consumed):
            invariant(consumed >= 24 && consumed <= rest.count, "request consumed \(consumed) of \(rest.count)")
            let longer = Array(rest.prefix(consumed)) + noop
            invariant(longer.withUnsafeBytes { parser.parse($0) } == outcome, "a following NOOP changed it")
            offset += consumed
        }
    }
    return 0
}
