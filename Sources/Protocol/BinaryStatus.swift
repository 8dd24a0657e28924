/// Response status codes of the binary protocol, with the error bodies memcached sends for them.
public enum BinaryStatus: UInt16, Sendable {
    case success = 0x00
    case keyNotFound = 0x01
    case keyExists = 0x02
    case valueTooLarge = 0x03
    case invalidArguments = 0x04
    case notStored = 0x05
    case nonNumericValue = 0x06
    case authenticationError = 0x20
    case authenticationContinue = 0x21
    case unknownCommand = 0x81
    case outOfMemory = 0x82

    /// The body of an error response.
    public var errorText: StaticString {
        switch self {
        case .success: ""
        case .keyNotFound: "Not found"
        case .keyExists: "Data exists for key."
        case .valueTooLarge: "Too large."
        case .invalidArguments: "Invalid arguments"
        case .notStored: "Not stored."
        case .nonNumericValue: "Non-numeric server-side value for incr or decr"
        case .authenticationError: "Auth failure."
        case .authenticationContinue: ""
        case .unknownCommand: "Unknown command"
        case .outOfMemory: "Out of memory"
        }
    }
}
