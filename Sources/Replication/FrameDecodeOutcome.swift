/// What `FrameDecoder.decode` found at the start of a buffer.
public enum FrameDecodeOutcome: Equatable, Sendable {
    case needMoreData
    /// A whole frame of `consumed` bytes; its ranges are relative to the decoded buffer's start.
    case frame(ReplicationFrame, consumed: Int)
    /// The stream cannot be trusted past this point; the connection must close.
    case invalid(String)
}
