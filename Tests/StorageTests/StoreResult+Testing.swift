import Storage

extension StoreResult {
    var isStored: Bool {
        if case .stored = self { return true }
        return false
    }

    var casUnique: UInt64? {
        if case .stored(let unique) = self { return unique }
        return nil
    }
}
