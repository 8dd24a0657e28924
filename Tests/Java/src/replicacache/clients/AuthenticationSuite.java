package replicacache.clients;

import java.util.concurrent.TimeUnit;
import net.spy.memcached.MemcachedClient;

/**
 * With authentication on: right credentials work, wrong or missing ones are refused, read
 * nothing and change nothing. How each refusal looked is printed beside its check.
 */
final class AuthenticationSuite implements Suite {
    /** A refused client waits out its timeout on some paths, so it gets a short one. */
    private static final long REFUSED_TIMEOUT_MILLIS = 400;

    @Override
    public String name() {
        return "auth";
    }

    @Override
    public void run(ClientOptions options, CheckLog log) throws Exception {
        if (options.authentication() == ClientOptions.Authentication.NONE) {
            log.fail("auth suite", "needs --auth sasl or --auth text");
            return;
        }
        withTrustedClient(options, log, trusted -> {
            log.expect("authenticated set", true, trusted.set("secret", 0, "classified")
                    .get(options.operationTimeoutMillis(), TimeUnit.MILLISECONDS));
            log.expect("authenticated get", "classified", trusted.get("secret"));
        });
        expectRefused("wrong password", options.withCredentials(options.user(), options.password() + "-wrong"), log);
        expectRefused("unknown user", options.withCredentials("nobody-" + options.user(), options.password()), log);
        expectRefused("no credentials", options.anonymous(), log);
        withTrustedClient(options, log, trusted ->
                log.expect("refused clients changed nothing", "classified", trusted.get("secret")));
    }

    private interface ClientUse {
        void accept(MemcachedClient client) throws Exception;
    }

    private static void withTrustedClient(ClientOptions options, CheckLog log, ClientUse use) throws Exception {
        MemcachedClient trusted = ClientFactory.connect(options);
        try {
            if (options.authentication() == ClientOptions.Authentication.TEXT) {
                log.expect("right credentials accepted", true, ClientFactory.authenticateOverText(trusted, options));
            }
            use.accept(trusted);
        } finally {
            ClientFactory.close(trusted);
        }
    }

    private static void expectRefused(String who, ClientOptions credentials, CheckLog log) throws Exception {
        ClientOptions attempt = credentials.withTimeout(REFUSED_TIMEOUT_MILLIS);
        MemcachedClient client = ClientFactory.connect(attempt);
        try {
            if (attempt.authentication() == ClientOptions.Authentication.TEXT) {
                log.expect(who + ": text authentication refused", "refused",
                        Outcome.of(() -> ClientFactory.authenticateOverText(client, attempt)));
            }
            log.expect(who + ": get refused", "refused", Outcome.of(() -> client.get("secret")));
            log.expect(who + ": set refused", "refused", Outcome.of(() -> client.set("secret", 0, "overwritten")
                    .get(attempt.operationTimeoutMillis(), TimeUnit.MILLISECONDS)));
        } finally {
            ClientFactory.close(client);
        }
    }
}
