/// The authentication file could not be read.
struct PasswordFileError: Error, CustomStringConvertible {
    let path: String

    var description: String { "cannot read authentication file \(path)" }
}
