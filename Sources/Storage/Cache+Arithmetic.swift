extension Cache {
    /// incr/decr: decimal values only, incr wraps at 2^64, decr stops at 0; flags and expiry are kept and the
    /// item gets a new CAS unique and version; `changed` sees the resulting value.
    public func arithmetic(
        key: UnsafeRawBufferPointer, delta: UInt64, increment: Bool, changed: (ItemState) -> Void = { _ in }
    ) -> ArithmeticResult {
        switch arithmetic(key: key, delta: delta, increment: increment, options: ArithmeticOptions(), changed: changed)
        {
        case .value(let value, _, _, _): .value(value)
        // Without a CAS to compare there is no mismatch; without an initial value a miss stays a miss.
        case .notFound, .exists: .notFound
        case .nonNumeric: .nonNumeric
        case .outOfMemory: .outOfMemory
        }
    }
}
