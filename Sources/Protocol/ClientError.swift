/// The error replies memcached gives to requests it cannot take, with its exact text.
public enum ClientError: Equatable, Sendable {
    /// `ERROR`: unknown command or an empty line.
    case unknownCommand
    /// `CLIENT_ERROR bad command line format`.
    case badCommandLineFormat
    /// `CLIENT_ERROR bad data chunk`.
    case badDataChunk
    /// `CLIENT_ERROR line too long`.
    case lineTooLong
    /// `SERVER_ERROR object too large for cache`: a data block over the item size limit.
    case objectTooLarge
    /// `CLIENT_ERROR invalid exptime argument` and other fixed-text client errors.
    case message(StaticString)

    /// The reply line without its `\r\n`.
    public var replyText: StaticString {
        switch self {
        case .unknownCommand: "ERROR"
        case .badCommandLineFormat: "CLIENT_ERROR bad command line format"
        case .badDataChunk: "CLIENT_ERROR bad data chunk"
        case .lineTooLong: "CLIENT_ERROR line too long"
        case .objectTooLarge: "SERVER_ERROR object too large for cache"
        case .message(let text): text
        }
    }

    public static func == (lhs: ClientError, rhs: ClientError) -> Bool {
        lhs.replyText.description == rhs.replyText.description
    }
}
