#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Marks memory that must not be touched, for AddressSanitizer: `ItemArena` hands out and takes back blocks
/// inside its own pages, which AddressSanitizer cannot see as it sees `malloc` and `free`. With these calls a
/// block the arena holds free is reported when touched, as a freed `malloc` block is.
struct AddressPoisoning: Sendable {
    let poison: @Sendable (UnsafeRawPointer, Int) -> Void
    let unpoison: @Sendable (UnsafeRawPointer, Int) -> Void

    private typealias RegionFunction = @convention(c) (UnsafeRawPointer?, Int) -> Void

    /// AddressSanitizer's own calls when its runtime is in the process (`make test-asan`, `make fuzz`), else nil.
    static func addressSanitizer() -> AddressPoisoning? {
        guard let poisonSymbol = dlsym(nil, "__asan_poison_memory_region"),
            let unpoisonSymbol = dlsym(nil, "__asan_unpoison_memory_region")
        else { return nil }
        let poison = unsafeBitCast(poisonSymbol, to: RegionFunction.self)
        let unpoison = unsafeBitCast(unpoisonSymbol, to: RegionFunction.self)
        return AddressPoisoning(poison: { poison($0, $1) }, unpoison: { unpoison($0, $1) })
    }
}
