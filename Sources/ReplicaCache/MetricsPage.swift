import Protocol
import Replication

/// The `/metrics` page: memcached's `stats` and `stats settings` under the names, types and labels of
/// the Prometheus memcached exporter, so existing dashboards and alerts work unchanged, and the
/// pair's `stats replication` as `replicacache_replication_*`.
struct MetricsPage {
    let server: ServerState

    private struct Family {
        let name: String
        let type: String
        let help: String
        /// `suffix` follows the family's name: `_bucket`, `_sum` and `_count` for a histogram, empty otherwise.
        var samples: [(suffix: String, labels: String, value: String)]
    }

    func render() -> String {
        let stats = statLines(.general)
        let settings = statLines(.settings)
        var families: [Family] = []
        func add(_ name: String, _ type: String, _ help: String, _ value: String?) {
            guard let value else { return }
            families.append(Family(name: name, type: type, help: help, samples: [("", "", value)]))
        }
        add("memcached_up", "gauge", "Whether the server answers.", "1")
        add("memcached_uptime_seconds", "counter", "Seconds since the server started.", stats["uptime"])
        add("memcached_time_seconds", "gauge", "The server's current unix time.", stats["time"])
        families.append(
            Family(
                name: "memcached_version", type: "gauge", help: "The version of this server.",
                samples: [("", "version=\"\(Self.escaped(stats["version"] ?? ""))\"", "1")]))
        families.append(commands(stats))
        add("memcached_process_user_cpu_seconds_total", "counter", "User CPU time.", stats["rusage_user"])
        add("memcached_process_system_cpu_seconds_total", "counter", "System CPU time.", stats["rusage_system"])
        add("memcached_current_bytes", "gauge", "Bytes used to store items.", stats["bytes"])
        add("memcached_limit_bytes", "gauge", "Bytes this server may use for items (-m).", stats["limit_maxbytes"])
        add("memcached_current_items", "gauge", "Items stored now.", stats["curr_items"])
        add("memcached_items_total", "counter", "Items stored since start.", stats["total_items"])
        add("memcached_items_evicted_total", "counter", "Valid items removed to free memory.", stats["evictions"])
        add(
            "memcached_items_reclaimed_total", "counter", "Stores that reused an expired item's memory.",
            stats["reclaimed"])
        add("memcached_read_bytes_total", "counter", "Bytes read from the network.", stats["bytes_read"])
        add("memcached_written_bytes_total", "counter", "Bytes written to the network.", stats["bytes_written"])
        add("memcached_current_connections", "gauge", "Open connections.", stats["curr_connections"])
        add("memcached_connections_total", "counter", "Connections opened since start.", stats["total_connections"])
        add(
            "memcached_connections_rejected_total", "counter", "Connections refused at -c.",
            stats["rejected_connections"])
        add(
            "memcached_connections_listener_disabled_total", "counter", "Times the listener was disabled at -c.",
            stats["listen_disabled_num"])
        add(
            "memcached_connections_yielded_total", "counter", "Connections that yielded after -R requests.",
            stats["conn_yields"])
        add("memcached_max_connections", "gauge", "Most simultaneous connections (-c).", settings["maxconns"])
        if let link = server.link {
            families += replication(link.status)
            families.append(visibilityLag(link.visibilityLagSnapshot))
        }
        var text = ""
        for family in families {
            text += "# HELP \(family.name) \(family.help)\n# TYPE \(family.name) \(family.type)\n"
            for sample in family.samples {
                text += family.name + sample.suffix + (sample.labels.isEmpty ? "" : "{\(sample.labels)}")
                text += " \(sample.value)\n"
            }
        }
        return text
    }

    /// `memcached_commands_total{command,status}` as the exporter derives it from `stats`.
    private func commands(_ stats: [String: String]) -> Family {
        let pairs: [(command: String, status: String, stat: String)] = [
            ("get", "hit", "get_hits"), ("get", "miss", "get_misses"),
            ("get", "expired", "get_expired"), ("get", "flushed", "get_flushed"),
            ("set", "hit", "cmd_set"),
            ("cas", "hit", "cas_hits"), ("cas", "miss", "cas_misses"), ("cas", "badval", "cas_badval"),
            ("incr", "hit", "incr_hits"), ("incr", "miss", "incr_misses"),
            ("decr", "hit", "decr_hits"), ("decr", "miss", "decr_misses"),
            ("delete", "hit", "delete_hits"), ("delete", "miss", "delete_misses"),
            ("touch", "hit", "touch_hits"), ("touch", "miss", "touch_misses"),
            ("flush", "hit", "cmd_flush"),
        ]
        return Family(
            name: "memcached_commands_total", type: "counter", help: "Requests by command and outcome.",
            samples: pairs.compactMap { pair in
                stats[pair.stat].map { ("", "command=\"\(pair.command)\",status=\"\(pair.status)\"", $0) }
            })
    }

