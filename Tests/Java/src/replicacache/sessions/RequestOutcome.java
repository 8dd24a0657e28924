package replicacache.sessions;

/** How one emulated HTTP request that changes its session ended, as the client saw it. */
enum RequestOutcome {
    /** The new session was stored and the cache said so. */
    ACKNOWLEDGED,
    /** A request to the cache failed (cancelled, timed out or refused): the client lost this one. */
    FAILED,
    /** The session's `lock:` stayed taken for the whole wait. */
    LOCK_TIMEOUT,
    /** The session read back was older than the newest acknowledged one, or missing: a lost update. */
    STALE_READ
}
