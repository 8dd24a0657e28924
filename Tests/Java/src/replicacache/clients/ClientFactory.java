package replicacache.clients;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.auth.PlainCallbackHandler;

/** Builds spymemcached clients the way memcached-session-manager configures them. */
final class ClientFactory {
    private ClientFactory() {}

    static MemcachedClient connect(ClientOptions options) throws IOException {
        ConnectionFactoryBuilder builder = new ConnectionFactoryBuilder()
                .setProtocol(options.protocol() == ClientOptions.Protocol.BINARY
                        ? ConnectionFactoryBuilder.Protocol.BINARY
                        : ConnectionFactoryBuilder.Protocol.TEXT)
                .setOpTimeout(options.operationTimeoutMillis())
                .setAuthWaitTime(options.operationTimeoutMillis())
                .setFailureMode(FailureMode.Cancel)
                .setDaemon(true);
        if (options.authentication() == ClientOptions.Authentication.SASL) {
            // PLAIN only, as memcached-session-manager asks for it.
            builder.setAuthDescriptor(new AuthDescriptor(new String[] {"PLAIN"},
                    new PlainCallbackHandler(options.user(), options.password())));
        }
        MemcachedClient client = new MemcachedClient(builder.build(), AddrUtil.getAddresses(options.server()));
        awaitConnection(client, options.operationTimeoutMillis());
        return client;
    }

    /** In cancel mode, spymemcached cancels what is sent before the connection is up. */
    private static void awaitConnection(MemcachedClient client, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (client.getAvailableServers().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * memcached's text-protocol authentication (`-Y`): the connection's first `set` carries
     * "user password" as its value and answers STORED once accepted. spymemcached knows nothing
     * of it, so it only lasts as long as the connection.
     */
    static boolean authenticateOverText(MemcachedClient client, ClientOptions options) throws Exception {
        return client.set("auth", 0, options.user() + " " + options.password())
                .get(options.operationTimeoutMillis(), TimeUnit.MILLISECONDS);
    }

    static void close(MemcachedClient client) {
        client.shutdown(300, TimeUnit.MILLISECONDS);
    }
}
