import Protocol
import Testing

func keys(of input: [UInt8], _ range: Range<Int>) -> [String] {
    input.withUnsafeBytes { bytes in
        KeyList(bytes, keys: range).map { String(decoding: bytes[$0], as: UTF8.self) }
    }
}

@Test func keyListYieldsEveryKeyInOrder() {
    let input = wire("get a  bb ccc\r\n")
    guard case .command(.retrieve(let request), _) = parse(TextParser(), input) else {
        Issue.record("not a retrieve")
        return
    }
    #expect(keys(of: input, request.keys) == ["a", "bb", "ccc"])
}

@Test func keyListOfGatWithoutKeysIsEmpty() {
    let input = wire("gat 10\r\n")
    guard case .command(.retrieve(let request), _) = parse(TextParser(), input) else {
        Issue.record("not a retrieve")
        return
    }
    #expect(keys(of: input, request.keys).isEmpty)
}

/// The executor finds an overlong key in the middle of the list by its length, in order.
@Test func keyListExposesOverlongKeyInTheMiddle() {
    let input = wire("get a \(key251) b\r\n")
    guard case .command(.retrieve(let request), _) = parse(TextParser(), input) else {
        Issue.record("not a retrieve")
        return
    }
    let lengths = input.withUnsafeBytes { KeyList($0, keys: request.keys).map(\.count) }
    #expect(lengths == [1, 251, 1])
    let firstOverlong = input.withUnsafeBytes { bytes in
        KeyList(bytes, keys: request.keys).enumerated().first { $0.element.count > TextParser().maxKeyLength }?.offset
    }
    #expect(firstOverlong == 1)
}

@Test func keyListRangesAreOffsetsIntoTheParsedBuffer() {
    let input = wire("set p 0 0 1\r\nx\r\ngets one two\r\n")
    input.withUnsafeBytes { all in
        let rest = UnsafeRawBufferPointer(rebasing: all[16...])
        guard case .command(.retrieve(let request), _) = TextParser().parse(rest) else {
            Issue.record("not a retrieve")
            return
        }
        let ranges = Array(KeyList(rest, keys: request.keys))
        #expect(ranges == [5..<8, 9..<12])
    }
}
