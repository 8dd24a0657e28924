/// What a binary request asks for, its extras decoded. Quiet opcodes map to the same operation (see
/// `BinaryRequest.quiet`).
public enum BinaryOperation: Equatable, Sendable {
    /// GET, GETK and their quiet forms.
    case get(withKey: Bool)
    /// TOUCH: a new expiry, the flags in reply but no value.
    case touch(exptime: Int64)
    /// GAT, GATK and their quiet forms.
    case getAndTouch(exptime: Int64, withKey: Bool)
    /// SET, ADD, REPLACE, APPEND, PREPEND; a nonzero CAS in the header makes a set/add/replace a `cas`.
    case store(StoreMode, flags: UInt32, exptime: Int64)
    case delete
    /// INCREMENT/DECREMENT; `exptime` 0xffffffff means a missing key is not created.
    case arithmetic(increment: Bool, delta: UInt64, initial: UInt64, exptime: UInt32)
    case quit
    /// FLUSH with the raw delay of its optional extras.
    case flush(delay: Int64)
    case noop
    case version
    /// STAT; the key names the group (empty for the general one).
    case stat
    case saslListMechanisms
    /// SASL_AUTH or SASL_STEP: the key is the mechanism, the value the client's data.
    case saslAuthenticate(step: Bool)
    /// A store whose item would exceed the item size limit: E2BIG, then discard `swallow` bytes as they arrive;
    /// a set also unlinks the existing item, as memcached does.
    case tooLarge(StoreMode, swallow: Int)
    /// A header whose key and extras do not fit its body: memcached answers unknown command and closes, before
    /// it looks at authentication.
    case malformed
    /// A request memcached refuses with `status`: reply, discard `swallow` bytes, close if `close`.
    case refuse(BinaryStatus, swallow: Int, close: Bool)
}
