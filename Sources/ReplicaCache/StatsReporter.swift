import CEventShim
import Glibc
import Protocol
import Storage

/// Writes the `stats` groups with memcached's names and meanings.
struct StatsReporter {
    let server: ServerState

    func report(_ group: StatsGroup, client: Int32, to output: ByteBuffer) {
        switch group {
        case .general: general(output)
        case .settings: settings(output)
        case .items: items(output)
        case .slabs: slabs(output)
        case .conns: conns(client: client, output)
        case .reset:
            server.resetStatistics()
            output.append("RESET\r\n")
            return
        case .sizes:
            output.append("STAT sizes_status disabled\r\n")
        case .replication:
            reportReplication(to: output)
            return
        case .detail, .unknown:
            output.append("ERROR\r\n")
            return
        }
        output.append("END\r\n")
    }

    /// `stats replication`: this node's side of the pair.
    func reportReplication(to output: ByteBuffer) {
        guard let link = server.link else {
            line("repl_state", "standalone", output)
            output.append("END\r\n")
            return
        }
        for (name, value) in link.status.lines {
            line(name, value.isEmpty ? "-" : value, output)
        }
        output.append("END\r\n")
    }

    private func line(_ name: StaticString, _ value: UInt64, _ output: ByteBuffer) {
        output.append("STAT ")
        output.append(name)
        output.append(UInt8(ascii: " "))
        output.appendDecimal(value)
        output.append("\r\n")
    }

    private func line(_ name: StaticString, _ value: Int, _ output: ByteBuffer) {
        line(name, UInt64(max(0, value)), output)
    }

