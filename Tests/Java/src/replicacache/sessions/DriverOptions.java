package replicacache.sessions;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command line: the cache nodes as memcached-session-manager's `memcachedNodes` names them
 * (`n1:127.0.0.1:11211,n2:127.0.0.1:11212`), the protocol, the operation timeout and a seed.
 */
record DriverOptions(Map<String, String> nodes, boolean binary, long operationTimeoutMillis, long seed) {

    static final String USAGE =
            "usage: SessionDriverMain --nodes n1:HOST:PORT,n2:HOST:PORT [--protocol text|binary]\n"
            + "       [--timeout-ms MILLIS] [--seed N]   (commands on standard input, one result line each)";

    static DriverOptions parse(String[] arguments) {
        Map<String, String> nodes = new LinkedHashMap<>();
        boolean binary = false;
        long timeout = 1000;
        long seed = 1;
        for (int index = 0; index < arguments.length; index += 2) {
            String flag = arguments[index];
            if (index + 1 >= arguments.length) {
                throw new IllegalArgumentException("missing value after " + flag);
            }
            String value = arguments[index + 1];
            switch (flag) {
                case "--nodes" -> {
                    for (String node : value.split(",")) {
                        int colon = node.indexOf(':');
                        if (colon <= 0) {
                            throw new IllegalArgumentException("a node is ID:HOST:PORT, got " + node);
                        }
                        nodes.put(node.substring(0, colon), node.substring(colon + 1));
                    }
                }
                case "--protocol" -> binary = switch (value) {
                    case "text" -> false;
                    case "binary" -> true;
                    default -> throw new IllegalArgumentException("--protocol is text or binary");
                };
                case "--timeout-ms" -> timeout = Long.parseLong(value);
                case "--seed" -> seed = Long.parseLong(value);
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (nodes.size() != 2) {
            throw new IllegalArgumentException("--nodes names exactly two nodes");
        }
        return new DriverOptions(Map.copyOf(nodes), binary, timeout, seed);
    }

    /** The node that is not `node`: where memcached-session-manager keeps a session's `bak:` copies. */
    String otherNode(String node) {
        return nodes.keySet().stream().filter(id -> !id.equals(node)).findFirst().orElseThrow();
    }
}
