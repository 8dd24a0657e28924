/// The range of stream offsets a backlog still holds, taken under whatever lock guards the backlog.
public struct BacklogWindow: Equatable, Sendable {
    public var startOffset: UInt64
    public var endOffset: UInt64

    public init(startOffset: UInt64, endOffset: UInt64) {
        precondition(startOffset <= endOffset)
        self.startOffset = startOffset
        self.endOffset = endOffset
    }

    /// Whether a stream can resume at `offset`: the end counts, it means "nothing missed".
    public func contains(offset: UInt64) -> Bool {
        startOffset <= offset && offset <= endOffset
    }
}
