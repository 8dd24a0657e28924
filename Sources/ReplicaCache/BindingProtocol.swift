/// memcached's `-B`: which protocols the client port speaks.
enum BindingProtocol: String, Sendable {
    case auto
    case ascii
    case binary

    /// The value `stats settings` reports, as memcached names it.
    var statsName: String {
        switch self {
        case .auto: "auto-negotiate"
        case .ascii: "ascii"
        case .binary: "binary"
        }
    }
}