    private func replication(_ status: ReplicationStatus) -> [Family] {
        func gauge(_ name: String, _ help: String, _ value: String) -> Family {
            Family(name: "replicacache_replication_" + name, type: "gauge", help: help, samples: [("", "", value)])
        }
        func counter(_ name: String, _ help: String, _ value: UInt64) -> Family {
            Family(
                name: "replicacache_replication_" + name + "_total", type: "counter", help: help,
                samples: [("", "", String(value))])
        }
        return [
            gauge("link_up", "1 while this node's writes stream to its peer.", status.state == "streaming" ? "1" : "0"),
            Family(
                name: "replicacache_replication_state", type: "gauge", help: "The outgoing link's state.",
                samples: [("", "state=\"\(Self.escaped(status.state))\",peer=\"\(Self.escaped(status.peer))\"", "1")]),
            gauge(
                "resync_in_progress", "1 while this node is refilled by a full resync.",
                status.resyncInProgress ? "1" : "0"),
            gauge("lag_records", "Records the peer has not acknowledged.", String(status.lagRecords)),
            gauge("lag_bytes", "Bytes of the stream the peer has not acknowledged.", String(status.lagBytes)),
            gauge(
                "lag_seconds", "Age of the oldest write the peer has not acknowledged.",
                String(Double(status.lagMilliseconds) / 1000)),
            gauge("offset_bytes", "End of this node's outgoing stream.", String(status.offset)),
            gauge(
                "acked_offset_bytes", "Offset of this node's stream the peer acknowledged.",
                String(status.ackedOffset)),
            gauge("applied_offset_bytes", "Next offset wanted from the peer's stream.", String(status.appliedOffset)),
            counter("full_resyncs", "Full resyncs.", status.fullResyncs),
            counter("partial_resyncs", "Partial resyncs from the backlog.", status.partialResyncs),
            counter("reconnects", "Times the link was dialed again.", status.reconnects),
            counter("degraded_writes", "Sync-mode writes answered without the peer's ack.", status.degradedWrites),
        ]
    }

    /// Upper bounds of the visibility-lag histogram's buckets, in microseconds.
    private static let visibilityLagBuckets: [UInt64] = [
        100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 100_000, 250_000, 1_000_000,
    ]

    private func visibilityLag(_ lag: VisibilityLag) -> Family {
        var samples: [(suffix: String, labels: String, value: String)] = Self.visibilityLagBuckets.map { bound in
            ("_bucket", "le=\"\(Double(bound) / 1_000_000)\"", String(lag.count(atMost: bound)))
        }
        samples.append(("_bucket", "le=\"+Inf\"", String(lag.count)))
        samples.append(("_sum", "", String(Double(lag.totalMicroseconds) / 1_000_000)))
        samples.append(("_count", "", String(lag.count)))
        return Family(
            name: "replicacache_replication_visible_lag_seconds", type: "histogram",
            help: "Time from a write on the peer to its visibility here (an upper bound, by at most 50 us).",
            samples: samples)
    }

    /// A label value as the text format wants it: backslash, quote and line feed escaped.
    private static func escaped(_ value: String) -> String {
        var text = ""
        for character in value {
            switch character {
            case "\\": text += "\\\\"
            case "\"": text += "\\\""
            case "\n": text += "\\n"
            default: text.append(character)
            }
        }
        return text
    }

    /// `STAT name value` lines of one `stats` group, by name.
    private func statLines(_ group: StatsGroup) -> [String: String] {
        let output = ByteBuffer(capacity: 8192)
        StatsReporter(server: server).report(group, client: -1, to: output)
        var lines: [String: String] = [:]
        for line in String(decoding: output.bytes, as: UTF8.self).split(separator: "\r\n") {
            let parts = line.split(separator: " ", maxSplits: 2)
            if parts.count == 3 && parts[0] == "STAT" { lines[String(parts[1])] = String(parts[2]) }
        }
        return lines
    }
}
