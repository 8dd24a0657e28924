package replicacache.sessions;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the test knows of one HTTP session: its id (`<sid>-<node>`, the suffix naming its node),
 * its serialized size, whether the load leaves it idle, the newest version a cache acknowledged
 * and the newest version ever sent (a write whose reply was lost may or may not have landed).
 */
final class SessionRecord {
    final String id;
    final String node;
    final int size;
    final boolean idle;
    final AtomicLong acknowledged = new AtomicLong();
    final AtomicLong attempted = new AtomicLong();

    SessionRecord(String id, String node, int size, boolean idle) {
        this.id = id;
        this.node = node;
        this.size = size;
        this.idle = idle;
    }

    /** The serialized session at `version`: the id and version first, so any copy names its version. */
    byte[] value(long version) {
        byte[] head = (id + "#" + version + "#").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] value = new byte[Math.max(size, head.length)];
        System.arraycopy(head, 0, value, 0, head.length);
        for (int index = head.length; index < value.length; index++) {
            value[index] = (byte) ('a' + (index * 31 + version * 7 + id.hashCode()) % 26);
        }
        return value;
    }

    /** The version a stored copy holds, or -1 when it is not a copy of this session. */
    long versionOf(byte[] stored) {
        String text = new String(stored, 0, Math.min(stored.length, id.length() + 24),
                java.nio.charset.StandardCharsets.US_ASCII);
        String[] parts = text.split("#", 3);
        if (parts.length < 3 || !parts[0].equals(id)) {
            return -1;
        }
        long version = Long.parseLong(parts[1]);
        return java.util.Arrays.equals(stored, value(version)) ? version : -1;
    }
}
