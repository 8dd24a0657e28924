/// A broken invariant is a crash, which is what libFuzzer records and minimizes.
public func invariant(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant broken: \(message())") }
}
