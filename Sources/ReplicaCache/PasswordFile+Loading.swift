import Protocol

extension PasswordFile {
    static func load(path: String) throws -> PasswordFile {
        guard let contents = ReplicationLink.readFile(path) else { throw PasswordFileError(path: path) }
        return PasswordFile(contents: contents)
    }
}
