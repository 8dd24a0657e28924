package replicacache.sessions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * The sessions of a Tomcat farm and what memcached-session-manager does with them in
 * non-sticky mode, with the test's record of every acknowledged version.
 */
final class SessionFarm {
    private static final int LOCK_ATTEMPTS = 200;
    private static final byte[] LOCK_VALUE = "locked".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PROBE_VALUE = {'1'};

    private final DriverOptions options;
    private final Random random;
    private final List<SessionRecord> sessions = new ArrayList<>();

    SessionFarm(DriverOptions options) {
        this.options = options;
        this.random = new Random(options.seed());
    }

    List<SessionRecord> sessions() {
        return sessions;
    }

    List<SessionRecord> active() {
        return sessions.stream().filter(session -> !session.idle).toList();
    }

    /** `count` new sessions, alternately on each node, half of each node's left idle by the load; 200 B to 16 KB. */
    String create(Tomcat tomcat, int count) {
        List<String> nodes = List.copyOf(options.nodes().keySet());
        long failed = 0;
        for (int index = 0; index < count; index++) {
            byte[] sid = new byte[16];
            random.nextBytes(sid);
            String node = nodes.get(sessions.size() % nodes.size());
            SessionRecord session = new SessionRecord(
                    HexFormat.of().withUpperCase().formatHex(sid) + "-" + node, node,
                    200 + random.nextInt(16 * 1024 - 200 + 1), sessions.size() / nodes.size() % 2 == 0);
            sessions.add(session);
            if (store(tomcat, session, 1) != RequestOutcome.ACKNOWLEDGED) {
                failed++;
            }
        }
        return "created=" + count + " failed=" + failed;
    }

    /**
     * One request that changes its session, as MSM makes it in non-sticky mode: take `lock:`,
     * read validity and session from the session's node, store the new session and validity,
     * release the lock, then write the `bak:` copies to the other node.
     */
    RequestOutcome request(Tomcat tomcat, SessionRecord session) {
        String node = session.node;
        String lock = "lock:" + session.id;
        try {
            if (!lock(tomcat, node, lock)) {
                return RequestOutcome.LOCK_TIMEOUT;
            }
            try {
                long acknowledged = session.acknowledged.get();
                tomcat.get(node, "validity:" + session.id);
                byte[] stored = tomcat.get(node, session.id);
                long version = stored == null ? -1 : session.versionOf(stored);
                if (version < acknowledged) {
                    return RequestOutcome.STALE_READ;
                }
                return store(tomcat, session, Math.max(version, session.attempted.get()) + 1);
            } finally {
                tomcat.delete(node, lock);
            }
        } catch (Exception failed) {
            return RequestOutcome.FAILED;
        }
    }

    /** An unchanged session's request: MSM's `add` probes, whose NOT_STORED means "still there". */
    boolean probe(Tomcat tomcat, SessionRecord session) throws Exception {
        return !tomcat.add(session.node, session.id, Tomcat.SHORT_EXPIRY, PROBE_VALUE)
                && !tomcat.add(options.otherNode(session.node), "bak:" + session.id, Tomcat.SHORT_EXPIRY, PROBE_VALUE);
    }

    private boolean lock(Tomcat tomcat, String node, String lock) throws Exception {
        for (int attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
            if (tomcat.add(node, lock, Tomcat.SHORT_EXPIRY, LOCK_VALUE)) {
                return true;
            }
            Tomcat.pause(1 + attempt % 5);
        }
        return false;
    }

    /** Writes `version` of the session the way MSM writes a changed session; acknowledged once its node said so. */
    RequestOutcome store(Tomcat tomcat, SessionRecord session, long version) {
        session.attempted.accumulateAndGet(version, Math::max);
        byte[] validity = ("validity#" + version).getBytes(StandardCharsets.US_ASCII);
        String other = options.otherNode(session.node);
        try {
            if (!tomcat.set(session.node, session.id, Tomcat.SESSION_EXPIRY, session.value(version))) {
                return RequestOutcome.FAILED;
            }
            session.acknowledged.accumulateAndGet(version, Math::max);
            tomcat.set(session.node, "validity:" + session.id, Tomcat.VALIDITY_EXPIRY, validity);
            // MSM writes the backups after the response; a failure there does not fail the request.
            tomcat.set(other, "bak:" + session.id, Tomcat.SESSION_EXPIRY, session.value(version));
            tomcat.set(other, "bak:validity:" + session.id, Tomcat.VALIDITY_EXPIRY, validity);
        } catch (Exception failed) {
            return session.acknowledged.get() >= version ? RequestOutcome.ACKNOWLEDGED : RequestOutcome.FAILED;
        }
        return RequestOutcome.ACKNOWLEDGED;
    }

    /**
     * Reads every session from `node` (null: each from its own node) and sorts what it finds:
     * the newest acknowledged version (or a newer one whose reply was lost), an older one, or none;
     * idle and active sessions apart. A failed read counts as missing.
     */
    String verify(Tomcat tomcat, String node) {
        long[] idle = new long[3];
        long[] active = new long[3];
        for (SessionRecord session : sessions) {
            long[] counts = session.idle ? idle : active;
            byte[] stored;
            try {
                stored = tomcat.get(node == null ? session.node : node, session.id);
            } catch (RuntimeException failed) {
                stored = null;
            }
            long version = stored == null ? -1 : session.versionOf(stored);
            if (version < 0) {
                counts[2]++;
            } else if (version >= session.acknowledged.get() && version <= session.attempted.get()) {
                counts[0]++;
            } else {
                counts[1]++;
            }
        }
        return "idle_current=" + idle[0] + " idle_stale=" + idle[1] + " idle_missing=" + idle[2]
                + " active_current=" + active[0] + " active_stale=" + active[1] + " active_missing=" + active[2];
    }

    SessionRecord pick(List<SessionRecord> from, Random source) {
        return from.get(source.nextInt(from.size()));
    }
}
