import Glibc

/// Writes a line to standard error without touching C's shared `stderr` stream.
enum StandardError {
    static func print(_ message: String) {
        var line = message + "\n"
        line.withUTF8 { bytes in
            _ = write(2, bytes.baseAddress, bytes.count)
        }
    }
}
