package replicacache.clients;

import java.util.ArrayList;
import java.util.List;

/** The command line: which server, which protocol, which credentials, which suites. */
record ClientOptions(
        String server,
        Protocol protocol,
        Authentication authentication,
        String user,
        String password,
        long operationTimeoutMillis,
        List<String> suites) {

    enum Protocol { TEXT, BINARY }

    /** SASL PLAIN over the binary protocol, or memcached's text-protocol authentication (`-Y`). */
    enum Authentication { NONE, SASL, TEXT }

    static final String USAGE =
            "usage: ClientTestMain --server HOST:PORT [--protocol text|binary]\n"
            + "       [--auth none|sasl|text --user USER --password PASSWORD]\n"
            + "       [--timeout-ms MILLIS] [--suite NAME]...   (suites: " + Suites.names() + ")";

    static ClientOptions parse(String[] arguments) {
        String server = null;
        Protocol protocol = Protocol.TEXT;
        Authentication authentication = Authentication.NONE;
        String user = null;
        String password = null;
        long timeout = 2000;
        List<String> suites = new ArrayList<>();
        for (int index = 0; index < arguments.length; index++) {
            String flag = arguments[index];
            if (index + 1 >= arguments.length) {
                throw new IllegalArgumentException("missing value after " + flag);
            }
            String value = arguments[++index];
            switch (flag) {
                case "--server" -> server = value;
                case "--protocol" -> protocol = Protocol.valueOf(value.toUpperCase());
                case "--auth" -> authentication = Authentication.valueOf(value.toUpperCase());
                case "--user" -> user = value;
                case "--password" -> password = value;
                case "--timeout-ms" -> timeout = Long.parseLong(value);
                case "--suite" -> suites.add(value);
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (server == null) {
            throw new IllegalArgumentException("--server is required");
        }
        if (authentication != Authentication.NONE && (user == null || password == null)) {
            throw new IllegalArgumentException("--auth needs --user and --password");
        }
        if (authentication == Authentication.SASL && protocol != Protocol.BINARY) {
            throw new IllegalArgumentException("spymemcached speaks SASL only over the binary protocol");
        }
        if (authentication == Authentication.TEXT && protocol != Protocol.TEXT) {
            throw new IllegalArgumentException("text-protocol authentication needs --protocol text");
        }
        if (suites.isEmpty()) {
            suites.add("commands");
            if (authentication != Authentication.NONE) {
                suites.add("auth");
            }
        }
        return new ClientOptions(server, protocol, authentication, user, password, timeout, List.copyOf(suites));
    }

    /** The same options with other credentials (for clients that must be refused). */
    ClientOptions withCredentials(String otherUser, String otherPassword) {
        return new ClientOptions(server, protocol, authentication, otherUser, otherPassword,
                operationTimeoutMillis, suites);
    }

    /** The same options with another operation timeout. */
    ClientOptions withTimeout(long millis) {
        return new ClientOptions(server, protocol, authentication, user, password, millis, suites);
    }

    /** The same options without any authentication. */
    ClientOptions anonymous() {
        return new ClientOptions(server, protocol, Authentication.NONE, null, null, operationTimeoutMillis, suites);
    }
}