    /// `%.2f`, as memcached prints its growth factor (C's rounding, not Swift's).
    private static func twoDecimals(_ value: Double) -> String {
        var text = [CChar](repeating: 0, count: 32)
        let length = withVaList([value]) { vsnprintf(&text, text.count, "%.2f", $0) }
        return String(decoding: text.prefix(Int(max(length, 0))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func line(_ name: String, _ value: String, _ output: ByteBuffer) {
        output.append("STAT ")
        output.append(name)
        output.append(UInt8(ascii: " "))
        output.append(value)
        output.append("\r\n")
    }

    private func general(_ output: ByteBuffer) {
        let now = server.clock.now()
        let cache = server.cache.statistics()
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        line("pid", Int(server.processID), output)
        line("uptime", Int(now - server.startTime), output)
        line("time", Int(now), output)
        line("version", "\(ServerState.version)", output)
        line("libevent", String(cString: event_get_version()), output)
        line("pointer_size", Int.bitWidth, output)
        line("rusage_user", Self.seconds(usage.ru_utime), output)
        line("rusage_system", Self.seconds(usage.ru_stime), output)
        line("max_connections", server.settings.maxConnections, output)
        line("curr_connections", server.currentConnections.load(ordering: .relaxed), output)
        line("total_connections", server.totalConnections.load(ordering: .relaxed), output)
        line("rejected_connections", server.rejectedConnections.load(ordering: .relaxed), output)
        // Past -c a connection is refused with an error (memcached's maxconns_fast); the listener is never disabled.
        line("listen_disabled_num", 0, output)
        line("time_in_listen_disabled_us", 0, output)
        line("connection_structures", server.currentConnections.load(ordering: .relaxed), output)
        line("reserved_fds", server.reservedDescriptors, output)
        for counter in [Counter.cmdGet, .cmdSet, .cmdFlush, .cmdTouch, .cmdMeta] {
            line(counter.statName, server.total(counter), output)
        }
        line("get_hits", server.total(.getHits), output)
        line("get_misses", server.total(.getMisses), output)
        line("get_expired", cache.getExpired, output)
        line("get_flushed", cache.getFlushed, output)
        // memcached lists idle_kicks only when it kicks.
        for counter in Counter.allCases
        where counter.rawValue >= Counter.deleteMisses.rawValue
            && (counter != .idleKicks || server.settings.idleTimeout > 0)
        {
            line(counter.statName, server.total(counter), output)
        }
        line("limit_maxbytes", server.settings.memoryLimit, output)
        line("accepting_conns", 1, output)
        line("threads", server.settings.threadCount, output)
        line("bytes", cache.bytes, output)
        line("curr_items", cache.currItems, output)
        line("total_items", cache.totalItems, output)
        line("expired_unfetched", cache.expiredUnfetched, output)
        line("evicted_unfetched", cache.evictedUnfetched, output)
        line("evictions", cache.evictions, output)
        line("reclaimed", cache.reclaimed, output)
        line("crawler_reclaimed", cache.crawlerReclaimed, output)
        // memcached lists these only under -Z.
        if let tls = server.tls {
            line("ssl_handshake_errors", tls.handshakeErrors.load(ordering: .relaxed), output)
            line("time_since_server_cert_refresh", Int(now - tls.lastLoad.load(ordering: .relaxed)), output)
        }
    }

    private func settings(_ output: ByteBuffer) {
        let settings = server.settings
        line("maxbytes", settings.memoryLimit, output)
        line("maxconns", settings.maxConnections, output)
        line("tcpport", Int(server.listeningPort), output)
        line("udpport", 0, output)
        line("inter", settings.listenAddress.isEmpty ? "NULL" : settings.listenAddress, output)
        line("verbosity", server.verbosity.load(ordering: .relaxed), output)
        line("evictions", settings.evictionsEnabled ? "on" : "off", output)
        line("shutdown_command", settings.shutdownEnabled ? "yes" : "no", output)
        line("growth_factor", Self.twoDecimals(settings.sizeClassGrowthFactor), output)
        line("chunk_size", String(settings.sizeClassMinimumDataSize), output)  // memcached prints a negative -n
        line("num_threads", settings.threadCount, output)
        line("reqs_per_event", settings.requestsPerEvent, output)
        line("cas_enabled", "yes", output)
        line("tcp_backlog", Int(settings.listenBacklog), output)
        line("binding_protocol", settings.binding.statsName, output)
        line("auth_enabled_sasl", settings.saslEnabled ? "yes" : "no", output)
        line("auth_enabled_ascii", settings.authFile ?? "no", output)
        line("item_size_max", settings.itemSizeMax, output)
        line("maxconns_fast", "yes", output)
        line("flush_enabled", settings.flushEnabled ? "yes" : "no", output)
        line("dump_enabled", settings.dumpEnabled ? "yes" : "no", output)
        line("idle_timeout", server.settings.idleTimeout, output)
        tlsSettings(output)
    }

    /// memcached shows its TLS settings with or without `-Z`, unset files as C's "(null)" and unset lists as NULL.
    private func tlsSettings(_ output: ByteBuffer) {
        let tls = server.settings.tls
        line("ssl_enabled", tls.enabled ? "yes" : "no", output)
        line("ssl_chain_cert", tls.chainCertificate ?? "(null)", output)
        line("ssl_key", tls.key ?? "(null)", output)
        line("ssl_verify_mode", Int(tls.verifyFlags), output)
        line("ssl_keyformat", Int(tls.keyFormat), output)
        line("ssl_ciphers", tls.ciphers ?? "NULL", output)
        line("ssl_ca_cert", tls.caCertificate ?? "NULL", output)
        line("ssl_wbuf_size", tls.writeBufferSize, output)
        line("ssl_session_cache", tls.sessionCache ? "yes" : "no", output)
        line("ssl_kernel_tls", tls.kernelTLS ? "yes" : "no", output)
        line("ssl_min_version", tls.minimumVersionName, output)
    }

    private func items(_ output: ByteBuffer) {
        for size in server.cache.sizeClassStatistics() where size.items > 0 {
            let prefix = "items:\(size.id):"
            line(prefix + "number", "\(size.items)", output)
            line(prefix + "mem_requested", "\(size.requestedBytes)", output)
            line(prefix + "evicted", "\(size.evictions)", output)
            line(prefix + "evicted_nonzero", "\(size.evictedNonzero)", output)
            line(prefix + "evicted_time", "\(size.evictedTime)", output)
            line(prefix + "outofmemory", "\(size.outOfMemory)", output)
            line(prefix + "reclaimed", "\(size.reclaimed)", output)
            line(prefix + "expired_unfetched", "\(size.expiredUnfetched)", output)
            line(prefix + "evicted_unfetched", "\(size.evictedUnfetched)", output)
            line(prefix + "crawler_reclaimed", "\(size.crawlerReclaimed)", output)
        }
    }

    private func slabs(_ output: ByteBuffer) {
        let classes = server.cache.sizeClassStatistics().filter { $0.items > 0 }
        for size in classes {
            line("\(size.id):chunk_size", "\(size.chunkSize)", output)
            line("\(size.id):chunks_per_page", "\(size.chunksPerPage)", output)
            line("\(size.id):used_chunks", "\(size.items)", output)
        }
        line("active_slabs", classes.count, output)
        line("total_malloced", classes.reduce(0) { $0 + $1.bytes }, output)
    }

    private func conns(client: Int32, _ output: ByteBuffer) {
        let now = server.clock.now()
        let listenAddress =
            "tcp:\(server.settings.listenAddress.isEmpty ? "*" : server.settings.listenAddress):"
            + "\(server.listeningPort)"
        for worker in server.workers {
            let summaries = worker.connectionDirectory.withLock { $0 }
            for (fd, summary) in summaries.sorted(by: { $0.key < $1.key }) {
                line("\(fd):addr", summary.address, output)
                line("\(fd):listen_addr", listenAddress, output)
                line("\(fd):state", fd == client ? "conn_parse_cmd" : "conn_waiting", output)
                line("\(fd):secs_since_last_cmd", "\(now - summary.lastCommand.load(ordering: .relaxed))", output)
            }
        }
    }

    private static func seconds(_ time: timeval) -> String {
        let micros = String(time.tv_usec)
        return "\(time.tv_sec)." + String(repeating: "0", count: max(0, 6 - micros.count)) + micros
    }
}
