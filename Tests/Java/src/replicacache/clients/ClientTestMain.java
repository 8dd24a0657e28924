package replicacache.clients;

/**
 * Runs spymemcached against one memcached-compatible server and prints one line per check and
 * a closing `N passed, M failed`. Exit status: 0 all passed, 1 a check failed, 2 bad usage.
 */
public final class ClientTestMain {
    private ClientTestMain() {}

    public static void main(String[] arguments) {
        ClientOptions options;
        try {
            options = ClientOptions.parse(arguments);
            options.suites().forEach(Suites::named);
        } catch (IllegalArgumentException error) {
            System.err.println(error.getMessage());
            System.err.println(ClientOptions.USAGE);
            System.exit(2);
            return;
        }
        CheckLog log = new CheckLog();
        for (String name : options.suites()) {
            Suite suite = Suites.named(name);
            log.enter(suite.name());
            log.run("suite " + suite.name() + " completes", () -> suite.run(options, log));
        }
        System.out.println(log.summary());
        System.out.flush();
        // spymemcached's I/O threads are daemons, but a refused client may still be reconnecting.
        Runtime.getRuntime().halt(log.failures() == 0 ? 0 : 1);
    }
}
