import Protocol
import Storage

/// The meta commands, with memcached 1.6.18's replies: return flags in request order, `q` hiding only the
/// nominal reply of each command, `W`/`Z`/`X` after the requested flags.
extension CommandExecutor {
    func meta(_ request: MetaRequest, request bytes: UnsafeRawBufferPointer, output: ByteBuffer) -> Disposition {
        let flags = request.flags(in: bytes)
        switch request.kind {
        case .noop:
            output.append("MN\r\n")
        case .get:
            metaGet(request, flags, bytes, output)
        case .set:
            metaSet(request, flags, bytes, output)
        case .setTooLarge:
            statistics.add(.storeTooLarge)
            // memcached unlinks the key's item whatever the mode, so no stale data outlives a failed set.
            _ = withMetaKey(request, flags, bytes) { cache.delete(key: $0, changed: record) }
            output.append("SERVER_ERROR object too large for cache\r\n")
            return .swallow(request.swallow)
        case .delete:
            metaDelete(request, flags, bytes, output)
        case .arithmetic:
            metaArithmetic(request, flags, bytes, output)
        case .debug:
            metaDebug(request, flags, bytes, output)
        }
        return .proceed
    }

    /// Calls `body` with the key the request names: its bytes, or under `b` the base64 text decoded into
    /// stack memory.
    private func withMetaKey<R>(
        _ request: MetaRequest, _ flags: MetaFlags, _ bytes: UnsafeRawBufferPointer,
        _ body: (UnsafeRawBufferPointer) -> R
    ) -> R {
        guard flags.base64 else { return body(UnsafeRawBufferPointer(rebasing: bytes[request.key])) }
        return withUnsafeTemporaryAllocation(byteCount: request.key.count, alignment: 1) { scratch in
            let length = Base64.decode(bytes.baseAddress!, request.key, into: scratch.baseAddress!) ?? 0
            return body(UnsafeRawBufferPointer(start: scratch.baseAddress, count: length))
        }
    }

    /// ` k<key>`, base64-encoded and followed by ` b` for a binary key.
    private func appendKey(_ key: UnsafeRawBufferPointer, binary: Bool, to output: ByteBuffer) {
        output.append(" k")
        if binary {
            Base64.encode(key, to: output)
            output.append(" b")
        } else {
            output.append(key)
        }
    }

    /// The `O` and `k` tokens every reply without an item echoes; false if an opaque is too long.
    private func appendOpaqueAndKey(
        _ request: MetaRequest, _ flags: MetaFlags, _ bytes: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer,
        output: ByteBuffer
    ) -> Bool {
        let base = bytes.baseAddress!
        for token in MetaTokens(base, request.flagTokens) {
            switch bytes[token.lowerBound] {
            case UInt8(ascii: "O"):
                guard token.count <= MetaFlags.maximumOpaqueLength else { return false }
                output.append(UInt8(ascii: " "))
                output.append(UnsafeRawBufferPointer(rebasing: bytes[token]))
            case UInt8(ascii: "k"):
                appendKey(key, binary: flags.base64, to: output)
            default:
                break
            }
        }
        return true
    }

    private func opaqueTooLong(replyFrom start: Int, _ output: ByteBuffer) {
        output.truncate(to: start)
        output.append(ClientError.opaqueTooLong.replyText)
        output.append("\r\n")
    }

