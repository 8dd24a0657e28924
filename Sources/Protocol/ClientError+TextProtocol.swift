extension ClientError {
    /// touch, gat/gats and flush_all with an exptime that is not a number.
    public static let invalidExptime = ClientError.message("CLIENT_ERROR invalid exptime argument")
    /// incr/decr with a delta that is not an unsigned 64-bit number.
    public static let invalidDelta = ClientError.message("CLIENT_ERROR invalid numeric delta argument")
    /// delete with extra tokens other than the legacy `0` and `noreply` (two spaces, as memcached writes it).
    public static let deleteUsage = ClientError.message(
        "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]")
    /// shutdown on a server started without `-A`.
    public static let shutdownNotEnabled = ClientError.message("ERROR: shutdown not enabled")
    /// shutdown with an argument other than `graceful`.
    public static let invalidShutdownMode = ClientError.message("CLIENT_ERROR invalid shutdown mode")
    /// `stats detail` without on, off or dump.
    public static let statsDetailUsage = ClientError.message("CLIENT_ERROR usage: stats detail on|off|dump")
}
