import Protocol
import Testing

@Test func byteBufferAppendsDecimals() {
    let buffer = ByteBuffer(capacity: 64)
    buffer.appendDecimal(UInt64(0))
    buffer.append(" ")
    buffer.appendDecimal(UInt64.max)
    buffer.append(" ")
    buffer.appendDecimal(Int64(-42))
    #expect(String(decoding: buffer.bytes, as: UTF8.self) == "0 18446744073709551615 -42")
}