    private func metaGet(
        _ request: MetaRequest, _ flags: MetaFlags, _ bytes: UnsafeRawBufferPointer, _ output: ByteBuffer
    ) {
        let base = bytes.baseAddress!
        let replyStart = output.count
        var touched = false
        var replied = true
        let found = withMetaKey(request, flags, bytes) { key in
            let hit = cache.metaGet(
                key: key, vivify: flags.has("N"), bump: !flags.noBump,
                { item in
                    if flags.returnsValue {
                        output.append("VA ")
                        output.appendDecimal(item.value.count)
                    } else {
                        output.append("HD")
                    }
                    var won = false
                    for token in MetaTokens(base, request.flagTokens) {
                        switch bytes[token.lowerBound] {
                        case UInt8(ascii: "T"):
                            touched = true
                            item.setExpiry(exptime: flags.exptime)
                        case UInt8(ascii: "N"):
                            if item.created {
                                item.setExpiry(exptime: flags.vivifyExptime)
                                won = true
                            }
                        case UInt8(ascii: "R"):
                            if !item.tokenSent && !item.created && item.expiresBefore(exptime: flags.recacheExptime) {
                                won = true
                            }
                        case UInt8(ascii: "s"):
                            output.append(" s")
                            output.appendDecimal(item.value.count)
                        case UInt8(ascii: "t"):
                            output.append(" t")
                            output.appendDecimal(item.remainingSeconds)
                        case UInt8(ascii: "c"):
                            output.append(" c")
                            output.appendDecimal(item.casUnique)
                        case UInt8(ascii: "f"):
                            output.append(" f")
                            output.appendDecimal(UInt64(item.flags))
                        case UInt8(ascii: "l"):
                            output.append(" l")
                            output.appendDecimal(item.secondsSinceAccess)
                        case UInt8(ascii: "h"):
                            output.append(item.fetchedBefore ? " h1" : " h0")
                        case UInt8(ascii: "O"):
                            guard token.count <= MetaFlags.maximumOpaqueLength else {
                                replied = false
                                return false
                            }
                            output.append(UInt8(ascii: " "))
                            output.append(UnsafeRawBufferPointer(rebasing: bytes[token]))
                        case UInt8(ascii: "k"):
                            appendKey(item.key, binary: item.keyIsBinary, to: output)
                        default:
                            break
                        }
                    }
                    // Z before W: a client is never told both.
                    if item.tokenSent { output.append(" Z") }
                    if item.isStale {
                        output.append(" X")
                        if !item.tokenSent { won = true }
                    }
                    if won {
                        output.append(" W")
                        item.markTokenSent()
                    }
                    output.append("\r\n")
                    if flags.returnsValue { output.append(item.valueWithTerminator) }
                    return true
                }, changed: record)
            if !hit {
                if flags.opaqueTooLong {
                    replied = false
                } else if !flags.quiet {
                    output.append("EN")
                    _ = appendOpaqueAndKey(request, flags, bytes, key: key, output: output)
                    output.append("\r\n")
                }
            }
            return hit
        }
        guard replied else {
            opaqueTooLong(replyFrom: replyStart, output)
            return
        }
        if found {
            statistics.add(touched ? .cmdTouch : .cmdGet)
            statistics.add(touched ? .touchHits : .getHits)
        } else {
            statistics.add(.cmdGet)
            statistics.add(.getMisses)
        }
    }

    private func metaSet(
        _ request: MetaRequest, _ flags: MetaFlags, _ bytes: UnsafeRawBufferPointer, _ output: ByteBuffer
    ) {
        var operation: StoreOperation
        switch flags.mode {
        case UInt8(ascii: "E"): operation = .add
        case UInt8(ascii: "A"): operation = .append
        case UInt8(ascii: "P"): operation = .prepend
        case UInt8(ascii: "R"): operation = .replace
        default: operation = .set
        }
        // As memcached: a compare CAS turns set and replace into cas; append and prepend check it themselves.
        let comparing = flags.has("C")
        if comparing && (operation == .set || operation == .replace) { operation = .cas }
        statistics.add(.cmdSet)
        let value = UnsafeRawBufferPointer(rebasing: bytes[request.value])
        withMetaKey(request, flags, bytes) { key in
            let result = cache.metaStore(
                operation, key: key, flags: flags.clientFlags, exptime: flags.has("T") ? flags.exptime : 0,
                value: value, compareCas: comparing ? flags.compareCas : 0,
                allowStale: flags.invalidate && operation == .cas, binaryKey: flags.base64, changed: record)
            var storedCas: UInt64 = 0
            switch result {
            case .stored(let casUnique):
                if operation == .cas { statistics.add(.casHits) }
                if flags.quiet { return }
                storedCas = casUnique
                output.append("HD")
            case .notStored:
                output.append("NS")
            case .exists:
                if operation == .cas { statistics.add(.casBadval) }
                output.append("EX")
            case .notFound:
                statistics.add(.casMisses)
                output.append("NF")
            case .tooLarge:
                statistics.add(.storeTooLarge)
                _ = cache.delete(key: key, changed: record)
                output.append("SERVER_ERROR object too large for cache\r\n")
                return
            case .outOfMemory:
                statistics.add(.storeNoMemory)
                _ = cache.delete(key: key, changed: record)
                output.append("SERVER_ERROR out of memory storing object\r\n")
                return
            }
            let base = bytes.baseAddress!
            for token in MetaTokens(base, request.flagTokens) {
                switch bytes[token.lowerBound] {
                case UInt8(ascii: "O"):
                    output.append(UInt8(ascii: " "))
                    output.append(UnsafeRawBufferPointer(rebasing: bytes[token]))
                case UInt8(ascii: "k"):
                    appendKey(key, binary: flags.base64, to: output)
                case UInt8(ascii: "c"):
                    output.append(" c")
                    output.appendDecimal(storedCas)
                default:
                    break
                }
            }
            output.append("\r\n")
        }
    }

