import Benchmark
import Protocol

/// `TextParser.parse` on whole requests as a client sends them.
enum ParserBenchmarks {
    static func register() {
        let parser = TextParser()
        let keys = Workload.keyNumbers()
        let gets = ByteTable(keys.map { Workload.getRequest([$0]) })
        let sets = ByteTable(keys.map { Workload.setRequest($0, valueLength: 32) })
        let multigets = ByteTable((0..<keys.count).map { Workload.getRequest(Array(keys[cycling: $0, 10])) })
        let batches = ByteTable(
            (0..<1024).map { Workload.pipelinedBatch(keys[cycling: $0 * 32, 32], withSets: true) })
        for table in [gets, sets, multigets] {
            for index in 0..<table.count { check(parser, table.entry(index), commands: 1) }
        }
        for index in 0..<batches.count { check(parser, batches.entry(index), commands: 32) }
        // Carries on through the tables from one sample to the next.
        var next = 0

        Benchmark("TextParser.get", configuration: .allocationFree) { benchmark in
            for _ in benchmark.scaledIterations {
                next &+= 1
                blackHole(parser.parse(gets.entry(next)))
            }
        }

        Benchmark("TextParser.set32B", configuration: .allocationFree) { benchmark in
            for _ in benchmark.scaledIterations {
                next &+= 1
                blackHole(parser.parse(sets.entry(next)))
            }
        }

        // The executor walks the key list the parser delimited; that walk is part of decoding a multiget.
        Benchmark("TextParser.get10Keys", configuration: .allocationFree) { benchmark in
            for _ in benchmark.scaledIterations {
                next &+= 1
                let request = multigets.entry(next)
                guard case .command(.retrieve(let retrieval), _) = parser.parse(request) else { fatalError() }
                for key in KeyList(request, keys: retrieval.keys) { blackHole(key) }
            }
        }

        // One iteration decodes a whole batch of 32 requests (29 gets, 3 sets) read at once.
        Benchmark("TextParser.pipeline32", configuration: .allocationFree) { benchmark in
            for _ in benchmark.scaledIterations {
                next &+= 1
                let batch = batches.entry(next)
                var offset = 0
                while offset < batch.count {
                    let outcome = parser.parse(UnsafeRawBufferPointer(rebasing: batch[offset...]))
                    guard case .command(_, let consumed) = outcome else { fatalError() }
                    blackHole(outcome)
                    offset += consumed
                }
            }
        }
    }

    /// Proves before measuring that `bytes` holds exactly `commands` complete, accepted requests.
    private static func check(_ parser: TextParser, _ bytes: UnsafeRawBufferPointer, commands: Int) {
        var offset = 0
        var parsed = 0
        while offset < bytes.count {
            guard case .command(_, let consumed) = parser.parse(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            else { fatalError("benchmark input does not parse: \(Array(bytes[offset...]))") }
            offset += consumed
            parsed += 1
        }
        precondition(parsed == commands, "expected \(commands) requests, parsed \(parsed)")
    }
}
