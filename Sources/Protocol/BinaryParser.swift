/// Decodes memcached binary protocol requests with memcached 1.6's acceptance rules.
///
/// Like memcached, it needs the 24-byte header, extras and key before it decides anything, and the value of a
/// store as well before it hands the request on. Extras and key are always consumed; body bytes a request does
/// not use are left to be parsed as the next request, as memcached leaves them.
public struct BinaryParser: Sendable {
    public static let headerSize = 24
    public static let requestMagic: UInt8 = 0x80

    /// Longest key memcached accepts.
    public var maxKeyLength = 250
    /// memcached's `-I`: the largest item, header and key included.
    public var maxItemSize: Int
    /// memcached's `-S`: without it the SASL opcodes are unknown commands.
    public var saslEnabled = false

    public init(maxItemSize: Int = 1024 * 1024) {
        self.maxItemSize = maxItemSize
    }

    /// Parses the request at the front of `bytes`. Pure: no I/O, no globals, no heap allocation.
    public func parse(_ bytes: UnsafeRawBufferPointer) -> BinaryParseOutcome {
        guard bytes.count >= Self.headerSize, let base = bytes.baseAddress else { return .needMoreData }
        guard base.load(as: UInt8.self) == Self.requestMagic else { return .close }
        let opcode = base.load(fromByteOffset: 1, as: UInt8.self)
        let keyLength = Int(UInt16(bigEndian: base.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
        let extrasLength = Int(base.load(fromByteOffset: 4, as: UInt8.self))
        let bodyLength = Int(UInt32(bigEndian: base.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
        let headerEnd = Self.headerSize + extrasLength + keyLength
        guard bytes.count >= headerEnd else { return .needMoreData }

        var request = BinaryRequest(
            opcode: opcode, operation: .noop,
            opaque: base.loadUnaligned(fromByteOffset: 12, as: UInt32.self),
            cas: UInt64(bigEndian: base.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
            key: (Self.headerSize + extrasLength)..<headerEnd)
        let extras = base + Self.headerSize
        // memcached's order: a header that cannot be right, then (in the executor) authentication, then the key.
        guard keyLength + extrasLength <= bodyLength else {
            request.operation = .malformed
            return .request(request, consumed: headerEnd)
        }
        guard keyLength <= maxKeyLength else { return refuse(request, .invalidArguments, consumed: headerEnd) }
        guard let known = BinaryOpcode(rawValue: opcode) else {
            // memcached has consumed extras and key already and then discards a whole body length more.
            return refuse(request, .unknownCommand, consumed: headerEnd, swallow: bodyLength, close: false)
        }
        let shape = RequestShape(extras: extrasLength, key: keyLength, body: bodyLength)
        switch known {
        case .get, .getQuiet, .getWithKey, .getWithKeyQuiet:
            guard shape.extras == 0 && shape.key > 0 && shape.body == shape.key else { break }
            request.quiet = known == .getQuiet || known == .getWithKeyQuiet
            request.operation = .get(withKey: known == .getWithKey || known == .getWithKeyQuiet)
            return .request(request, consumed: headerEnd)
        case .touch, .getAndTouch, .getAndTouchQuiet, .getAndTouchWithKey, .getAndTouchWithKeyQuiet:
            guard shape.extras == 4 && shape.key > 0 else { break }
            let exptime = Int64(Self.loadUInt32(extras, 0))
            request.quiet = known == .getAndTouchQuiet || known == .getAndTouchWithKeyQuiet
            request.operation =
                known == .touch
                ? .touch(exptime: exptime)
                : .getAndTouch(
                    exptime: exptime, withKey: known == .getAndTouchWithKey || known == .getAndTouchWithKeyQuiet)
            return .request(request, consumed: headerEnd)
        case .set, .setQuiet, .add, .addQuiet, .replace, .replaceQuiet:
            guard shape.extras == 8 && shape.key > 0 else { break }
            let mode: StoreMode =
                known == .set || known == .setQuiet ? .set : known == .add || known == .addQuiet ? .add : .replace
            request.quiet = known == .setQuiet || known == .addQuiet || known == .replaceQuiet
            let flags = Self.loadUInt32(extras, 0)
            request.operation = .store(mode, flags: flags, exptime: Int64(Self.loadUInt32(extras, 4)))
            return value(request, mode: mode, flags: flags, valueLength: shape.body - shape.key - 8, bytes)
        case .append, .appendQuiet, .prepend, .prependQuiet:
            guard shape.extras == 0 && shape.key > 0 else { break }
            let mode: StoreMode = known == .append || known == .appendQuiet ? .append : .prepend
            request.quiet = known == .appendQuiet || known == .prependQuiet
            request.operation = .store(mode, flags: 0, exptime: 0)
            return value(request, mode: mode, flags: 0, valueLength: shape.body - shape.key, bytes)
        case .delete, .deleteQuiet:
            guard shape.extras == 0 && shape.key > 0 && shape.body == shape.key else { break }
            request.quiet = known == .deleteQuiet
            request.operation = .delete
            return .request(request, consumed: headerEnd)
        case .increment, .incrementQuiet, .decrement, .decrementQuiet:
            guard shape.extras == 20 && shape.key > 0 && shape.body == shape.key + 20 else { break }
            request.quiet = known == .incrementQuiet || known == .decrementQuiet
            request.operation = .arithmetic(
                increment: known == .increment || known == .incrementQuiet, delta: Self.loadUInt64(extras, 0),
                initial: Self.loadUInt64(extras, 8), exptime: Self.loadUInt32(extras, 16))
            return .request(request, consumed: headerEnd)
        case .quit, .quitQuiet:
            guard shape.isEmpty else { break }
            request.quiet = known == .quitQuiet
            request.operation = .quit
            return .request(request, consumed: headerEnd)
        case .flush, .flushQuiet:
            guard shape.key == 0 && shape.body == shape.extras && (shape.extras == 0 || shape.extras == 4) else {
                break
            }
            request.quiet = known == .flushQuiet
            request.operation = .flush(delay: shape.extras == 4 ? Int64(Self.loadUInt32(extras, 0)) : 0)
            return .request(request, consumed: headerEnd)
        case .noop, .version:
            guard shape.isEmpty else { break }
            request.operation = known == .noop ? .noop : .version
            return .request(request, consumed: headerEnd)
        case .stat:
            guard shape.extras == 0 else { break }
            request.operation = .stat
            return .request(request, consumed: headerEnd)
        case .saslListMechanisms:
            guard shape.isEmpty else { break }
            guard saslEnabled else { return refuse(request, .unknownCommand, consumed: headerEnd, close: false) }
            request.operation = .saslListMechanisms
            return .request(request, consumed: headerEnd)
        case .saslAuthenticate, .saslStep:
            guard shape.extras == 0 && shape.key > 0 else { break }
            let dataLength = shape.body - shape.key
            guard saslEnabled else {
                return refuse(request, .unknownCommand, consumed: headerEnd, swallow: dataLength, close: false)
            }
            guard bytes.count >= headerEnd + dataLength else { return .needMoreData }
            request.operation = .saslAuthenticate(step: known == .saslStep)
            request.value = headerEnd..<(headerEnd + dataLength)
            return .request(request, consumed: headerEnd + dataLength)
        }
        // Every shape check that failed: memcached's protocol error.
        return refuse(request, .invalidArguments, consumed: headerEnd)
    }

    /// A store's value: the whole of it must be there, unless the item is too large anyway.
    private func value(
        _ request: BinaryRequest, mode: StoreMode, flags: UInt32, valueLength: Int, _ bytes: UnsafeRawBufferPointer
    ) -> BinaryParseOutcome {
        var request = request
        let start = request.key.upperBound
        // memcached's item size: header, key and its NUL, flags when nonzero, data and CRLF, CAS.
        let itemSize =
            TextParser.itemHeaderSize + request.key.count + 1 + (flags == 0 ? 0 : 4) + valueLength + 2
            + TextParser.casSize
        if itemSize > maxItemSize {
            request.operation = .tooLarge(mode, swallow: valueLength)
            return .request(request, consumed: start)
        }
        guard bytes.count >= start + valueLength else { return .needMoreData }
        request.value = start..<(start + valueLength)
        return .request(request, consumed: start + valueLength)
    }

    private func refuse(
        _ request: BinaryRequest, _ status: BinaryStatus, consumed: Int, swallow: Int = 0, close: Bool = true
    ) -> BinaryParseOutcome {
        var request = request
        request.operation = .refuse(status, swallow: swallow, close: close)
        return .request(request, consumed: consumed)
    }

    @inline(__always)
    private static func loadUInt32(_ base: UnsafeRawPointer, _ offset: Int) -> UInt32 {
        UInt32(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    private static func loadUInt64(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}

/// The three lengths of a request header that memcached validates per opcode.
private struct RequestShape {
    let extras: Int
    let key: Int
    let body: Int

    var isEmpty: Bool { extras == 0 && key == 0 && body == 0 }
}