    private func metaDelete(
        _ request: MetaRequest, _ flags: MetaFlags, _ bytes: UnsafeRawBufferPointer, _ output: ByteBuffer
    ) {
        withMetaKey(request, flags, bytes) { key in
            let result = cache.metaDelete(
                key: key, compareCas: flags.has("C") ? flags.compareCas : nil, invalidate: flags.invalidate,
                exptime: flags.has("T") ? flags.exptime : nil, changed: record)
            switch result {
            case .deleted:
                if !flags.invalidate { statistics.add(.deleteHits) }
                if flags.quiet { return }
                output.append("HD")
            case .notFound:
                statistics.add(.deleteMisses)
                output.append("NF")
            case .exists:
                statistics.add(.deleteMisses)
                output.append("EX")
            }
            // The parser refused long opaques: md checks them before it looks the key up.
            _ = appendOpaqueAndKey(request, flags, bytes, key: key, output: output)
            output.append("\r\n")
        }
    }

    private func metaArithmetic(
        _ request: MetaRequest, _ flags: MetaFlags, _ bytes: UnsafeRawBufferPointer, _ output: ByteBuffer
    ) {
        let base = bytes.baseAddress!
        let increment = flags.mode != UInt8(ascii: "D") && flags.mode != UInt8(ascii: "-")
        let replyStart = output.count
        var replied = true
        withMetaKey(request, flags, bytes) { key in
            let result = cache.metaArithmetic(
                key: key, delta: flags.delta, increment: increment, compareCas: flags.has("C") ? flags.compareCas : 0,
                vivify: flags.has("N"), initial: flags.initial,
                { item, number in
                    if flags.returnsValue {
                        output.append("VA ")
                        output.appendDecimal(DecimalText.digitCount(number))
                    } else {
                        output.append("HD")
                    }
                    for token in MetaTokens(base, request.flagTokens) {
                        switch bytes[token.lowerBound] {
                        case UInt8(ascii: "c"):
                            output.append(" c")
                            output.appendDecimal(item.casUnique)
                        case UInt8(ascii: "t"):
                            output.append(" t")
                            output.appendDecimal(item.remainingSeconds)
                        case UInt8(ascii: "T"):
                            item.setExpiry(exptime: flags.exptime)
                        case UInt8(ascii: "N"):
                            if item.created { item.setExpiry(exptime: flags.vivifyExptime) }
                        case UInt8(ascii: "O"):
                            guard token.count <= MetaFlags.maximumOpaqueLength else {
                                replied = false
                                return
                            }
                            output.append(UInt8(ascii: " "))
                            output.append(UnsafeRawBufferPointer(rebasing: bytes[token]))
                        case UInt8(ascii: "k"):
                            appendKey(key, binary: flags.base64, to: output)
                        default:
                            break
                        }
                    }
                    if flags.returnsValue {
                        output.append("\r\n")
                        output.appendDecimal(number)
                    }
                    output.append("\r\n")
                }, changed: record)
            switch result {
            case .applied(let created):
                if !created {
                    statistics.add(increment ? .incrHits : .decrHits)
                    // Only a plain success is nominal under `q`; a created item is still reported.
                    if flags.quiet && replied { output.truncate(to: replyStart) }
                }
            case .notFound:
                statistics.add(increment ? .incrMisses : .decrMisses)
                output.append("NF")
                replied = appendOpaqueAndKey(request, flags, bytes, key: key, output: output)
                output.append("\r\n")
            case .exists:
                output.append("EX")
                replied = appendOpaqueAndKey(request, flags, bytes, key: key, output: output)
                output.append("\r\n")
            case .nonNumeric:
                output.append("CLIENT_ERROR cannot increment or decrement non-numeric value\r\n")
            case .outOfMemory:
                output.append("SERVER_ERROR out of memory\r\n")
            case .outOfMemoryCreating:
                output.append("SERVER_ERROR Out of memory allocating new item\r\n")
            }
        }
        if !replied { opaqueTooLong(replyFrom: replyStart, output) }
    }

    /// `me`: memcached's debug line. `exp` is the negated remaining time (-1 for none), as memcached prints it.
    private func metaDebug(
        _ request: MetaRequest, _ flags: MetaFlags, _ bytes: UnsafeRawBufferPointer, _ output: ByteBuffer
    ) {
        statistics.add(.cmdMeta)
        let found = withMetaKey(request, flags, bytes) { key in
            cache.metaInspect(key: key) { item in
                output.append("ME ")
                if item.keyIsBinary {
                    Base64.encode(item.key, to: output)
                } else {
                    output.append(item.key)
                }
                output.append(" exp=")
                output.appendDecimal(item.expiresAt == 0 ? -1 : -item.remainingSeconds)
                output.append(" la=")
                output.appendDecimal(item.secondsSinceAccess)
                output.append(" cas=")
                output.appendDecimal(item.casUnique)
                output.append(item.fetchedBefore ? " fetch=yes cls=" : " fetch=no cls=")
                output.appendDecimal(item.sizeClass)
                output.append(" size=")
                output.appendDecimal(item.memcachedSize)
                output.append("\r\n")
            }
        }
        if !found { output.append("EN\r\n") }
    }
}
