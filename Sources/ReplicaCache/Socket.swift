import CEventShim
import Glibc
import Protocol

/// Thin wrappers over the socket calls the listener and connections make.
enum Socket {
    /// A non-blocking, close-on-exec listening socket bound to `host:port`.
    static func listen(host: String, port: UInt16, backlog: Int32) throws(ServerError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var result: UnsafeMutablePointer<addrinfo>?
        let node: String? = (host.isEmpty || host == "*") ? nil : host
        let status = getaddrinfo(node, String(port), &hints, &result)
        guard status == 0, let first = result else {
            throw .cannotListen("cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(result) }
        var lastError = "no address"
        var info: UnsafeMutablePointer<addrinfo>? = first
        while let candidate = info {
            info = candidate.pointee.ai_next
            let fd = socket(
                candidate.pointee.ai_family, candidate.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { continue }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            if bind(fd, candidate.pointee.ai_addr, candidate.pointee.ai_addrlen) == 0, Glibc.listen(fd, backlog) == 0 {
                makeNonBlocking(fd)
                return fd
            }
            lastError = String(cString: strerror(errno))
            close(fd)
        }
        throw .cannotListen("failed to listen on \(host):\(port): \(lastError)")
    }

    /// A non-blocking socket with a connect to `host:port` under way (or done).
    static func connect(host: String, port: UInt16) throws(ServerError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let first = result else {
            throw .cannotListen("cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(result) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .cannotListen("socket failed: \(String(cString: strerror(errno)))") }
        makeNonBlocking(fd)
        if Glibc.connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0, errno != EINPROGRESS {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .cannotListen("connect to \(host):\(port) failed: \(reason)")
        }
        return fd
    }

    /// Writes the front of `buffer` to a non-blocking socket until it is empty or the socket is
    /// full, and drops what went. Returns the bytes written, or nil when the connection failed.
    static func drain(_ buffer: ByteBuffer, to fd: Int32) -> Int? {
        var written = 0
        defer { buffer.removeFirst(written) }
        while written < buffer.count {
            let n = write(fd, buffer.base + written, buffer.count - written)
            if n > 0 {
                written += n
            } else if n < 0, errno == EINTR {
                continue
            } else if n < 0, errno == EAGAIN {
                break
            } else {
                return nil
            }
        }
        return written
    }

    static func makeNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    static func disableNagle(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// The bound port of a listening socket (for `-p 0`).
    static func localPort(_ fd: Int32) -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = replicacache_getsockname(fd, &storage, &length)
        guard result == 0 else { return 0 }
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
        }
    }

    /// "tcp:ADDR:PORT" of the peer, as `stats conns` prints it.
    static func peerDescription(_ fd: Int32) -> String {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = replicacache_getpeername(fd, &storage, &length)
        guard result == 0 else { return "tcp:unknown" }
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var service = [CChar](repeating: 0, count: Int(NI_MAXSERV))
        let flags = NI_NUMERICHOST | NI_NUMERICSERV
        let status = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo($0, length, &host, socklen_t(host.count), &service, socklen_t(service.count), flags)
            }
        }
        guard status == 0 else { return "tcp:unknown" }
        let hostText = host.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let serviceText = service.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return "tcp:\(hostText):\(serviceText)"
    }
}
