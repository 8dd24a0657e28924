/// One binary protocol request; its ranges point into the buffer that was parsed.
public struct BinaryRequest: Equatable, Sendable {
    /// The opcode as received, echoed in every response.
    public var opcode: UInt8
    public var operation: BinaryOperation
    /// A quiet opcode: success replies (and get misses) are left out.
    public var quiet: Bool
    /// Echoed as received, in network byte order.
    public var opaque: UInt32
    public var cas: UInt64
    public var key: Range<Int>
    /// The value of a store or the data of a SASL request.
    public var value: Range<Int>

    public init(
        opcode: UInt8, operation: BinaryOperation, quiet: Bool = false, opaque: UInt32 = 0, cas: UInt64 = 0,
        key: Range<Int> = 0..<0, value: Range<Int> = 0..<0
    ) {
        self.opcode = opcode
        self.operation = operation
        self.quiet = quiet
        self.opaque = opaque
        self.cas = cas
        self.key = key
        self.value = value
    }
}
