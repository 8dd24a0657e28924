import Benchmark
import Protocol
import Storage

/// The whole text `get` path of a worker, bytes in to reply bytes out, on the filled default cache.
enum GetPathBenchmarks {
    static func register() {
        let path = GetPath(cache: CacheBenchmarks.filledCache())
        let keys = Workload.keyNumbers()
        let misses = Workload.keyNumbers(first: Workload.keySpace + 1)
        let hitRequests = ByteTable(keys.map { Workload.getRequest([$0]) })
        let missRequests = ByteTable(misses.map { Workload.getRequest([$0]) })
        let multigets = ByteTable((0..<keys.count).map { Workload.getRequest(Array(keys[cycling: $0, 10])) })
        let batches = ByteTable((0..<1024).map { Workload.pipelinedBatch(keys[cycling: $0 * 32, 32], withSets: false) })

        // Prove every input gets the reply memcached would give before anything is measured.
        for index in 0..<hitRequests.count {
            check(path.serve(hitRequests.entry(index)), expected: reply(for: [keys[index]]))
            check(path.serve(missRequests.entry(index)), expected: reply(for: []))
            check(path.serve(multigets.entry(index)), expected: reply(for: Array(keys[cycling: index, 10])))
        }
        for index in 0..<batches.count {
            let expected = keys[cycling: index * 32, 32].flatMap { reply(for: [$0]) }
            check(path.serve(batches.entry(index)), expected: expected)
        }
        var next = 0

        Benchmark("GetPath.hit", configuration: .allocationFree) { benchmark in
            for _ in benchmark.scaledIterations {
                next &+= 1
                blackHole(path.serve(hitRequests.entry(next)))
            }
        }

        Benchmark("GetPath.miss", configuration: .allocationFree) { benchmark in
            for _ in benchmark.scaledIterations {
                next &+= 1
                blackHole(path.serve(missRequests.entry(next)))
            }
        }

        Benchmark("GetPath.get10Keys", configuration: .allocationFree) { benchmark in
            for _ in benchmark.scaledIterations {
                next &+= 1
                blackHole(path.serve(multigets.entry(next)))
            }
        }

        // One iteration serves a read of 32 pipelined single-key gets.
        Benchmark("GetPath.pipeline32", configuration: .allocationFree) { benchmark in
            for _ in benchmark.scaledIterations {
                next &+= 1
                blackHole(path.serve(batches.entry(next)))
            }
        }
    }

    /// memcached's reply to a `get` of `keys`, all of which hold 32 bytes of `x`.
    private static func reply(for keys: [Int]) -> [UInt8] {
        keys.flatMap { Array("VALUE memtier-\($0) 0 32\r\n".utf8) + Workload.value(32) + Array("\r\n".utf8) }
            + Array("END\r\n".utf8)
    }

    private static func check(_ reply: UnsafeRawBufferPointer, expected: [UInt8]) {
        guard reply.elementsEqual(expected) else {
            fatalError(
                "GET path replied \(String(decoding: reply, as: UTF8.self)) instead of "
                    + String(decoding: expected, as: UTF8.self))
        }
    }
}
