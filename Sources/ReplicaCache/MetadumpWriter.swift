import Protocol
import Storage

/// `lru_crawler metadump`: one line per live item of the selected size classes, in memcached's format.
struct MetadumpWriter {
    let cache: Cache

    func write(_ selection: MetadumpSelection, to output: ByteBuffer) {
        cache.forEachItem { item in
            guard selection.includes(sizeClass: item.sizeClass) else { return }
            output.append("key=")
            for byte in item.key {
                if Self.isUnreserved(byte) {
                    output.append(byte)
                } else {
                    output.append(UInt8(ascii: "%"))
                    output.append(Self.hexDigit(byte >> 4))
                    output.append(Self.hexDigit(byte & 0xF))
                }
            }
            output.append(" exp=")
            output.appendDecimal(item.expiresAt == 0 ? -1 : item.expiresAt)
            output.append(" la=")
            output.appendDecimal(item.lastAccess)
            output.append(" cas=")
            output.appendDecimal(item.casUnique)
            output.append(item.fetched ? " fetch=yes" : " fetch=no")
            output.append(" cls=")
            output.appendDecimal(item.sizeClass)
            output.append(" size=")
            output.appendDecimal(item.memcachedSize)
            output.append(UInt8(ascii: "\n"))
        }
        output.append("END\r\n")
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? nibble + 48 : nibble + 55
    }
}
