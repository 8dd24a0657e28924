/// memcached 1.6.18's `_meta_flag_preparse`: every command accepts the same flag letters; an unknown letter or
/// a repeated one stops at once, other errors are noted and parsing goes on, the last noted message winning
/// (a bad `F` notes an error without a message of its own).
enum MetaFlagParser {
    static func parse(
        _ base: UnsafeRawPointer, _ span: Range<Int>, key: Range<Int>
    ) -> (MetaFlags, ClientError?) {
        var flags = MetaFlags()
        var seenLow: UInt64 = 0
        var seenHigh: UInt64 = 0
        var failed = false
        var message = ClientError.badCommandLineFormat
        func fail(_ error: ClientError?) {
            failed = true
            if let error { message = error }
        }
        for token in MetaTokens(base, span) {
            let letter = base.byte(token.lowerBound)
            guard letter < 127 else { return (flags, .duplicateFlag) }
            let seenBit: UInt64 = 1 << UInt64(letter & 63)
            if letter < 64 {
                guard seenLow & seenBit == 0 else { return (flags, .duplicateFlag) }
                seenLow |= seenBit
            } else {
                guard seenHigh & seenBit == 0 else { return (flags, .duplicateFlag) }
                seenHigh |= seenBit
            }
            let argument = token.lowerBound + 1..<token.upperBound
            switch letter {
            case UInt8(ascii: "b"):
                if Base64.decode(base, key) == nil { fail(.keyDecoding) }
            case UInt8(ascii: "N"):
                if let value = base.parseInt32(argument) { flags.vivifyExptime = Int64(value) } else { fail(.badToken) }
            case UInt8(ascii: "T"):
                if let value = base.parseInt32(argument) { flags.exptime = Int64(value) } else { fail(.badToken) }
            case UInt8(ascii: "R"):
                if let value = base.parseInt32(argument) {
                    flags.recacheExptime = Int64(value)
                } else {
                    fail(.badToken)
                }
            case UInt8(ascii: "O"):
                if token.count > MetaFlags.maximumOpaqueLength { flags.opaqueTooLong = true }
            case UInt8(ascii: "P"), UInt8(ascii: "L"), UInt8(ascii: "k"), UInt8(ascii: "s"), UInt8(ascii: "t"),
                UInt8(ascii: "c"), UInt8(ascii: "f"), UInt8(ascii: "v"), UInt8(ascii: "h"), UInt8(ascii: "l"),
                UInt8(ascii: "u"), UInt8(ascii: "q"), UInt8(ascii: "I"):
                break
            case UInt8(ascii: "F"):
                if let value = base.parseUInt32(argument) { flags.clientFlags = value } else { fail(nil) }
            case UInt8(ascii: "C"):
                if let value = base.parseUInt64(argument) { flags.compareCas = value } else { fail(.badToken) }
            case UInt8(ascii: "M"):
                if token.count == 2 { flags.mode = base.byte(argument.lowerBound) } else { fail(.modeTokenLength) }
            case UInt8(ascii: "J"):
                if let value = base.parseUInt64(argument) { flags.initial = value } else { fail(.invalidInitial) }
            case UInt8(ascii: "D"):
                if let value = base.parseUInt64(argument) { flags.delta = value } else { fail(.invalidDeltaValue) }
            default:
                return (flags, .invalidFlag)
            }
            flags.present |= MetaFlags.bit(letter)
        }
        return (flags, failed ? message : nil)
    }
}
