/// The memcached storage commands.
public enum StoreOperation: Sendable {
    case set, add, replace, append, prepend, cas
}
