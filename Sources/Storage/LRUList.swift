/// A doubly linked recency list threaded through the items' `lruPrevious`/`lruNext` links.
struct LRUList {
    /// Most recently used.
    private(set) var head: ItemPointer?
    /// Least recently used: the eviction end.
    private(set) var tail: ItemPointer?

    mutating func pushFront(_ item: ItemPointer) {
        item.pointee.lruPrevious = nil
        item.pointee.lruNext = head
        if let head { head.pointee.lruPrevious = item } else { tail = item }
        head = item
    }

    mutating func remove(_ item: ItemPointer) {
        let previous = item.pointee.lruPrevious
        let next = item.pointee.lruNext
        if let previous { previous.pointee.lruNext = next } else { head = next }
        if let next { next.pointee.lruPrevious = previous } else { tail = previous }
        item.pointee.lruPrevious = nil
        item.pointee.lruNext = nil
    }

    @inline(__always)
    mutating func moveToFront(_ item: ItemPointer) {
        if head == item { return }
        remove(item)
        pushFront(item)
    }
}
