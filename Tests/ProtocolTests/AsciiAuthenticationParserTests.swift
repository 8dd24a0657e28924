import Protocol
import Testing

@Suite struct AsciiAuthenticationParserTests {
    private func parse(_ text: String) -> AsciiAuthenticationOutcome {
        wire(text).withUnsafeBytes { AsciiAuthenticationParser().parse($0) }
    }

    @Test func setWithUserAndPasswordGivesTheCredentials() {
        let input = "set anykey 5 100 12\r\nalice secret\r\n"
        #expect(parse(input) == .credentials(user: 21..<26, password: 27..<33, consumed: input.utf8.count))
    }

    @Test func waitsForTheWholeDataBlock() {
        let input = "set k 0 0 12\r\nalice secret\r\n"
        for length in 0..<input.utf8.count {
            let outcome = Array(input.utf8)[0..<length].withUnsafeBytes { AsciiAuthenticationParser().parse($0) }
            #expect(outcome == .needMoreData || length == 0, "prefix \(length)")
        }
    }

    @Test func anyOtherCommandIsUnauthenticated() {
        #expect(parse("get a\r\n") == .reject(.message("CLIENT_ERROR unauthenticated"), consumed: 7))
        #expect(parse("add k 0 0 3\r\na b\r\n") == .reject(.message("CLIENT_ERROR unauthenticated"), consumed: 13))
        #expect(parse("set k 0 0 x\r\n") == .reject(.message("CLIENT_ERROR unauthenticated"), consumed: 13))
    }

    @Test func dataWithoutASpaceIsABadTokenFormat() {
        #expect(
            parse("set k 0 0 5\r\nalice\r\n")
                == .reject(.message("CLIENT_ERROR bad authentication token format"), consumed: 20))
    }

    @Test func dataNotEndingInCRLFIsBadTermination() {
        #expect(
            parse("set k 0 0 3\r\na bxy")
                == .reject(.message("CLIENT_ERROR bad command line termination"), consumed: 18))
    }

    /// memcached drops a connection that sends more than 2048 bytes without a newline before authenticating.
    @Test func longLineWithoutNewlineCloses() {
        #expect(parse(String(repeating: "x", count: 2049)) == .close)
        #expect(parse(String(repeating: "x", count: 2048)) == .needMoreData)
    }
}
