import Protocol
import Testing

private func selection(_ text: String) -> MetadumpSelection? {
    Array(text.utf8).withUnsafeBytes { MetadumpSelection($0) }
}

@Test func metadumpAllAndHashSelectEveryItem() {
    #expect(selection("all") == .all)
    #expect(selection("hash") == .all)
}

@Test func metadumpClassListSelectsThoseClasses() {
    #expect(selection("1") == .classes([1]))
    #expect(selection("1,2,39") == .classes([1, 2, 39]))
    #expect(selection("63") == .classes([63]))
    #expect(selection("0001") == .classes([1]))
    #expect(selection("3")?.includes(sizeClass: 3) == true)
    #expect(selection("3")?.includes(sizeClass: 4) == false)
}

/// memcached splits the list like `strtok`: empty parts are skipped, and only commas select nothing.
@Test func metadumpClassListSkipsEmptyParts() {
    #expect(selection("1,") == .classes([1]))
    #expect(selection(",1") == .classes([1]))
    #expect(selection("1,,2") == .classes([1, 2]))
    #expect(selection(",") == .classes([]))
}

/// memcached answers `BADCLASS invalid class id` for anything that is not a class id from 1 to 63.
@Test func metadumpRefusesWhatIsNotAClassID() {
    for text in ["bogus", "0", "64", "255", "-1", "1x", "ALL", "1000", "1,bogus"] {
        #expect(selection(text) == nil, "\(text)")
    }
}
