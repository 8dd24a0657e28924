import Benchmark
import Protocol

/// `BinaryParser.parse` on whole binary requests as a client sends them, and the response header a GET hit
/// gets.
enum BinaryParserBenchmarks {
    static func register() {
        let parser = BinaryParser()
        let keys = Workload.keyNumbers()
        let gets = ByteTable(keys.map { packet(0x00, key: Workload.key($0)) })
        let sets = ByteTable(
            keys.map {
                packet(0x01, key: Workload.key($0), extras: [UInt8](repeating: 0, count: 8), value: Workload.value(32))
            })
        // A client's multiget: 31 GETKQ and a NOOP that ends the batch.
        let multigets = ByteTable(
            (0..<1024).map { start in
                keys[cycling: start * 31, 31].flatMap { packet(0x0d, key: Workload.key($0)) } + packet(0x0a)
            })
        for table in [gets, sets] {
            for index in 0..<table.count { check(parser, table.entry(index), requests: 1) }
        }
        for index in 0..<multigets.count { check(parser, multigets.entry(index), requests: 32) }
        let output = ByteBuffer()
        var next = 0

        Benchmark("BinaryParser.get", configuration: .allocationFree) { benchmark in
            for _ in benchmark.scaledIterations {
                next &+= 1
                blackHole(parser.parse(gets.entry(next)))
            }
        }

        Benchmark("BinaryParser.set32B", configuration: .allocationFree) { benchmark in
            for _ in benchmark.scaledIterations {
                next &+= 1
                blackHole(parser.parse(sets.entry(next)))
            }
        }

        // One iteration decodes a whole multiget batch of 32 requests read at once.
        Benchmark("BinaryParser.getkqPipeline32", configuration: .allocationFree) { benchmark in
            for _ in benchmark.scaledIterations {
                next &+= 1
                let batch = multigets.entry(next)
                var offset = 0
                while offset < batch.count {
                    let outcome = parser.parse(UnsafeRawBufferPointer(rebasing: batch[offset...]))
                    guard case .request(_, let consumed) = outcome else { fatalError() }
                    blackHole(outcome)
                    offset += consumed
                }
            }
        }

        // A GET hit's response: header, flags as extras, then a 32-byte value; a write then empties the buffer.
        let value32 = Workload.permanent(Workload.value(32))
        Benchmark("BinaryResponse.getHit32B", configuration: .allocationFree) { benchmark in
            for _ in benchmark.scaledIterations {
                next &+= 1
                output.appendBinaryHeader(
                    opcode: 0x00, extrasLength: 4, bodyLength: 4 + value32.count,
                    opaque: UInt32(truncatingIfNeeded: next),
                    cas: UInt64(next))
                output.appendBigEndian(UInt32(0))
                output.append(value32)
                output.removeAll()
            }
        }
    }

    /// A binary request with a big-endian header, as clients build them.
    static func packet(_ opcode: UInt8, key: [UInt8] = [], extras: [UInt8] = [], value: [UInt8] = []) -> [UInt8] {
        let bodyLength = UInt32(extras.count + key.count + value.count)
        var bytes: [UInt8] = [
            0x80, opcode, UInt8(key.count >> 8), UInt8(key.count & 0xff), UInt8(extras.count), 0, 0, 0,
        ]
        bytes += withUnsafeBytes(of: bodyLength.bigEndian) { Array($0) }
        bytes += [UInt8](repeating: 0, count: 12)
        return bytes + extras + key + value
    }

    /// Proves before measuring that `bytes` holds exactly `requests` complete requests the server would run.
    private static func check(_ parser: BinaryParser, _ bytes: UnsafeRawBufferPointer, requests: Int) {
        var offset = 0
        var parsed = 0
        while offset < bytes.count {
            guard
                case .request(let request, let consumed) = parser.parse(
                    UnsafeRawBufferPointer(rebasing: bytes[offset...])),
                request.operation != .malformed
            else { fatalError("benchmark input does not parse: \(Array(bytes[offset...]))") }
            if case .refuse = request.operation { fatalError("benchmark input is refused: \(request)") }
            offset += consumed
            parsed += 1
        }
        precondition(parsed == requests, "expected \(requests) requests, parsed \(parsed)")
    }
}
