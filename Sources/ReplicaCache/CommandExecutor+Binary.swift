import Protocol
import Storage

/// The binary protocol's requests, run against the same cache, counters and replication as text commands.
extension CommandExecutor {
    /// memcached's `authenticated()`: the requests a SASL server answers before authentication.
    private static func isOpenBeforeAuthentication(_ opcode: UInt8) -> Bool {
        switch BinaryOpcode(rawValue: opcode) {
        case .saslListMechanisms, .saslAuthenticate, .saslStep, .version: true
        default: false
        }
    }

    /// Runs `request`, whose ranges point into `bytes`, appending its response packets to `output`.
    func execute(
        binary request: BinaryRequest, request bytes: UnsafeRawBufferPointer, client: Int32,
        session: inout ClientSession, output: ByteBuffer
    ) -> Disposition {
        let opcode = request.opcode
        let opaque = request.opaque
        if case .malformed = request.operation {
            output.appendBinaryError(.unknownCommand, opcode: opcode, opaque: opaque)
            return .close
        }
        if server.settings.saslEnabled && !session.authenticated && !Self.isOpenBeforeAuthentication(opcode) {
            output.appendBinaryError(.authenticationError, opcode: opcode, opaque: opaque)
            return .close
        }
        let key = UnsafeRawBufferPointer(rebasing: bytes[request.key])
        switch request.operation {
        case .get(let withKey):
            statistics.add(.cmdGet)
            let found = respondWithItem(request, key: key, touchExptime: nil, withKey: withKey, output: output)
            statistics.add(found ? .getHits : .getMisses)
        case .touch(let exptime), .getAndTouch(let exptime, _):
            statistics.add(.cmdTouch)
            var withKey = false
            if case .getAndTouch(_, let returnsKey) = request.operation { withKey = returnsKey }
            let found = respondWithItem(request, key: key, touchExptime: exptime, withKey: withKey, output: output)
            statistics.add(found ? .touchHits : .touchMisses)
        case .store(let mode, let flags, let exptime):
            store(request, mode: mode, key: key, flags: flags, exptime: exptime, bytes: bytes, output: output)
        case .tooLarge(let mode, let swallow):
            statistics.add(.storeTooLarge)
            // As for text: memcached unlinks the old item on a too-large set.
            if mode == .set { _ = cache.delete(key: key, changed: recordState) }
            output.appendBinaryError(.valueTooLarge, opcode: opcode, opaque: opaque)
            return .swallow(swallow)
        case .delete:
            switch cache.delete(key: key, casUnique: request.cas, changed: recordState) {
            case .deleted:
                statistics.add(.deleteHits)
                if !request.quiet { output.appendBinaryHeader(opcode: opcode, opaque: opaque) }
            case .exists:
                output.appendBinaryError(.keyExists, opcode: opcode, opaque: opaque)
            case .notFound:
                statistics.add(.deleteMisses)
                output.appendBinaryError(.keyNotFound, opcode: opcode, opaque: opaque)
            }
        case .arithmetic(let increment, let delta, let initial, let exptime):
            arithmetic(
                request, key: key, increment: increment, delta: delta, initial: initial, exptime: exptime,
                output: output)
        case .quit:
            if !request.quiet { output.appendBinaryHeader(opcode: opcode, opaque: opaque) }
            return .close
        case .flush(let delay):
            // Unlike the text protocol, memcached does not count a binary flush it refuses.
            guard server.settings.flushEnabled else {
                output.appendBinaryError(.authenticationError, opcode: opcode, opaque: opaque)
                return .proceed
            }
            statistics.add(.cmdFlush)
            _ = cache.flushAll(delay: delay) { records?.append($0) }
            if !request.quiet { output.appendBinaryHeader(opcode: opcode, opaque: opaque) }
        case .noop:
            output.appendBinaryHeader(opcode: opcode, opaque: opaque)
        case .version:
            let version = ServerState.version
            output.appendBinaryHeader(opcode: opcode, bodyLength: version.utf8CodeUnitCount, opaque: opaque)
            output.append(version)
        case .stat:
            BinaryStatsWriter(server: server, opcode: opcode, opaque: opaque).write(
                group: key, client: client, to: output)
        case .saslListMechanisms:
            let mechanisms: StaticString = "PLAIN"
            output.appendBinaryHeader(opcode: opcode, bodyLength: mechanisms.utf8CodeUnitCount, opaque: opaque)
            output.append(mechanisms)
        case .saslAuthenticate(let step):
            authenticate(
                request, mechanism: key, data: UnsafeRawBufferPointer(rebasing: bytes[request.value]), step: step,
                session: &session, output: output)
        case .refuse(let status, let swallow, let close):
            output.appendBinaryError(status, opcode: opcode, opaque: opaque)
            if close { return .close }
            if swallow > 0 { return .swallow(swallow) }
        case .malformed:
            break
        }
        return .proceed
    }

    private func recordState(_ state: ItemState) {
        records?.append(state)
    }

