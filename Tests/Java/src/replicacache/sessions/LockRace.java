package replicacache.sessions;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Two Tomcats update one session at the same time, each under MSM's `lock:`: a read-modify-write
 * of a counter in the session. Without a working lock some increments would be lost.
 */
final class LockRace {
    private LockRace() {}

    static String run(SessionFarm farm, DriverOptions options, int incrementsEach) throws Exception {
        SessionRecord session = farm.active().get(0);
        String node = session.node;
        String key = "counter:" + session.id;
        try (Tomcat setup = new Tomcat(options)) {
            if (!setup.set(node, key, Tomcat.SESSION_EXPIRY, counter(0))) {
                return "setup_failed=1";
            }
        }
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Thread[] threads = new Thread[2];
        Tomcat[] tomcats = {new Tomcat(options), new Tomcat(options)};
        for (int index = 0; index < threads.length; index++) {
            Tomcat tomcat = tomcats[index];
            threads[index] = new Thread(() -> {
                for (int count = 0; count < incrementsEach; count++) {
                    if (increment(tomcat, node, key, "lock:" + session.id)) {
                        acknowledged.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                }
            });
            threads[index].start();
        }
        for (Thread thread : threads) {
            thread.join(60_000);
        }
        long last;
        try {
            last = Long.parseLong(new String(tomcats[0].get(node, key), StandardCharsets.US_ASCII));
        } finally {
            for (Tomcat tomcat : tomcats) {
                tomcat.close();
            }
        }
        return "acknowledged=" + acknowledged.get() + " failed=" + failed.get() + " counter=" + last;
    }

    private static boolean increment(Tomcat tomcat, String node, String key, String lock) {
        try {
            while (!tomcat.add(node, lock, Tomcat.SHORT_EXPIRY, counter(0))) {
                Thread.onSpinWait();
            }
            try {
                long value = Long.parseLong(new String(tomcat.get(node, key), StandardCharsets.US_ASCII));
                return tomcat.set(node, key, Tomcat.SESSION_EXPIRY, counter(value + 1));
            } finally {
                tomcat.delete(node, lock);
            }
        } catch (Exception failed) {
            return false;
        }
    }

    private static byte[] counter(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }
}
