package replicacache.sessions;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Drives a pair of cache nodes as a Tomcat farm with memcached-session-manager does, one command
 * per line on standard input and one result line each on standard output (`ok key=value ...` or
 * `error message`), so that a test can kill and restart nodes between commands.
 *
 * <pre>
 * create N          N new sessions (session, validity and bak: copies), half of them idle
 * load start T      T Tomcats update random active sessions until `load stop`
 * load progress     how the load's requests ended so far
 * load stop         stop the load; how its requests ended
 * alternate K       K requests alternating between two Tomcats; each update is read back at once
 *                   by the other Tomcat from the session's node and from the other node
 * lock-race K       two Tomcats each make K locked updates of one session: none may be lost
 * probe             MSM's add probes on every idle session: all must answer "still there"
 * verify [NODE]     read every session from its node (or from NODE) and sort the answers
 *
 * probe and verify use a Tomcat started for them, as a restarted or failed-over Tomcat would
 * (spymemcached reconnects a lost connection only after a delay).
 * ping NODE         MSM's node check
 * quit
 * </pre>
 */
public final class SessionDriverMain {
    private SessionDriverMain() {}

    public static void main(String[] arguments) throws Exception {
        DriverOptions options;
        try {
            options = DriverOptions.parse(arguments);
        } catch (IllegalArgumentException error) {
            System.err.println(error.getMessage());
            System.err.println(DriverOptions.USAGE);
            System.exit(2);
            return;
        }
        SessionFarm farm = new SessionFarm(options);
        BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        SessionLoad load = null;
        try (Tomcat tomcat = new Tomcat(options)) {
            System.out.println("ready");
            System.out.flush();
            for (String line = input.readLine(); line != null; line = input.readLine()) {
                String[] words = line.trim().split(" +");
                String reply;
                try {
                    switch (words[0]) {
                        case "create" -> reply = farm.create(tomcat, Integer.parseInt(words[1]));
                        case "load" -> {
                            switch (words[1]) {
                                case "start" -> {
                                    load = new SessionLoad(farm, options, Integer.parseInt(words[2]));
                                    reply = "tomcats=" + words[2];
                                }
                                case "progress" -> reply = load.progress();
                                case "stop" -> {
                                    reply = load.stop();
                                    load = null;
                                }
                                default -> throw new IllegalArgumentException("load start|progress|stop");
                            }
                        }
                        case "alternate" -> reply = alternate(farm, options, Integer.parseInt(words[1]));
                        case "lock-race" -> reply = LockRace.run(farm, options, Integer.parseInt(words[1]));
                        case "probe" -> {
                            try (Tomcat fresh = new Tomcat(options)) {
                                reply = probe(farm, fresh);
                            }
                        }
                        case "verify" -> {
                            try (Tomcat fresh = new Tomcat(options)) {
                                reply = farm.verify(fresh, words.length > 1 ? words[1] : null);
                            }
                        }
                        case "ping" -> reply = "up=" + tomcat.ping(words[1]);
                        case "quit" -> {
                            System.out.println("ok bye");
                            System.out.flush();
                            Runtime.getRuntime().halt(0);
                            return;
                        }
                        default -> throw new IllegalArgumentException("unknown command " + words[0]);
                    }
                    System.out.println("ok " + reply);
                } catch (Exception error) {
                    System.out.println("error " + error);
                }
                System.out.flush();
            }
        }
        Runtime.getRuntime().halt(0);
    }

    /**
     * Non-sticky requests land on any Tomcat: each update is made by one Tomcat and read back at
     * once by the other, from the session's node and from the other node of the pair.
     */
    private static String alternate(SessionFarm farm, DriverOptions options, int count) throws Exception {
        try (Tomcat first = new Tomcat(options); Tomcat second = new Tomcat(options)) {
            Random random = new Random(options.seed() + 7);
            List<SessionRecord> active = farm.active();
            Tally tally = new Tally();
            long homeMismatches = 0;
            long otherMismatches = 0;
            for (int index = 0; index < count; index++) {
                Tomcat writer = index % 2 == 0 ? first : second;
                Tomcat reader = index % 2 == 0 ? second : first;
                SessionRecord session = farm.pick(active, random);
                RequestOutcome outcome = farm.request(writer, session);
                tally.add(outcome);
                long expected = session.acknowledged.get();
                if (!readsBack(reader, session.node, session, expected)) {
                    homeMismatches++;
                }
                if (!readsBack(reader, options.otherNode(session.node), session, expected)) {
                    otherMismatches++;
                }
            }
            return tally.line() + " home_mismatch=" + homeMismatches + " other_mismatch=" + otherMismatches;
        }
    }

    private static boolean readsBack(Tomcat reader, String node, SessionRecord session, long expected) {
        byte[] stored = reader.get(node, session.id);
        return stored != null && session.versionOf(stored) == expected;
    }

    private static String probe(SessionFarm farm, Tomcat tomcat) throws Exception {
        long stillThere = 0;
        long gone = 0;
        for (SessionRecord session : farm.sessions()) {
            if (session.idle) {
                if (farm.probe(tomcat, session)) {
                    stillThere++;
                } else {
                    gone++;
                }
            }
        }
        return "still_there=" + stillThere + " gone=" + gone;
    }
}
