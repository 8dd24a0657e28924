/// A node's name (`--node-id`) and the 32-bit id derived from it that versions carry.
public struct NodeIdentity: Equatable, Hashable, Sendable {
    public var name: String
    public var id: UInt32

    public init(name: String, id: UInt32) {
        self.name = name
        self.id = id
    }
}
