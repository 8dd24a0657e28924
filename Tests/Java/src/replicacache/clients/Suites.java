package replicacache.clients;

import java.util.List;

/** The suites a run can name with `--suite`. */
final class Suites {
    private static final List<Suite> ALL = List.of(new CommandSuite(), new AuthenticationSuite());

    private Suites() {}

    static Suite named(String name) {
        for (Suite suite : ALL) {
            if (suite.name().equals(name)) {
                return suite;
            }
        }
        throw new IllegalArgumentException("no suite named " + name + " (have " + names() + ")");
    }

    static String names() {
        return String.join(", ", ALL.stream().map(Suite::name).toList());
    }
}
