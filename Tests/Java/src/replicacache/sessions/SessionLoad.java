package replicacache.sessions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/** Tomcats serving requests on the active sessions, non-sticky, until stopped. */
final class SessionLoad {
    private final SessionFarm farm;
    private final List<Tomcat> tomcats = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Tally tally = new Tally();

    SessionLoad(SessionFarm farm, DriverOptions options, int tomcatCount) throws IOException {
        this.farm = farm;
        for (int index = 0; index < tomcatCount; index++) {
            Tomcat tomcat = new Tomcat(options);
            tomcats.add(tomcat);
            Random random = new Random(options.seed() * 1000 + index);
            Thread thread = new Thread(() -> serve(tomcat, random), "tomcat-" + index);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    private void serve(Tomcat tomcat, Random random) {
        List<SessionRecord> active = farm.active();
        while (running.get()) {
            RequestOutcome outcome = farm.request(tomcat, farm.pick(active, random));
            tally.add(outcome);
            if (outcome != RequestOutcome.ACKNOWLEDGED) {
                // A node that is down fails at once in cancel mode; do not spin on it.
                Tomcat.pause(5);
            }
        }
    }

    /** How the requests so far ended. */
    String progress() {
        return tally.line();
    }

    /** Stops every Tomcat after its request in progress; returns how the requests ended. */
    String stop() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        tomcats.forEach(Tomcat::close);
        return tally.line();
    }
}
