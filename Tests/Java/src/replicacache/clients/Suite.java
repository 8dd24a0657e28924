package replicacache.clients;

/** A named group of checks run against one server. */
interface Suite {
    String name();

    void run(ClientOptions options, CheckLog log) throws Exception;
}
