import Protocol
import Storage

/// The only place where a decoded command meets the cache: it runs the command and writes
/// memcached's reply for it.
struct CommandExecutor {
    /// What the connection does after a command.
    enum Disposition {
        case proceed
        /// Close once the replies so far are written (`quit`).
        case close
        /// Discard the next `count` bytes as they arrive (a rejected data block).
        case swallow(Int)
    }

    // Unowned(unsafe): a connection copies the executor for every read batch, and retaining the
    // cache and server state, which both workers share, would bounce their reference counts
    // between cores on every request. The worker that owns the executor holds its statistics and
    // records, and the server outlives every worker.
    unowned(unsafe) let cache: Cache
    unowned(unsafe) let server: ServerState
    unowned(unsafe) let statistics: WorkerStatistics
    let maxKeyLength: Int
    /// Where the resulting state of every write is encoded for the peer; nil without one.
    unowned(unsafe) let records: RecordBatch?

    /// Runs `command`, whose ranges point into `request`, appending its reply to `output`.
    /// `client` identifies the requesting connection in `stats conns`; `batch` carries what one
    /// read batch's commands need to know about each other.
    func execute(
        _ command: Command, request: UnsafeRawBufferPointer, client: Int32, output: ByteBuffer,
        batch: inout ReplyBatch
    ) -> Disposition {
        switch command {
        case .retrieve(let retrieval):
            retrieve(retrieval, request: request, output: output, batch: &batch)
        case .store(let store):
            self.store(store, request: request, output: output)
        case .storeTooLarge(let mode, let key, let noreply, let swallow):
            statistics.add(.storeTooLarge)
            // memcached unlinks the old item on a too-large set, so a later get cannot see stale data.
            if mode == .set { _ = cache.delete(key: UnsafeRawBufferPointer(rebasing: request[key]), changed: record) }
            reply("SERVER_ERROR object too large for cache\r\n", unless: noreply, to: output)
            return .swallow(swallow)
        case .delete(let key, let noreply):
            let deleted = cache.delete(key: UnsafeRawBufferPointer(rebasing: request[key]), changed: record)
            statistics.add(deleted ? .deleteHits : .deleteMisses)
            reply(deleted ? "DELETED\r\n" : "NOT_FOUND\r\n", unless: noreply, to: output)
        case .arithmetic(let arithmetic):
            self.arithmetic(arithmetic, request: request, output: output)
        case .touch(let key, let exptime, let noreply):
            statistics.add(.cmdTouch)
            let touched = cache.touch(
                key: UnsafeRawBufferPointer(rebasing: request[key]), exptime: exptime, changed: record)
            statistics.add(touched ? .touchHits : .touchMisses)
            reply(touched ? "TOUCHED\r\n" : "NOT_FOUND\r\n", unless: noreply, to: output)
        case .flushAll(let delay, let noreply):
            statistics.add(.cmdFlush)
            guard server.settings.flushEnabled else {
                reply("CLIENT_ERROR flush_all not allowed\r\n", unless: noreply, to: output)
                return .proceed
            }
            guard let delay else {
                reply("CLIENT_ERROR invalid exptime argument\r\n", unless: noreply, to: output)
                return .proceed
            }
            _ = cache.flushAll(delay: delay) { records?.append($0) }
            reply("OK\r\n", unless: noreply, to: output)
        case .version:
            output.append("VERSION ")
            output.append(ServerState.version)
            output.append("\r\n")
        case .verbosity(let level, let noreply):
            server.setVerbosity(level)
            reply("OK\r\n", unless: noreply, to: output)
        case .refreshCertificates(let noreply):
            // memcached answers the refusal and a failed reload even under noreply.
            guard let tls = server.tls else {
                output.append("Error TLS not enabled\r\n")
                return .proceed
            }
            if let failure = tls.refresh(now: server.clock.now()) {
                output.append(failure)
                output.append("\r\n")
            } else {
                reply("OK\r\n", unless: noreply, to: output)
            }
        case .quit:
            return .close
        case .shutdown(let graceful):
            server.requestShutdown(graceful: graceful)
            return .close
        case .stats(let group):
            StatsReporter(server: server).report(group, client: client, to: output)
        case .lruCrawlerMetadump(let selection):
            guard server.settings.dumpEnabled else {
                output.append("ERROR metadump not allowed\r\n")
                return .proceed
            }
            // memcached streams the dump on the connection and so refuses it behind unwritten replies.
            guard output.isEmpty else {
                output.append("ERROR cannot pipeline other commands before metadump\r\n")
                return .proceed
            }
            guard let classes = MetadumpSelection(UnsafeRawBufferPointer(rebasing: request[selection])) else {
                output.append("BADCLASS invalid class id\r\n")
                return .proceed
            }
            if case .classes(let ids) = classes, ids.isEmpty {
                output.append("NOTSTARTED no items to crawl\r\n")
                return .proceed
            }
            MetadumpWriter(cache: cache).write(classes, to: output)
        case .meta(let meta):
            return self.meta(meta, request: request, output: output)
        }
        return .proceed
    }

