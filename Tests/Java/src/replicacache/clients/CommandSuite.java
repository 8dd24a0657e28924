package replicacache.clients;

import java.io.Serializable;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.CachedData;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.transcoders.IntegerTranscoder;
import net.spy.memcached.transcoders.LongTranscoder;
import net.spy.memcached.transcoders.SerializingTranscoder;

/**
 * Every command spymemcached sends, with the answers Debian's memcached 1.6.18 gives through it
 * (text and binary protocol alike unless a check says otherwise).
 */
final class CommandSuite implements Suite {
    /** Long enough for any item with a 1 s expiry to be gone on memcached's 1 s clock. */
    private static final long EXPIRY_WAIT_MILLIS = 2600;
    private static final int MAX_VALUE = 1024 * 1024 * 2;

    private ClientOptions options;
    private MemcachedClient client;
    private CheckLog log;
    private long timeout;
    private final RawTranscoder raw = new RawTranscoder(MAX_VALUE);
    private final Random random = new Random(20261122);

    @Override
    public String name() {
        return "commands";
    }

    @Override
    public void run(ClientOptions runOptions, CheckLog checkLog) throws Exception {
        options = runOptions;
        log = checkLog;
        timeout = options.operationTimeoutMillis();
        client = ClientFactory.connect(options);
        try {
            if (options.authentication() == ClientOptions.Authentication.TEXT) {
                log.expect("text authentication answers STORED", true,
                        ClientFactory.authenticateOverText(client, options));
            }
            log.run("expiry setup", this::startExpiry);
            long expiryStart = System.nanoTime(); // after the last expiring write
            log.run("version", this::version);
            log.run("set and get", this::setAndGet);
            log.run("add and replace", this::addAndReplace);
            log.run("append and prepend", this::appendAndPrepend);
            log.run("delete", this::delete);
            log.run("incr and decr", this::incrementAndDecrement);
            log.run("incr and decr with defaults", this::incrementWithDefaults);
            log.run("gets and cas", this::getsAndCas);
            log.run("multi-get", this::multiGet);
            log.run("pipelined async writes", this::pipelinedWrites);
            log.run("flags through transcoders", this::flagsThroughTranscoders);
            log.run("large values", this::largeValues);
            log.run("stats", this::stats);
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - expiryStart);
            Thread.sleep(Math.max(0, EXPIRY_WAIT_MILLIS - waited));
            log.run("expiry", this::finishExpiry);
            log.run("flush", this::flush);
        } finally {
            ClientFactory.close(client);
        }
    }

    private void authenticateSpare(MemcachedClient spare) throws Exception {
        if (options.authentication() == ClientOptions.Authentication.TEXT) {
            log.expect("spare connection authenticated", true, ClientFactory.authenticateOverText(spare, options));
        }
    }

    private <T> T await(Future<T> future) throws Exception {
        return future.get(timeout, TimeUnit.MILLISECONDS);
    }

    private void version() {
        Map<SocketAddress, String> versions = client.getVersions();
        String version = versions.size() == 1 ? versions.values().iterator().next() : null;
        log.expectTrue("version of the one server", version != null && version.matches("\\d+\\.\\d+\\.\\d+.*"),
                "got " + versions);
    }

    private void setAndGet() throws Exception {
        log.expect("set answers true", true, await(client.set("plain", 0, "hello")));
        log.expect("get returns the value", "hello", client.get("plain"));
        log.expect("set overwrites", true, await(client.set("plain", 0, "world")));
        log.expect("get returns the new value", "world", client.get("plain"));
        log.expect("get of a missing key is null", null, client.get("never-set"));
        log.expect("asyncGet", "world", await(client.asyncGet("plain")));
        log.expect("empty value", true, await(client.set("empty", 0, "")));
        log.expect("get of the empty value", "", client.get("empty"));
        String longKey = "k".repeat(250);
        log.expect("set with a 250-byte key", true, await(client.set(longKey, 0, "long key")));
        log.expect("get with a 250-byte key", "long key", client.get(longKey));
        String unicode = "gr\u00fc\u00dfe \u65e5\u672c \u2603";
        log.expect("set of a UTF-8 string", true, await(client.set("unicode", 0, unicode)));
        log.expect("get of a UTF-8 string", unicode, client.get("unicode"));
    }

    private void addAndReplace() throws Exception {
        await(client.set("present", 0, "first"));
        log.expect("add of a present key fails", false, await(client.add("present", 0, "second")));
        log.expect("failed add leaves the value", "first", client.get("present"));
        log.expect("add of a missing key", true, await(client.add("added", 0, "new")));
        log.expect("get after add", "new", client.get("added"));
        log.expect("replace of a missing key fails", false, await(client.replace("not-there", 0, "x")));
        log.expect("failed replace creates nothing", null, client.get("not-there"));
        log.expect("replace of a present key", true, await(client.replace("present", 0, "replaced")));
        log.expect("get after replace", "replaced", client.get("present"));
    }

    private void appendAndPrepend() throws Exception {
        await(client.set("middle", 0, "mid"));
        log.expect("append", true, await(client.append("middle", "-tail")));
        log.expect("prepend", true, await(client.prepend("middle", "head-")));
        log.expect("get after append and prepend", "head-mid-tail", client.get("middle"));
        log.expect("append to a missing key fails", false, await(client.append("no-middle", "x")));
        log.expect("prepend to a missing key fails", false, await(client.prepend("no-middle", "x")));
        log.expect("failed append creates nothing", null, client.get("no-middle"));
        CASValue<Object> before = client.gets("middle");
        log.expect("append with the current cas", true,
                await(client.append(before.getCas(), "middle", "!")));
        log.expect("get after cas append", "head-mid-tail!", client.get("middle"));
    }

    private void delete() throws Exception {
        await(client.set("doomed", 0, "x"));
        log.expect("delete of a present key", true, await(client.delete("doomed")));
        log.expect("get after delete", null, client.get("doomed"));
        log.expect("delete of a missing key fails", false, await(client.delete("doomed")));
    }

    private void incrementAndDecrement() throws Exception {
        await(client.set("counter", 0, "10"));
        log.expect("incr", 15L, client.incr("counter", 5));
        log.expect("decr", 12L, client.decr("counter", 3));
        log.expect("decr stops at zero", 0L, client.decr("counter", 100));
        log.expect("incr after zero", 7L, client.incr("counter", 7));
        // memcached rewrites a number in place when it fits and pads it with spaces to its old length.
        log.expect("counter reads as a space-padded string", "7 ", client.get("counter"));
        log.expect("incr of a missing key is -1", -1L, client.incr("no-counter", 1));
        log.expect("decr of a missing key is -1", -1L, client.decr("no-counter", 1));
        log.expect("incr of a missing key creates nothing", null, client.get("no-counter"));
        await(client.set("wrap", 0, "18446744073709551615"));
        log.expect("incr wraps at 2^64", 0L, client.incr("wrap", 1));
        await(client.set("shrink", 0, "100"));
        log.expect("decr that shortens the number", 9L, client.decr("shrink", 91));
        log.expect("shortened number is space padded", "9  ", client.get("shrink"));
        log.expect("incr grows the number", 10L, client.incr("shrink", 1));
        log.expect("incr past the padding", "10 ", client.get("shrink"));
        await(client.set("words", 0, "abc"));
        // Over text, spymemcached answers a CLIENT_ERROR by dropping the connection: use a spare one.
        MemcachedClient spare = ClientFactory.connect(options);
        try {
            authenticateSpare(spare);
            log.expect("incr of a non-numeric value is refused", "result -1",
                    Outcome.detail(() -> spare.incr("words", 1)));
        } finally {
            ClientFactory.close(spare);
        }
        log.expect("non-numeric value unchanged", "abc", client.get("words"));
        Future<Long> asyncIncrement = client.asyncIncr("counter", 3);
        log.expect("asyncIncr", 10L, await(asyncIncrement));
    }

    private void incrementWithDefaults() throws Exception {
        log.expect("incr of a missing key with a default", 100L, client.incr("defaulted", 1, 100));
        log.expect("incr after the default", 101L, client.incr("defaulted", 1, 100));
        log.expect("defaulted counter reads as a string", "101", client.get("defaulted"));
        log.expect("decr of a missing key with a default", 7L, client.decr("defaulted-down", 1, 7));
        log.expect("decr after the default", 6L, client.decr("defaulted-down", 1, 7));
        log.expect("incr with a default and an expiry", 5L, client.incr("defaulted-expiring", 1, 5, 100));
        log.expect("incr after a default with expiry", 6L, client.incr("defaulted-expiring", 1, 5, 100));
    }

    private void getsAndCas() throws Exception {
        await(client.set("versioned", 0, "v1"));
        CASValue<Object> first = client.gets("versioned");
        log.expectTrue("gets returns value and cas", first != null && "v1".equals(first.getValue()),
                "got " + first);
        log.expect("cas with the current unique", CASResponse.OK, client.cas("versioned", first.getCas(), "v2"));
        log.expect("get after cas", "v2", client.get("versioned"));
        CASValue<Object> second = client.gets("versioned");
        log.expectTrue("a write changes the unique", second.getCas() != first.getCas(),
                "unique stayed " + first.getCas());
        log.expect("cas with a stale unique", CASResponse.EXISTS, client.cas("versioned", first.getCas(), "v3"));
        log.expect("stale cas leaves the value", "v2", client.get("versioned"));
        log.expect("cas of a missing key", CASResponse.NOT_FOUND, client.cas("unversioned", 1, "x"));
        log.expect("gets of a missing key is null", null, client.gets("unversioned"));
        log.expect("cas with expiry", CASResponse.OK, client.cas("versioned", second.getCas(), 100, "v4"));
        log.expect("get after cas with expiry", "v4", client.get("versioned"));
        Future<CASValue<Object>> asyncGets = client.asyncGets("versioned");
        log.expect("asyncGets", "v4", await(asyncGets).getValue());
    }

    private void multiGet() throws Exception {
        Map<String, Object> expected = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>();
        for (int index = 0; index < 150; index++) {
            String key = "bulk:" + index;
            keys.add(key);
            if (index % 3 != 2) {
                String value = "value-" + index + "-" + "x".repeat(index);
                expected.put(key, value);
                await(client.set(key, 0, value));
            }
        }
        Map<String, Object> found = client.getBulk(keys);
        log.expect("getBulk returns exactly the present keys", expected, new HashMap<>(found));
        log.expect("getBulk of only missing keys is empty", Map.of(),
                client.getBulk("bulk:2", "bulk:5", "bulk:8"));
        log.expect("getBulk of one key", Map.of("bulk:0", expected.get("bulk:0")), client.getBulk("bulk:0"));
        Map<String, Object> asyncFound = await(client.asyncGetBulk(keys));
        log.expect("asyncGetBulk", expected, new HashMap<>(asyncFound));
    }

    private void pipelinedWrites() throws Exception {
        List<Future<Boolean>> writes = new ArrayList<>();
        for (int index = 0; index < 500; index++) {
            writes.add(client.set("pipelined:" + index, 0, Integer.toString(index * 7)));
        }
        int stored = 0;
        for (Future<Boolean> write : writes) {
            stored += await(write) ? 1 : 0;
        }
        log.expect("500 async sets all stored", 500, stored);
        List<Future<Object>> reads = new ArrayList<>();
        for (int index = 0; index < 500; index++) {
            reads.add(client.asyncGet("pipelined:" + index));
        }
        int right = 0;
        for (int index = 0; index < 500; index++) {
            right += Integer.toString(index * 7).equals(await(reads.get(index))) ? 1 : 0;
        }
        log.expect("500 async gets all right", 500, right);
    }

    private void flagsThroughTranscoders() throws Exception {
        List<Integer> flags = new ArrayList<>(List.of(0, 1, 0x7fff, 0xffff, 0x10000, 0x7fffffff));
        if (options.protocol() == ClientOptions.Protocol.BINARY) {
            // Over text spymemcached writes flags as a signed int, which memcached refuses.
            flags.addAll(List.of(0xdeadbeef, -1));
        }
        for (int flag : flags) {
            byte[] bytes = ("flags " + flag).getBytes();
            String key = "flags:" + Integer.toUnsignedString(flag);
            await(client.set(key, 0, new CachedData(flag, bytes, MAX_VALUE), raw));
            CachedData back = client.get(key, raw);
            log.expectTrue("flags " + Integer.toUnsignedString(flag) + " round trip",
                    back != null && back.getFlags() == flag && Arrays.equals(back.getData(), bytes),
                    "got " + back);
        }
        await(client.set("integer", 0, 123456789, new IntegerTranscoder()));
        log.expect("IntegerTranscoder", 123456789, client.get("integer", new IntegerTranscoder()));
        await(client.set("long", 0, -9876543210L, new LongTranscoder()));
        log.expect("LongTranscoder", -9876543210L, client.get("long", new LongTranscoder()));
        Object[] values = {42, 42L, true, 'c', (byte) 7, 3.25f, 2.5d, new java.util.Date(1_700_000_000_000L),
            new byte[] {0, 1, 2, (byte) 0xff, '\r', '\n'}};
        for (Object value : values) {
            String key = "typed:" + value.getClass().getSimpleName();
            await(client.set(key, 0, value));
            log.expect("serializing transcoder " + value.getClass().getSimpleName(), value, client.get(key));
        }
        HashMap<String, Serializable> session = new HashMap<>();
        session.put("user", "alice");
        session.put("cart", new ArrayList<>(List.of(1, 2, 3)));
        await(client.set("serialized", 0, session));
        log.expect("serialized object round trip", session, client.get("serialized"));
        CachedData stored = client.get("serialized", raw);
        log.expectTrue("serialized objects carry spymemcached's serialized flag",
                stored != null && (stored.getFlags() & 1) == 1, "got " + stored);
    }

    private void largeValues() throws Exception {
        byte[] big = new byte[1_000_000];
        random.nextBytes(big);
        log.expect("set of a 1,000,000-byte value", true,
                await(client.set("big", 0, new CachedData(0, big, MAX_VALUE), raw)));
        CachedData back = client.get("big", raw);
        log.expect("get of the 1,000,000-byte value", big, back == null ? null : back.getData());
        // The default transcoder compresses strings over 16 KB; the flag says so.
        String text = "session attribute ".repeat(20_000);
        log.expect("set of a 360 KB compressible string", true, await(client.set("compressed", 0, text)));
        log.expect("get of the compressed string", text, client.get("compressed"));
        CachedData compressed = client.get("compressed", raw);
        log.expectTrue("compressed string is stored smaller and flagged",
                compressed != null && (compressed.getFlags() & 2) == 2 && compressed.getData().length < text.length(),
                "got " + compressed);
        SerializingTranscoder uncompressed = new SerializingTranscoder(MAX_VALUE);
        uncompressed.setCompressionThreshold(Integer.MAX_VALUE);
        byte[] sixteen = new byte[16 * 1024];
        random.nextBytes(sixteen);
        await(client.set("sixteen", 0, sixteen, uncompressed));
        log.expect("16 KB byte[] without compression", sixteen, client.get("sixteen", uncompressed));
        await(client.set("too-big", 0, "small"));
        byte[] huge = new byte[1_100_000];
        random.nextBytes(huge);
        // Over text, spymemcached answers a SERVER_ERROR by dropping the connection: use a spare one.
        MemcachedClient spare = ClientFactory.connect(options);
        try {
            authenticateSpare(spare);
            log.expect("set of a 1,100,000-byte value is refused",
                    options.protocol() == ClientOptions.Protocol.TEXT
                            ? "error SERVER_ERROR object too large for cache" : "result false",
                    Outcome.detail(() -> await(spare.set("too-big", 0, new CachedData(0, huge, MAX_VALUE), raw))));
        } finally {
            ClientFactory.close(spare);
        }
        // memcached unlinks the old item when a too-large value replaces it.
        log.expect("the too-large set removed the old value", null, client.get("too-big"));
        log.expect("the connection still works after the refusal", "world", client.get("plain"));
    }

    private void stats() {
        Map<SocketAddress, Map<String, String>> stats = client.getStats();
        Map<String, String> one = stats.size() == 1 ? stats.values().iterator().next() : Map.of();
        for (String name : List.of("pid", "uptime", "curr_items", "cmd_get", "cmd_set", "get_hits")) {
            log.expectTrue("stats has " + name, one.containsKey(name) && one.get(name).matches("\\d+"),
                    "got " + one.get(name));
        }
    }

    private void startExpiry() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        log.expect("set with 1 s expiry", true, await(client.set("expire:relative", 1, "soon")));
        log.expect("set with absolute expiry", true, await(client.set("expire:absolute", (int) (now + 1), "soon")));
        log.expect("set with absolute expiry in the past", true,
                await(client.set("expire:past", (int) (now - 100), "gone")));
        log.expect("absolute expiry in the past is gone at once", null, client.get("expire:past"));
        log.expect("set with negative expiry", true, await(client.set("expire:negative", -1, "x")));
        if (options.protocol() == ClientOptions.Protocol.TEXT) {
            log.expect("negative expiry is gone at once", null, client.get("expire:negative"));
        } else {
            // The binary header's expiry is unsigned: -1 is an absolute time far in the future.
            log.expect("binary expiry 0xffffffff stays", "x", client.get("expire:negative"));
        }
        log.expect("set with no expiry", true, await(client.set("expire:never", 0, "stays")));
        log.expect("set with long expiry", true, await(client.set("expire:later", 3600, "stays")));
        await(client.set("expire:touched-longer", 2, "kept"));
        log.expect("touch of a present key", true, await(client.touch("expire:touched-longer", 3600)));
        await(client.set("expire:touched-shorter", 3600, "dropped"));
        log.expect("touch to a shorter expiry", true, await(client.touch("expire:touched-shorter", 1)));
        log.expect("touch of a missing key fails", false, await(client.touch("expire:missing", 10)));
        if (options.protocol() == ClientOptions.Protocol.TEXT) {
            return; // spymemcached has no getAndTouch over text (memcached's `gat` came later).
        }
        await(client.set("expire:gat", 2, "kept"));
        CASValue<Object> touched = client.getAndTouch("expire:gat", 3600);
        log.expectTrue("getAndTouch returns the value", touched != null && "kept".equals(touched.getValue()),
                "got " + touched);
        log.expect("getAndTouch of a missing key is null", null, client.getAndTouch("expire:missing", 10));
        await(client.set("expire:gat-shorter", 3600, "dropped"));
        CASValue<Object> shortened = client.getAndTouch("expire:gat-shorter", 1);
        log.expectTrue("getAndTouch to a shorter expiry returns the value",
                shortened != null && "dropped".equals(shortened.getValue()), "got " + shortened);
    }

    private void finishExpiry() {
        log.expect("1 s expiry is gone", null, client.get("expire:relative"));
        log.expect("absolute expiry is gone", null, client.get("expire:absolute"));
        log.expect("no expiry stays", "stays", client.get("expire:never"));
        log.expect("long expiry stays", "stays", client.get("expire:later"));
        log.expect("touched to longer stays", "kept", client.get("expire:touched-longer"));
        log.expect("touched to shorter is gone", null, client.get("expire:touched-shorter"));
        if (options.protocol() == ClientOptions.Protocol.BINARY) {
            log.expect("getAndTouch to longer stays", "kept", client.get("expire:gat"));
            log.expect("getAndTouch to shorter is gone", null, client.get("expire:gat-shorter"));
        }
    }

    private void flush() throws Exception {
        log.expect("flush", true, await(client.flush()));
        log.expect("get after flush", null, client.get("expire:never"));
        log.expect("set after flush", true, await(client.set("after-flush", 0, "fresh")));
        log.expect("get after set after flush", "fresh", client.get("after-flush"));
    }
}
