import ArgumentParser
import Foundation
import Histogram

@main
struct LoadGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadgen",
        abstract: "Closed-loop load generator for the memcached text protocol (memtier-style)."
    )

    @Option(help: "Server address, HOST:PORT (IPv4).")
    var server = "127.0.0.1:11211"

    @Option(help: "Connections in all, spread over the threads.")
    var connections = 50

    @Option(help: "Client threads.")
    var threads = 2

    @Option(help: "Requests in flight per connection.")
    var pipeline = 1

    @Option(help: "SET:GET ratio, e.g. 1:10.")
    var ratio = "1:10"

    @Option(help: "Value size in bytes.")
    var dataSize = 32

    @Option(help: "Keys are memtier-1 ... memtier-K.")
    var keyMaximum = 10_000

    @Option(help: "random, sequential or gaussian (mean at the middle of the key range, deviation 1/6 of it).")
    var keyPattern = "random"

    @Option(help: "text or binary (the memcached binary protocol).")
    var `protocol` = "text"

    @Option(help: "Run this many seconds.")
    var testTime: Double?

    @Option(help: "Send this many requests in all (instead of --test-time).")
    var requests: Int?

    @Option(help: "Target rate in requests per second over all connections (0: as fast as possible).")
    var rate: Double = 0

    @Flag(help: "Set every key 1...K before measuring.")
    var warmupFill = false

    @Option(help: "Write the results as JSON to this file.")
    var json: String?

    @Option(help: "Give up (exit 2) if the run takes longer than this many seconds.")
    var timeout: Double = 600

    mutating func validate() throws {
        guard connections >= 1, threads >= 1, pipeline >= 1, dataSize >= 0, keyMaximum >= 1 else {
            throw ValidationError("connections, threads, pipeline and key-maximum must be at least 1")
        }
        guard parseRatio() != nil else { throw ValidationError("--ratio wants SET:GET, e.g. 1:10") }
        guard KeyPattern(rawValue: keyPattern) != nil else {
            throw ValidationError("--key-pattern is random, sequential or gaussian")
        }
        guard WireProtocol(rawValue: `protocol`) != nil else { throw ValidationError("--protocol is text or binary") }
        guard testTime != nil || requests != nil else { throw ValidationError("give --test-time or --requests") }
        guard parseServer() != nil else { throw ValidationError("--server wants HOST:PORT") }
        threads = min(threads, connections)
    }

    private func parseRatio() -> (Int, Int)? {
        let parts = ratio.split(separator: ":")
        guard parts.count == 2, let sets = Int(parts[0]), let gets = Int(parts[1]), sets >= 0, gets >= 0,
            sets + gets > 0
        else { return nil }
        return (sets, gets)
    }

    private func parseServer() -> (String, UInt16)? {
        guard let colon = server.lastIndex(of: ":"), let port = UInt16(server[server.index(after: colon)...]) else {
            return nil
        }
        return (String(server[..<colon]), port)
    }

    func run() throws {
        let (host, port) = parseServer()!
        let (sets, gets) = parseRatio()!
        let limit = timeout
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: limit)
            FileHandle.standardError.write("loadgen: gave up after \(limit) s\n".data(using: .utf8)!)
            Foundation.exit(2)
        }
        let perConnectionRate = rate / Double(connections)
        let settings = Settings(
            pipeline: pipeline, setRatio: sets, getRatio: gets, keyMaximum: UInt64(keyMaximum),
            keyPattern: KeyPattern(rawValue: keyPattern)!,
            value: [UInt8](repeating: UInt8(ascii: "x"), count: dataSize),
            batchInterval: rate > 0 ? UInt64(Double(pipeline) / perConnectionRate * 1e9) : 0)
        var workers: [Worker] = []
        for index in 0..<threads {
            workers.append(Worker(index: index, threads: threads, settings: settings))
        }
        for slot in 0..<connections {
            workers[slot % threads].connections.append(
                try Connection(host: host, port: port, wire: WireProtocol(rawValue: `protocol`)!))
        }

        if warmupFill {
            let fillStart = Date()
            runAll(workers) { worker in
                var phase = Phase()
                phase.isFill = true
                phase.fillKeys = Array(stride(from: UInt64(worker.index + 1), through: UInt64(keyMaximum), by: threads))
                return phase
            }
            let seconds = Date().timeIntervalSince(fillStart)
            print("warmup: set \(keyMaximum) keys in \(String(format: "%.2f", seconds)) s")
        }

        let start = monotonicNanos()
        let deadline = testTime.map { start + UInt64($0 * 1e9) } ?? 0
        let totalRequests = requests
        runAll(workers) { worker in
            var phase = Phase()
            phase.deadline = deadline
            if let total = totalRequests {
                phase.requestQuota = total / threads + (worker.index < total % threads ? 1 : 0)
            }
            return phase
        }
        let elapsed = Double(monotonicNanos() - start) / 1e9
        var tally = Tally()
        for worker in workers { tally.merge(worker.tally) }
        let report = Report(tally: tally, seconds: elapsed)
        print(
            "loadgen \(server): \(connections) conns, \(threads) threads, pipeline \(pipeline), ratio \(ratio), "
                + "\(dataSize) B values, \(keyMaximum) keys (\(keyPattern)), \(`protocol`) protocol"
                + (rate > 0 ? ", rate \(Int(rate))/s" : "")
        )
        print(report.text)
        if let path = json {
            try report.json(options: jsonOptions()).write(toFile: path, atomically: true, encoding: .utf8)
        }
        if tally.connectionErrors > 0 { throw ExitCode(3) }
    }

    private func jsonOptions() -> [String: String] {
        [
            "server": "\"\(server)\"", "connections": "\(connections)", "threads": "\(threads)",
            "protocol": "\"\(`protocol`)\"", "pipeline": "\(pipeline)", "ratio": "\"\(ratio)\"",
            "data_size": "\(dataSize)",
            "key_maximum": "\(keyMaximum)", "key_pattern": "\"\(keyPattern)\"", "rate": "\(rate)",
        ]
    }

    private func runAll(_ workers: [Worker], phase: (Worker) -> Phase) {
        let group = DispatchGroup()
        for worker in workers {
            let workerPhase = phase(worker)
            group.enter()
            let thread = Thread {
                worker.run(workerPhase)
                group.leave()
            }
            thread.start()
        }
        group.wait()
    }
}