    /// Encodes the state a write left behind, so the peer converges on it.
    func record(_ state: ItemState) {
        records?.append(state)
    }

    private func reply(_ text: StaticString, unless noreply: Bool, to output: ByteBuffer) {
        if !noreply { output.append(text) }
    }

    private func retrieve(
        _ request: RetrieveRequest, request bytes: UnsafeRawBufferPointer, output: ByteBuffer, batch: inout ReplyBatch
    ) {
        let touching = request.touchExptime != nil
        for key in KeyList(bytes, keys: request.keys) {
            guard key.count <= maxKeyLength else {
                // memcached answers an over-long key with the error alone, dropping the unwritten
                // replies queued since the batch's last completed retrieval.
                output.truncate(to: batch.retrievalReplyEnd)
                output.append("CLIENT_ERROR bad command line format\r\n")
                return
            }
            let keyBytes = UnsafeRawBufferPointer(rebasing: bytes[key])
            statistics.add(touching ? .cmdTouch : .cmdGet)
            let found: Bool? = cache.withItem(key: keyBytes, touchExptime: request.touchExptime) { item in
                output.append("VALUE ")
                if request.withCAS {
                    output.append(item.valueLineHeader)
                    output.append(UInt8(ascii: " "))
                    output.appendDecimal(item.casUnique)
                    output.append("\r\n")
                    output.append(item.valueWithTerminator)
                } else {
                    output.append(item.valueLine)
                }
                return true
            } changed: {
                record($0)
            }
            if touching {
                statistics.add(found != nil ? .touchHits : .touchMisses)
            } else {
                statistics.add(found != nil ? .getHits : .getMisses)
            }
        }
        output.append("END\r\n")
        batch.retrievalReplyEnd = output.count
    }

    private func store(_ request: StoreRequest, request bytes: UnsafeRawBufferPointer, output: ByteBuffer) {
        statistics.add(.cmdSet)
        let result = cache.store(
            request.mode.storeOperation, key: UnsafeRawBufferPointer(rebasing: bytes[request.key]),
            flags: request.flags, exptime: request.exptime,
            value: UnsafeRawBufferPointer(rebasing: bytes[request.value]), casUnique: request.casUnique,
            changed: record)
        let text: StaticString
        switch result {
        case .stored:
            if request.mode == .cas { statistics.add(.casHits) }
            text = "STORED\r\n"
        case .notStored:
            text = "NOT_STORED\r\n"
        case .exists:
            statistics.add(.casBadval)
            text = "EXISTS\r\n"
        case .notFound:
            statistics.add(.casMisses)
            text = "NOT_FOUND\r\n"
        case .tooLarge:
            statistics.add(.storeTooLarge)
            text = "SERVER_ERROR object too large for cache\r\n"
        case .outOfMemory:
            statistics.add(.storeNoMemory)
            text = "SERVER_ERROR out of memory storing object\r\n"
        }
        reply(text, unless: request.noreply, to: output)
    }

    private func arithmetic(_ request: ArithmeticRequest, request bytes: UnsafeRawBufferPointer, output: ByteBuffer) {
        let result = cache.arithmetic(
            key: UnsafeRawBufferPointer(rebasing: bytes[request.key]), delta: request.delta,
            increment: request.increment, changed: record)
        switch result {
        case .value(let value):
            statistics.add(request.increment ? .incrHits : .decrHits)
            if !request.noreply {
                output.appendDecimal(value)
                output.append("\r\n")
            }
        case .notFound:
            statistics.add(request.increment ? .incrMisses : .decrMisses)
            reply("NOT_FOUND\r\n", unless: request.noreply, to: output)
        case .nonNumeric:
            reply(
                "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n", unless: request.noreply, to: output)
        case .outOfMemory:
            reply("SERVER_ERROR out of memory\r\n", unless: request.noreply, to: output)
        }
    }
}
