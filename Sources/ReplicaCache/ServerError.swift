/// Start-up failures that end the process with a message.
enum ServerError: Error, CustomStringConvertible {
    case cannotListen(String)
    case eventLoop(String)
    case configuration(String)

    var description: String {
        switch self {
        case .cannotListen(let text), .eventLoop(let text), .configuration(let text): text
        }
    }
}
