package replicacache.sessions;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.CachedData;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import replicacache.clients.RawTranscoder;

/**
 * One Tomcat as memcached-session-manager makes it talk to the cache: one spymemcached client
 * per node, in cancel failure mode, flags 0, relative expiry, no noreply, no multi-get.
 * Every call waits for its reply; any exception (a cancelled request, a timeout) is a failed
 * request, as MSM treats it.
 */
final class Tomcat implements AutoCloseable {
    static final int SESSION_EXPIRY = 3600;
    static final int VALIDITY_EXPIRY = 1800;
    /** MSM's "still there" probe and its lock both use `add` with a 5 s expiry. */
    static final int SHORT_EXPIRY = 5;
    private static final int MAX_VALUE = 1024 * 1024;

    private final DriverOptions options;
    private final RawTranscoder transcoder = new RawTranscoder(MAX_VALUE);
    private final Map<String, MemcachedClient> clients = new LinkedHashMap<>();

    Tomcat(DriverOptions options) throws IOException {
        this.options = options;
        for (Map.Entry<String, String> node : options.nodes().entrySet()) {
            ConnectionFactoryBuilder builder = new ConnectionFactoryBuilder()
                    .setProtocol(options.binary()
                            ? ConnectionFactoryBuilder.Protocol.BINARY
                            : ConnectionFactoryBuilder.Protocol.TEXT)
                    .setOpTimeout(options.operationTimeoutMillis())
                    .setFailureMode(FailureMode.Cancel)
                    .setDaemon(true);
            clients.put(node.getKey(), new MemcachedClient(builder.build(), AddrUtil.getAddresses(node.getValue())));
        }
        awaitConnections();
    }

    /** spymemcached cancels what is sent before a connection is up: wait for it, bounded. */
    private void awaitConnections() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.operationTimeoutMillis());
        for (MemcachedClient client : clients.values()) {
            while (client.getAvailableServers().isEmpty() && System.nanoTime() < deadline) {
                pause(2);
            }
        }
    }

    byte[] get(String node, String key) {
        CachedData data = clients.get(node).get(key, transcoder);
        return data == null ? null : data.getData();
    }

    boolean set(String node, String key, int expiry, byte[] value) throws Exception {
        return clients.get(node).set(key, expiry, new CachedData(0, value, MAX_VALUE), transcoder)
                .get(options.operationTimeoutMillis(), TimeUnit.MILLISECONDS);
    }

    boolean add(String node, String key, int expiry, byte[] value) throws Exception {
        return clients.get(node).add(key, expiry, new CachedData(0, value, MAX_VALUE), transcoder)
                .get(options.operationTimeoutMillis(), TimeUnit.MILLISECONDS);
    }

    boolean delete(String node, String key) throws Exception {
        return clients.get(node).delete(key).get(options.operationTimeoutMillis(), TimeUnit.MILLISECONDS);
    }

    /** MSM's node check: `get ping-<node>`, always a miss; the node is up when the miss comes back. */
    boolean ping(String node) {
        try {
            return get(node, "ping-" + node) == null;
        } catch (RuntimeException failed) {
            return false;
        }
    }

    @Override
    public void close() {
        for (MemcachedClient client : clients.values()) {
            client.shutdown(300, TimeUnit.MILLISECONDS);
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
