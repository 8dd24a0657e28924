/// The binary protocol opcodes memcached 1.6 answers; anything else is an unknown command.
public enum BinaryOpcode: UInt8, Sendable {
    case get = 0x00
    case set = 0x01
    case add = 0x02
    case replace = 0x03
    case delete = 0x04
    case increment = 0x05
    case decrement = 0x06
    case quit = 0x07
    case flush = 0x08
    case getQuiet = 0x09
    case noop = 0x0a
    case version = 0x0b
    case getWithKey = 0x0c
    case getWithKeyQuiet = 0x0d
    case append = 0x0e
    case prepend = 0x0f
    case stat = 0x10
    case setQuiet = 0x11
    case addQuiet = 0x12
    case replaceQuiet = 0x13
    case deleteQuiet = 0x14
    case incrementQuiet = 0x15
    case decrementQuiet = 0x16
    case quitQuiet = 0x17
    case flushQuiet = 0x18
    case appendQuiet = 0x19
    case prependQuiet = 0x1a
    case touch = 0x1c
    case getAndTouch = 0x1d
    case getAndTouchQuiet = 0x1e
    case saslListMechanisms = 0x20
    case saslAuthenticate = 0x21
    case saslStep = 0x22
    case getAndTouchWithKey = 0x23
    case getAndTouchWithKeyQuiet = 0x24
}
