/// memcached's authentication file (`-Y`, or `MEMCACHED_SASL_PWDB` for SASL): one `user:password` per line
/// (the first colon separates them; a line's `\r\n` or `\n` is not part of the password). Pure: the server
/// reads the file.
public struct PasswordFile: Sendable {
    private let entries: [(user: [UInt8], password: [UInt8])]

    public init(contents: [UInt8]) {
        var entries: [(user: [UInt8], password: [UInt8])] = []
        for line in contents.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            var line = line
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            entries.append((Array(line[..<colon]), Array(line[(colon + 1)...])))
        }
        self.entries = entries
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// Whether `user` and `password` match an entry. Every entry is compared in full, in time that depends on
    /// the lengths only, so the comparison does not tell how much of a guess was right.
    public func accepts(user: UnsafeRawBufferPointer, password: UnsafeRawBufferPointer) -> Bool {
        var matched = false
        for entry in entries {
            let userMatches = Self.constantTimeEquals(entry.user, user)
            let passwordMatches = Self.constantTimeEquals(entry.password, password)
            matched = matched || (userMatches && passwordMatches)
        }
        return matched
    }

    /// SASL PLAIN's message: `[authzid] NUL authcid NUL password`; an authzid must name the same user.
    public func acceptsPlain(_ message: UnsafeRawBufferPointer) -> Bool {
        guard let first = message.firstIndex(of: 0) else { return false }
        let rest = message[(first + 1)...]
        guard let second = rest.firstIndex(of: 0) else { return false }
        let authorization = UnsafeRawBufferPointer(rebasing: message[..<first])
        let user = UnsafeRawBufferPointer(rebasing: message[(first + 1)..<second])
        let password = UnsafeRawBufferPointer(rebasing: message[(second + 1)...])
        if !authorization.isEmpty && !authorization.elementsEqual(user) { return false }
        return accepts(user: user, password: password)
    }

    private static func constantTimeEquals(_ expected: [UInt8], _ given: UnsafeRawBufferPointer) -> Bool {
        var difference = UInt8(truncatingIfNeeded: expected.count ^ given.count)
        if expected.count != given.count { difference |= 1 }
        for index in 0..<given.count {
            let expectedByte = expected.isEmpty ? 0 : expected[index % expected.count]
            difference |= expectedByte ^ given[index]
        }
        return difference == 0
    }
}
