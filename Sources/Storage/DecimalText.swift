/// ASCII decimal formatting and memcached's number parsing, without allocating.
public enum DecimalText {
    /// Digits in `value`'s decimal text.
    public static func digitCount(_ value: UInt64) -> Int {
        var count = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        return count
    }

    /// Writes `value` in decimal at `destination`; returns the number of bytes written.
    @discardableResult
    static func write(_ value: UInt64, to destination: UnsafeMutableRawPointer) -> Int {
        let count = digitCount(value)
        var rest = value
        var position = count
        repeat {
            position -= 1
            destination.storeBytes(
                of: UInt8(truncatingIfNeeded: 48 + rest % 10), toByteOffset: position, as: UInt8.self)
            rest /= 10
        } while rest > 0
        return count
    }

    /// C `isspace` in the "C" locale.
    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    /// memcached's `safe_strtoull` applied to an item's data followed by its `\r\n`: optional leading
    /// whitespace and sign, decimal digits, then whitespace (the terminator at the latest). A `-` with a
    /// nonzero result, overflow, or any other byte after the digits make it non-numeric (nil).
    static func parseItemNumber(_ data: UnsafeRawBufferPointer) -> UInt64? {
        // `data` ends with "\r\n", so a whitespace byte always follows the digits of a valid number.
        var position = 0
        let end = data.count
        while position < end && isSpace(data[position]) { position += 1 }
        if position == end {
            // Nothing but whitespace: strtoull parses nothing and stops at a space, which memcached accepts as 0.
            return 0
        }
        var negative = false
        if data[position] == UInt8(ascii: "+") || data[position] == UInt8(ascii: "-") {
            negative = data[position] == UInt8(ascii: "-")
            position += 1
        }
        let digitsStart = position
        var value: UInt64 = 0
        while position < end, data[position] >= 48, data[position] <= 57 {
            let (timesTen, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = timesTen.addingReportingOverflow(UInt64(data[position] - 48))
            if overflowA || overflowB { return nil }
            value = sum
            position += 1
        }
        if position == digitsStart {
            // No digits: strtoull leaves the end pointer at the start, accepted only if that byte is a space.
            return isSpace(data[0]) ? 0 : nil
        }
        guard position < end, isSpace(data[position]) else { return nil }
        if negative && value != 0 {
            // strtoull negates; memcached rejects a negative result that has a '-' in it.
            let negated = 0 &- value
            if Int64(bitPattern: negated) < 0 { return nil }
            return negated
        }
        return value
    }
}
