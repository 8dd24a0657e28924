package replicacache.sessions;

import java.util.EnumMap;
import java.util.Map;
import java.util.StringJoiner;

/** Counts of request outcomes, shared by the load's threads. */
final class Tally {
    private final Map<RequestOutcome, Long> counts = new EnumMap<>(RequestOutcome.class);

    synchronized void add(RequestOutcome outcome) {
        counts.merge(outcome, 1L, Long::sum);
    }

    synchronized long count(RequestOutcome outcome) {
        return counts.getOrDefault(outcome, 0L);
    }

    /** `requests=N acknowledged=N failed=N lock_timeout=N stale_read=N`. */
    synchronized String line() {
        StringJoiner line = new StringJoiner(" ");
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        line.add("requests=" + total);
        for (RequestOutcome outcome : RequestOutcome.values()) {
            line.add(outcome.name().toLowerCase() + "=" + count(outcome));
        }
        return line.toString();
    }
}
