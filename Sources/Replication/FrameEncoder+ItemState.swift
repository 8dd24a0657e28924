import Protocol
import Storage

extension FrameEncoder {
    /// The record of one key's state, as `Cache` reports it to `changed` and `forEachState`.
    public static func appendRecord(_ state: ItemState, to buffer: ByteBuffer) {
        if state.isTombstone {
            appendTombstone(key: state.key, version: state.version, to: buffer)
        } else {
            appendItem(
                key: state.key, value: state.value, flags: state.flags, expiresAt: state.expiresAt,
                version: state.version, to: buffer)
        }
    }

    public static func appendFlush(_ mark: FlushMark, to buffer: ByteBuffer) {
        appendFlush(atMilliseconds: mark.atMilliseconds, version: mark.version, to: buffer)
    }
}
