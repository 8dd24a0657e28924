import ArgumentParser
import Glibc
import Logging

/// Process start-up: parse the command line, bind, detach if asked, and run the server.
enum ReplicaCacheMain {
    static func run(arguments: [String]) -> Int32 {
        let options: Options
        do {
            options = try Options.parse(arguments)
        } catch {
            if Options.exitCode(for: error) == .success {
                print(Options.fullMessage(for: error))
                return 0
            }
            StandardError.print("replicacache: \(Options.fullMessage(for: error))")
            return 2
        }
        if options.printVersion {
            print("replicacache \(ServerState.version)")
            return 0
        }
        do {
            return try start(try options.settings(), options: options)
        } catch {
            StandardError.print("replicacache: \(error)")
            return 1
        }
    }

    private static func start(_ settings: Settings, options: Options) throws -> Int32 {
        // No -v: warnings and the replication link's events; -v everything informational; -vv
        // connection opens and closes; -vvv everything.
        let level: Logger.Level =
            switch settings.verbosity {
            case 0: .notice
            case 1: .info
            case 2: .debug
            default: .trace
            }
        let destination = try LogDestination(path: options.logFile)
        LoggingSystem.bootstrap { _ in KeyValueLogHandler(destination: destination, logLevel: level) }
        let logger = Logger(label: "replicacache")
        if options.enableCoreDumps { try ProcessLimits.enableCoreDumps() }
        if options.lockMemory { ProcessLimits.lockMemory() }
        signal(SIGPIPE, SIG_IGN)
        raiseDescriptorLimit(to: settings.maxConnections + 5 * settings.threadCount + 64, logger: logger)
        let server = try Server(settings: settings, logger: logger, logDestination: destination)
        try server.bind()
        if options.daemonize, daemon(1, 0) != 0 {
            throw ServerError.configuration("failed to daemonize: \(String(cString: strerror(errno)))")
        }
        if let path = options.pidFile {
            try writePID(to: path)
        }
        if let user = options.user {
            try switchUser(to: user)
        }
        let status = try server.run()
        // memcached removes its pid file when it stops (it may no longer be allowed to after -u).
        if let path = options.pidFile { unlink(path) }
        return status
    }

    /// `-c` promises that many clients, so the process needs that many descriptors.
    private static func raiseDescriptorLimit(to wanted: Int, logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(wanted) else { return }
        limit.rlim_cur = min(rlim_t(wanted), limit.rlim_max)
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) != 0 || limit.rlim_cur < rlim_t(wanted) {
            logger.warning("cannot raise the descriptor limit", metadata: ["wanted": "\(wanted)"])
        }
    }

    private static func writePID(to path: String) throws {
        guard let file = fopen(path, "w") else {
            throw ServerError.configuration("cannot write pid file \(path): \(String(cString: strerror(errno)))")
        }
        fputs("\(getpid())\n", file)
        fclose(file)
    }

    /// As memcached: `-u` takes effect only for a process started as root.
    private static func switchUser(to name: String) throws {
        guard getuid() == 0 || geteuid() == 0 else { return }
        guard let entry = getpwnam(name) else {
            throw ServerError.configuration("can't find the user \(name) to switch to")
        }
        guard setgid(entry.pointee.pw_gid) == 0, setuid(entry.pointee.pw_uid) == 0 else {
            throw ServerError.configuration("failed to assume identity of user \(name)")
        }
    }
}