    /// GET/GETK/GAT/GATK/TOUCH and their quiet forms: flags as extras, the key when asked, the value unless
    /// it is a TOUCH. Returns whether the key was found.
    private func respondWithItem(
        _ request: BinaryRequest, key: UnsafeRawBufferPointer, touchExptime: Int64?, withKey: Bool, output: ByteBuffer
    ) -> Bool {
        let opcode = request.opcode
        let opaque = request.opaque
        let isTouch = request.opcode == BinaryOpcode.touch.rawValue
        let found: Bool? = cache.withItem(key: key, touchExptime: touchExptime) { item in
            let keyLength = withKey ? item.key.count : 0
            let valueLength = isTouch ? 0 : item.value.count
            output.appendBinaryHeader(
                opcode: opcode, keyLength: keyLength, extrasLength: 4, bodyLength: 4 + keyLength + valueLength,
                opaque: opaque, cas: item.casUnique)
            output.appendBigEndian(item.flags)
            if withKey { output.append(item.key) }
            if !isTouch { output.append(item.value) }
            return true
        } changed: {
            recordState($0)
        }
        guard found == nil else { return true }
        if request.quiet { return false }
        if withKey {
            // memcached's miss for GETK/GATK carries the key as key and as body, and no error text.
            output.appendBinaryHeader(
                opcode: opcode, status: .keyNotFound, keyLength: key.count, bodyLength: key.count, opaque: opaque)
            output.append(key)
        } else {
            output.appendBinaryError(.keyNotFound, opcode: opcode, opaque: opaque)
        }
        return false
    }

    private func store(
        _ request: BinaryRequest, mode: StoreMode, key: UnsafeRawBufferPointer, flags: UInt32, exptime: Int64,
        bytes: UnsafeRawBufferPointer, output: ByteBuffer
    ) {
        statistics.add(.cmdSet)
        // A CAS in the header turns set, add and replace into a cas; append and prepend only compare it.
        let concatenating = mode == .append || mode == .prepend
        let operation: StoreOperation = request.cas != 0 && !concatenating ? .cas : mode.storeOperation
        let result = cache.store(
            operation, key: key, flags: flags, exptime: exptime,
            value: UnsafeRawBufferPointer(rebasing: bytes[request.value]), casUnique: request.cas,
            changed: recordState)
        let status: BinaryStatus
        switch result {
        case .stored(let unique):
            if operation == .cas { statistics.add(.casHits) }
            if !request.quiet {
                output.appendBinaryHeader(opcode: request.opcode, opaque: request.opaque, cas: unique)
            }
            return
        case .notStored:
            status = operation == .add ? .keyExists : operation == .replace ? .keyNotFound : .notStored
        case .exists:
            if operation == .cas { statistics.add(.casBadval) }
            status = .keyExists
        case .notFound:
            statistics.add(.casMisses)
            status = .keyNotFound
        case .tooLarge:
            statistics.add(.storeTooLarge)
            status = .valueTooLarge
        case .outOfMemory:
            statistics.add(.storeNoMemory)
            status = .outOfMemory
        }
        output.appendBinaryError(status, opcode: request.opcode, opaque: request.opaque)
    }

    private func arithmetic(
        _ request: BinaryRequest, key: UnsafeRawBufferPointer, increment: Bool, delta: UInt64, initial: UInt64,
        exptime: UInt32, output: ByteBuffer
    ) {
        // An expiry of 0xffffffff asks not to create a missing counter.
        let options = ArithmeticOptions(
            casUnique: request.cas, initialValue: exptime == UInt32.max ? nil : initial,
            initialExptime: Int64(exptime))
        let status: BinaryStatus
        switch cache.arithmetic(key: key, delta: delta, increment: increment, options: options, changed: recordState)
        {
        case .value(let value, let unique, _, let created):
            if !created { statistics.add(increment ? .incrHits : .decrHits) }
            if !request.quiet {
                output.appendBinaryHeader(opcode: request.opcode, bodyLength: 8, opaque: request.opaque, cas: unique)
                output.appendBigEndian(value)
            }
            return
        case .notFound:
            statistics.add(increment ? .incrMisses : .decrMisses)
            status = .keyNotFound
        case .exists:
            status = .keyExists
        case .nonNumeric:
            status = .nonNumericValue
        case .outOfMemory:
            status = .outOfMemory
        }
        output.appendBinaryError(status, opcode: request.opcode, opaque: request.opaque)
    }

    /// SASL PLAIN as memcached's Cyrus SASL answers it: every AUTH or STEP first drops the connection's
    /// authentication; an AUTH without data asks for it (AUTH_CONTINUE) and a STEP brings it. The message is
    /// `[authzid] NUL authcid NUL password`, checked against the password file.
    private func authenticate(
        _ request: BinaryRequest, mechanism: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, step: Bool,
        session: inout ClientSession, output: ByteBuffer
    ) {
        session.authenticated = false
        let expected = step ? session.saslStarted : Self.isPlain(mechanism)
        session.saslStarted = false
        if expected && !step && data.isEmpty {
            session.saslStarted = true
            output.appendBinaryHeader(opcode: request.opcode, status: .authenticationContinue, opaque: request.opaque)
            return
        }
        statistics.add(.authCmds)
        if expected, let passwords = server.settings.passwords, passwords.acceptsPlain(data) {
            session.authenticated = true
            let reply: StaticString = "Authenticated"
            output.appendBinaryHeader(
                opcode: request.opcode, bodyLength: reply.utf8CodeUnitCount, opaque: request.opaque)
            output.append(reply)
            return
        }
        statistics.add(.authErrors)
        output.appendBinaryError(.authenticationError, opcode: request.opcode, opaque: request.opaque)
    }

    /// SASL mechanism names compare without regard to case.
    private static func isPlain(_ mechanism: UnsafeRawBufferPointer) -> Bool {
        mechanism.count == 5 && zip(mechanism, "PLAIN".utf8).allSatisfy { $0 & 0xdf == $1 }
    }
}