struct Report {
    let tally: Tally
    let seconds: Double

    var ops: UInt64 { tally.sets + tally.gets }
    var opsPerSecond: Double { seconds > 0 ? Double(ops) / seconds : 0 }
    var hitRate: Double { tally.gets > 0 ? Double(tally.hits) / Double(tally.gets) : 0 }

    func micros(_ percentile: Double) -> Double {
        tally.histogram.totalCount == 0 ? 0 : Double(tally.histogram.valueAtPercentile(percentile)) / 1000
    }

    var maxMicros: Double { tally.histogram.totalCount == 0 ? 0 : Double(tally.histogram.max) / 1000 }

    var text: String {
        let fields = [
            String(format: "ops/s %.0f", opsPerSecond), "ops \(ops)", String(format: "%.2f s", seconds),
            String(format: "hit rate %.2f%%", hitRate * 100), "errors \(tally.errors)",
            "connection errors \(tally.connectionErrors)",
        ]
        let latency = String(
            format: "latency us: p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  mean %.1f", micros(50), micros(99),
            micros(99.9), maxMicros, tally.histogram.mean / 1000)
        return fields.joined(separator: "  ") + "\n" + latency
    }

    func json(options: [String: String]) -> String {
        var fields = [
            "ops": "\(ops)", "seconds": String(format: "%.4f", seconds),
            "ops_per_sec": String(format: "%.1f", opsPerSecond), "sets": "\(tally.sets)", "gets": "\(tally.gets)",
            "hits": "\(tally.hits)", "misses": "\(tally.misses)", "hit_rate": String(format: "%.6f", hitRate),
            "errors": "\(tally.errors)", "connection_errors": "\(tally.connectionErrors)",
            "p50_us": String(format: "%.1f", micros(50)), "p99_us": String(format: "%.1f", micros(99)),
            "p999_us": String(format: "%.1f", micros(99.9)), "max_us": String(format: "%.1f", maxMicros),
            "mean_us": String(format: "%.1f", tally.histogram.mean / 1000),
        ]
        fields.merge(options) { first, _ in first }
        let body = fields.keys.sorted().map { "  \"\($0)\": \(fields[$0]!)" }.joined(separator: ",\n")
        return "{\n" + body + "\n}\n"
    }
}
