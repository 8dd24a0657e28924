/// Numbers read with the C library rules behind memcached's `safe_strto*` helpers, so odd input is
/// taken or refused exactly as memcached does: leading whitespace and a sign are allowed, the digits
/// may be followed by whitespace and then anything, and results are truncated to the width memcached
/// stores them in.
extension UnsafeRawPointer {
    /// `safe_strtol` into an `int32_t`: any value in Int64 range, then truncated to 32 bits.
    @inline(__always)
    func parseInt32(_ token: Range<Int>) -> Int32? {
        guard let (negative, magnitude) = scanNumber(token) else { return nil }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return Int32(truncatingIfNeeded: 0 &- magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int32(truncatingIfNeeded: magnitude)
    }

    /// `safe_strtoul` into a `uint32_t`: a 64-bit unsigned value truncated to 32 bits.
    @inline(__always)
    func parseUInt32(_ token: Range<Int>) -> UInt32? {
        parseUInt64(token).map { UInt32(truncatingIfNeeded: $0) }
    }

    /// `safe_strtoull`: a minus sign wraps the value, refused only if the result is negative as signed.
    @inline(__always)
    func parseUInt64(_ token: Range<Int>) -> UInt64? {
        guard let (negative, magnitude) = scanNumber(token) else { return nil }
        let value = negative ? 0 &- magnitude : magnitude
        if Int64(bitPattern: value) < 0 && containsByte(UInt8(ascii: "-"), in: token) { return nil }
        return value
    }

    /// Sign and magnitude of the number at the start of `token`; nil without digits, on overflow, or
    /// when something other than whitespace follows the digits.
    @inline(__always)
    private func scanNumber(_ token: Range<Int>) -> (negative: Bool, magnitude: UInt64)? {
        var i = token.lowerBound
        let end = token.upperBound
        while i < end && isCSpace(byte(i)) { i &+= 1 }
        var negative = false
        if i < end && (byte(i) == UInt8(ascii: "-") || byte(i) == UInt8(ascii: "+")) {
            negative = byte(i) == UInt8(ascii: "-")
            i &+= 1
        }
        let digitsStart = i
        var magnitude: UInt64 = 0
        var overflow = false
        while i < end {
            let digit = byte(i) &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            let (shifted, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = shifted.addingReportingOverflow(UInt64(digit))
            overflow = overflow || o1 || o2
            magnitude = sum
            i &+= 1
        }
        guard i > digitsStart, !overflow else { return nil }
        guard i == end || isCSpace(byte(i)) else { return nil }
        return (negative, magnitude)
    }

    @inline(__always)
    func byte(_ offset: Int) -> UInt8 {
        load(fromByteOffset: offset, as: UInt8.self)
    }

    /// C `isspace` without the space itself, which never occurs inside a token.
    @inline(__always)
    private func isCSpace(_ byte: UInt8) -> Bool {
        byte &- 9 < 5
    }

    private func containsByte(_ target: UInt8, in token: Range<Int>) -> Bool {
        for offset in token where byte(offset) == target { return true }
        return false
    }
}
