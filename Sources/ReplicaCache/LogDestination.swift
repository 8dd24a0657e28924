import Glibc
import Storage

/// Where log lines go: standard error, or `--log-file`, which SIGHUP reopens (after a rotation
/// renamed it) without losing a line: the new file is opened first and then takes over the same
/// descriptor.
final class LogDestination: @unchecked Sendable {
    private let path: String?
    private let descriptor: Locked<Int32>

    /// Standard error when `path` is nil.
    init(path: String?) throws(ServerError) {
        self.path = path
        guard let path else {
            descriptor = Locked(2)
            return
        }
        let fd = Self.open(path)
        guard fd >= 0 else {
            throw .configuration("cannot open --log-file \(path): \(String(cString: strerror(errno)))")
        }
        descriptor = Locked(fd)
    }

    /// One whole line per `write`, so lines from several threads never interleave.
    func write(_ line: String) {
        var line = line
        line.withUTF8 { bytes in
            descriptor.withLock { fd in _ = Glibc.write(fd, bytes.baseAddress, bytes.count) }
        }
    }

    /// SIGHUP: reopen `--log-file` by name. Returns false (and keeps writing to the old file) when it
    /// cannot be opened.
    @discardableResult
    func reopen() -> Bool {
        guard let path else { return true }
        let fresh = Self.open(path)
        guard fresh >= 0 else { return false }
        descriptor.withLock { fd in
            _ = dup2(fresh, fd)
        }
        close(fresh)
        return true
    }

    private static func open(_ path: String) -> Int32 {
        Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
    }
}
