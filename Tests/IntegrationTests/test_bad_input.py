"""Hostile and broken clients, and the limits set by -c, -m/-M, -I and -A.

Every test starts a fresh memcached and a fresh ReplicaCache with the same
flags, does the same thing to both, compares what they answer where the
answer is observable, and then checks that each process is alive, answers a
new connection correctly and still holds the data stored before.
"""

import random
import socket
import struct
import time

import pytest

import harness
from meta_binary_cases import _binary_garbage

SEED_KEYS = {b"seed%02d" % i: bytes(random.Random(i).randrange(256) for _ in range(1 + 37 * i))
             for i in range(20)}
SEED_KEYS[b"seedcrlf"] = b"a\r\nEND\r\nb"
SEED_KEYS[b"seedempty"] = b""


# ------------------------------------------------------------------ helpers

@pytest.fixture
def pair(server_factory):
    """Fresh (memcached, ours) with the suite's standard flags, seeded."""
    def make(options=None, drop=(), switches=None, seed=True):
        servers = (server_factory("memcached", options, drop, switches),
                   server_factory("ours", options, drop, switches))
        if seed:
            for server in servers:
                seed_data(server)
        return servers
    return make


def seed_data(server):
    s = server.connect()
    try:
        for key, value in SEED_KEYS.items():
            s.sendall(b"set %s 5 0 %d\r\n%s\r\n" % (key, len(value), value))
            assert harness.read_until(s, b"\r\n") == b"STORED\r\n"
    finally:
        s.close()


def assert_healthy(server, seeded=True):
    assert server.alive(), f"{server} died:\n{server.log_text()}"
    s = server.connect()
    try:
        if seeded:
            keys = list(SEED_KEYS)
            s.sendall(b"get " + b" ".join(keys) + b"\r\n")
            reply = harness.read_until(s, b"END\r\n")
            expected = b"".join(b"VALUE %s 5 %d\r\n%s\r\n" % (k, len(SEED_KEYS[k]), SEED_KEYS[k])
                                for k in keys) + b"END\r\n"
            assert reply == expected, f"{server}: stored data changed"
        s.sendall(b"set health 1 0 2\r\nok\r\nget health\r\ndelete health\r\n")
        assert harness.read_until(s, b"DELETED\r\n") == \
            b"STORED\r\nVALUE health 1 2\r\nok\r\nEND\r\nDELETED\r\n", server
    finally:
        s.close()


def exchange_many(server, payloads, pool_size=16):
    """Each payload on its own connection, concurrently; replies in order."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=pool_size) as ex:
        return list(ex.map(server.exchange, payloads))


def compare_many(memcached, ours, payloads, pool, sequential=False):
    """Payloads on each server concurrently, unless they touch the same keys
    in an order that matters (sequential=True)."""
    size = 1 if sequential else 16
    ref_f = pool.submit(exchange_many, memcached, payloads, size)
    got_f = pool.submit(exchange_many, ours, payloads, size)
    ref, got = ref_f.result(), got_f.result()
    diffs = [(p, r, g) for p, r, g in zip(payloads, ref, got)
             if harness.normalise(p, r) != harness.normalise(p, g)]
    assert not diffs, "\n".join(
        f"request {harness.show(p, 200)}\n  memcached {harness.show(r, 200)}\n  ours      {harness.show(g, 200)}"
        for p, r, g in diffs[:5]) + f"\n({len(diffs)} of {len(payloads)} differ)"
    return ref


# ------------------------------------------------------ malformed traffic

def test_oversize_lines(pair, pool):
    memcached, ours = pair()
    payloads = [b"x" * 5000, b"set k 0 0 1" + b" " * 4000, b"get " + b"k" * 300000,
                b"y" * 3000 + b"\r\n" + b"version\r\n", b"\n" * 5000,
                b"gets " + b"a " * 30000 + b"\r\n"]
    ref = compare_many(memcached, ours, payloads, pool)
    assert ref[0] == harness.CLOSED
    for server in (memcached, ours):
        assert_healthy(server)


TEN_MB = 10 * 1024 * 1024


def test_ten_megabyte_lines_leave_other_clients_and_data_alone(pair, pool):
    """10 MB requests, with and without a newline, each on its own connection while another
    client keeps being served; replies compared with memcached's."""
    memcached, ours = pair()
    payloads = [b"x" * TEN_MB, b"x" * TEN_MB + b"\r\n", b"get " + b"k" * TEN_MB + b"\r\n",
                b"set k 0 0 1" + b" " * TEN_MB + b"\r\nv\r\n", b"mg " + b"k" * TEN_MB + b" v\r\n",
                b"get " + b"seed01 " * 20_000 + b"\r\n"]
    # The one deliberate difference: memcached buffers a get line of any length (it answers this
    # one's 10 MB key with CLIENT_ERROR); ReplicaCache closes a connection whose unfinished
    # request passes max(2 x -I, 4 MB), so no client can make it buffer without bound.
    deliberate = {2: (b"CLIENT_ERROR bad command line format\r\n", harness.CLOSED)}
    for server in (memcached, ours):
        bystander = server.connect()
        try:
            futures = [pool.submit(server.exchange, payload) for payload in payloads]
            for round_number in range(20):
                bystander.sendall(b"get seed02\r\n")
                assert harness.read_until(bystander, b"END\r\n").startswith(b"VALUE seed02 5 ")
            replies = [future.result() for future in futures]
        finally:
            bystander.close()
        if server is memcached:
            reference = replies
        else:
            for i, (expected_reference, expected_ours) in deliberate.items():
                assert (reference[i], replies[i]) == (expected_reference, expected_ours), i
            diffs = [i for i, (r, g) in enumerate(zip(reference, replies)) if i not in deliberate
                     and harness.normalise(payloads[i], r) != harness.normalise(payloads[i], g)]
            assert not diffs, [(i, harness.show(reference[i], 120), harness.show(replies[i], 120)) for i in diffs]
    for server in (memcached, ours):
        assert_healthy(server)


# Keys are bytes to memcached: anything but space and the line end, so invalid UTF-8 and control
# bytes are taken as they are (and a NUL too).
ODD_KEYS = [b"\xff\xfe", b"\xc3\x28", b"\x80abc", b"tab\tkey", b"bell\x07", b"del\x7f", b"nul\x00key", b"\x01\x02\x03",
            b"esc\x1b[0m", b"\xed\xa0\x80"]


def test_keys_with_invalid_utf8_and_control_bytes(pair, pool):
    memcached, ours = pair()
    payloads = [b"set %s 0 0 2\r\nok\r\nget %s\r\ngets %s\r\nappend %s 0 0 1\r\n!\r\nget %s\r\ndelete %s\r\nget %s\r\n"
                % ((key,) * 7) for key in ODD_KEYS]
    payloads.append(b"mg \xff\xfe v\r\nms \x01x 2\r\nhi\r\nmg \x01x v k\r\nmd \x01x\r\nmn\r\n")
    compare_many(memcached, ours, payloads, pool, sequential=True)
    for server in (memcached, ours):
        assert_healthy(server)


LYING = [
    b"set seed00 0 0 100\r\nshort\r\n",                 # waits for the rest
    b"set seed01 0 0 3\r\nabcdef\r\nget seed01\r\n",    # too much data
    b"set seed02 0 0 10\r\nabc",                        # then close
    b"set newkey 0 0 1000000\r\n" + b"z" * 1000,       # big, truncated
    b"set seed03 0 0 5\r\nab\r\n\r\n\r\nget seed03\r\n",
    b"append seed04 0 0 50\r\nxx\r\n",
    b"cas seed05 0 0 4 1\r\nabcdefgh\r\n",
    b"set seed06 0 0 -5\r\nabc\r\n",
    b"set seed07 0 0 18446744073709551615\r\nabc\r\n",
    b"set seed08 0 0 2\r\nab",
]


def test_lying_lengths(pair, pool):
    memcached, ours = pair()
    compare_many(memcached, ours, LYING, pool)
    for server in (memcached, ours):
        assert_healthy(server)
        assert server.call(b"get newkey\r\n", until=b"END\r\n") == b"END\r\n"


def _text_garbage(rng):
    n = rng.choice([1, 2, 5, 17, 100, 1000, 2047, 2049, 4000])
    data = bytearray(rng.randrange(256) for _ in range(n))
    if data[0] == 0x80:
        data[0] = 0x7F
    return bytes(data)


def test_binary_garbage_on_text_connection(pair, pool):
    memcached, ours = pair()
    rng = random.Random(20261122)
    payloads = [_text_garbage(rng) for _ in range(120)]
    compare_many(memcached, ours, payloads, pool)
    for server in (memcached, ours):
        assert_healthy(server)


def test_binary_garbage(pair, pool):
    """Random binary headers (read-only opcodes) with lying lengths: the same
    answers as memcached (an error, silence or a close), nothing else affected."""
    memcached, ours = pair()
    rng = random.Random(20261123)
    payloads = [_binary_garbage(rng) for _ in range(150)]
    compare_many(memcached, ours, payloads, pool)
    for server in (memcached, ours):
        assert_healthy(server)


BINARY_LYING = [
    b"\x80",                                                      # truncated header
    b"\x80\x00\x00\x05" + b"\x00" * 20,                          # key announced, not sent
    struct.pack(">BBHBBHIIQ", 0x80, 0x00, 6, 0, 0, 0, 2, 0, 0) + b"seed00",   # key longer than body
    struct.pack(">BBHBBHIIQ", 0x80, 0x01, 6, 8, 0, 0, 10, 0, 0) + b"\0" * 8 + b"seed01",  # extras+key > body
    struct.pack(">BBHBBHIIQ", 0x80, 0x01, 6, 8, 0, 0, 1 << 30, 0, 0) + b"\0" * 8 + b"lie002" + b"v" * 100,
    struct.pack(">BBHBBHIIQ", 0x80, 0x01, 6, 8, 0, 0, 100, 0, 0) + b"\0" * 8 + b"seed03" + b"v" * 10,
    struct.pack(">BBHBBHIIQ", 0x80, 0x00, 65535, 0, 0, 0, 65535, 0, 0) + b"k" * 1000,
    struct.pack(">BBHBBHIIQ", 0x80, 0x05, 6, 20, 0, 0, 26, 0, 0) + b"\0" * 20 + b"seed04",  # incr, non-numeric
    struct.pack(">BBHBBHIIQ", 0x80, 0x0E, 6, 0, 0, 0, 5, 0, 0) + b"seed0",    # append, body < key
    bytes([0x82]) + b"\x00" * 23,                                 # unknown magic
    struct.pack(">BBHBBHIIQ", 0x80, 0x0A, 0, 0, 0, 0, 0, 0, 0) + bytes([0x42]) + b"\x00" * 23,
    struct.pack(">BBHBBHIIQ", 0x80, 0x99, 0, 200, 0, 0, 300, 0, 0) + b"e" * 250,
]


def test_binary_lying_lengths(pair, pool):
    memcached, ours = pair()
    compare_many(memcached, ours, BINARY_LYING, pool)
    for server in (memcached, ours):
        assert_healthy(server)


HALF = [b"se", b"set", b"set seed09", b"set seed09 0 0 5", b"set seed09 0 0 5\r", b"set seed09 0 0 5\r\nab",
        b"set seed09 0 0 5\r\nabcde", b"set seed09 0 0 5\r\nabcde\r", b"get seed1", b"get seed10 seed11",
        b"gets", b"incr seed10", b"delete seed12", b"flush_all", b"touch seed13 1", b"\x80", b"\x80\x01\x00",
        b"\x80\x01\x00\x05\x08\x00\x00\x00\x00\x00\x00\x10" + b"\x00" * 12 + b"\x00" * 8 + b"seed1",
        b"mg seed14", b"ms seed15 2", b"ms seed15 2\r\nx", b"cas seed16 0 0 1", b"verbosity", b"shutdown"]


def test_half_commands_then_close(pair):
    memcached, ours = pair()
    for server in (memcached, ours):
        for data in HALF:
            for linger in (False, True):
                s = server.connect()
                if linger:  # abortive close (RST)
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.sendall(data)
                s.close()
        time.sleep(0.3)
        assert_healthy(server)


def _hammer(server, count, seed):
    rng = random.Random(seed)
    for i in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        if i % 10:  # mostly abortive closes: no TIME_WAIT pile-up on the client
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        try:
            s.connect(("127.0.0.1", server.port))
            n = rng.randrange(0, 80)
            data = bytes(rng.randrange(256) for _ in range(n))
            if data[:1] == b"\x80":
                data = b"\x7f" + data[1:]
            if data:
                s.sendall(data)
        finally:
            s.close()


@pytest.mark.timeout(120)
def test_ten_thousand_random_connections(pair, pool):
    memcached, ours = pair()
    for server in (memcached, ours):
        st = server.stats()
        baseline, total_before = int(st["curr_connections"]), int(st["total_connections"])
        futures = [pool.submit(_hammer, server, 2500, 1000 * k) for k in range(4)]
        for f in futures:
            f.result()
        assert_healthy(server)
        deadline = time.monotonic() + 5
        while True:
            now = int(server.stats()["curr_connections"])
            if now <= baseline or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert now <= baseline, f"{server}: {now} connections still open, {baseline} before"
        # A connection reset before the server accepts it may never be
        # counted, so only most of the 10,000 are required to show up.
        assert int(server.stats()["total_connections"]) - total_before >= 5000


# ------------------------------------------------------------------ limits

def _connection_flood(server, count):
    socks, outcomes = [], []
    try:
        for _ in range(count):
            s = server.connect()
            socks.append(s)
            s.sendall(b"version\r\n")
            outcomes.append(None)
        for i, s in enumerate(socks):
            line = harness.read_until(s, b"\r\n")
            if line.startswith(b"VERSION "):
                outcomes[i] = b"accepted"
            else:
                s.settimeout(2)
                try:
                    closed = s.recv(100) == b""
                except ConnectionResetError:
                    closed = True
                outcomes[i] = line + (harness.CLOSED if closed else b"")
    finally:
        for s in socks:
            s.close()
    # the flood's own connections must go away before stats can get in
    deadline = time.monotonic() + 5
    while True:
        try:
            st = server.stats()
            break
        except (ConnectionError, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    return outcomes, int(st["rejected_connections"]), int(st["curr_connections"])


def test_max_connections(pair):
    # memcached needs -c >= 18 to start at all with -t 2 (its own file
    # descriptors count against the limit); 20 leaves it a few clients.
    memcached, ours = pair(options={"-c": "20"}, seed=False)
    results = {}
    for server in (memcached, ours):
        assert server.stats(b"settings")["maxconns"] == "20"
        outcomes, rejected, curr = _connection_flood(server, 30)
        accepted = outcomes.count(b"accepted")
        refusals = [o for o in outcomes if o != b"accepted"]
        results[server.name] = (accepted, set(refusals), rejected)
        # (which ones get in varies: closes of earlier connections are
        # processed asynchronously, so only the totals are checked)
        assert 1 <= accepted <= 20, (server, accepted)
        assert rejected >= len(refusals), (server, rejected, len(refusals))
        time.sleep(0.2)
        assert_healthy(server, seeded=False)
    ref_accepted, ref_refusals, _ = results["memcached"]
    assert ref_refusals == {b"ERROR Too many open connections\r\n" + harness.CLOSED}
    assert results["ours"][1] == ref_refusals, results


def _fill(server, size, limit=20000):
    s = server.connect()
    try:
        for i in range(limit):
            s.sendall(b"set fill%d 0 0 %d\r\n" % (i, size) + b"v" * size + b"\r\n")
            reply = harness.read_until(s, b"\r\n")
            if reply != b"STORED\r\n":
                break
        else:
            return limit, None, None, None
        # a second try fails the same way; a freed slot of that size is reusable
        s.sendall(b"set fillx 0 0 %d\r\n" % size + b"v" * size + b"\r\n")
        again = harness.read_until(s, b"\r\n")
        s.sendall(b"delete fill0\r\n")
        harness.read_until(s, b"\r\n")
        s.sendall(b"set fill0 0 0 %d\r\n" % size + b"w" * size + b"\r\n")
        reuse = harness.read_until(s, b"\r\n")
        return i, reply, again, reuse
    finally:
        s.close()


@pytest.mark.timeout(120)
def test_out_of_memory_with_M(pair, pool):
    # memcached refuses -m 1 with the default -I 1m ("Cannot set item size
    # limit higher than 1/2 of memory max."), hence -I 512k.
    memcached, ours = pair(options={"-m": "1", "-I": "512k"}, seed=False)
    ref_f, got_f = pool.submit(_fill, memcached, 1000), pool.submit(_fill, ours, 1000)
    (ref_n, ref_reply, ref_again, ref_reuse), (n, reply, again, reuse) = ref_f.result(), got_f.result()
    assert ref_reply == b"SERVER_ERROR out of memory storing object\r\n"
    assert (reply, again, reuse) == (ref_reply, ref_again, ref_reuse), (n, reply, again, reuse)
    # ours must hold about as much as 1 MB allows, as memcached does
    assert ref_n // 2 <= n <= ref_n * 2, (ref_n, n)
    for server in (memcached, ours):
        st = server.stats()
        assert st["evictions"] == "0", server
        r = server.call(b"get fill1\r\n", until=b"END\r\n")
        assert r == b"VALUE fill1 0 1000\r\n" + b"v" * 1000 + b"\r\nEND\r\n", server
        assert_healthy(server, seeded=False)


def _boundary(server, key=b"k"):
    lo, hi = 1, 4096
    while hi - lo > 1:
        mid = (lo + hi) // 2
        r = server.call(b"set %s 0 0 %d\r\n" % (key, mid) + b"v" * mid + b"\r\n", until=b"\r\n")
        if r == b"STORED\r\n":
            lo = mid
        else:
            hi = mid
    return lo


def test_item_size_max_2k(pair, pool):
    # memcached also needs slab_chunk_max <= item_size_max to start with -I 2k
    memcached, ours = pair(options={"-I": "2k", "-o": "slab_chunk_max=2048"}, seed=False)
    assert memcached.stats(b"settings")["item_size_max"] == "2048"
    limit = _boundary(memcached)
    assert 1800 < limit < 2048, limit
    payloads = []
    for key in (b"k", b"k" * 250):
        for n in (limit - len(key) + 1, limit - len(key) + 2, 2048, 4096, 100000):
            payloads.append(b"set %s 0 0 %d\r\n" % (key, n) + b"v" * n + b"\r\nget " + key + b"\r\n")
    ref = compare_many(memcached, ours, payloads, pool, sequential=True)
    assert ref[0].startswith(b"STORED\r\n")
    # memcached also drops the old value when a set is too large
    assert ref[1] == b"SERVER_ERROR object too large for cache\r\nEND\r\n"
    assert ours.stats(b"settings")["item_size_max"] == "2048"
    for server in (memcached, ours):
        assert_healthy(server, seeded=False)


def test_shutdown_without_A(pair, pool):
    memcached, ours = pair(drop=("-A",))
    payloads = [b"shutdown\r\n", b"shutdown graceful\r\n", b"shutdown noreply\r\n", b"shutdown x y\r\n"]
    ref = compare_many(memcached, ours, payloads, pool)
    assert ref[0] == b"ERROR: shutdown not enabled\r\n"
    for server in (memcached, ours):
        assert server.wait_exit(0.5) is None
        assert_healthy(server)


def test_shutdown_bad_mode_with_A(pair, pool):
    memcached, ours = pair()
    ref = compare_many(memcached, ours, [b"shutdown foo\r\n", b"shutdown a b\r\n"], pool)
    assert ref[0] == b"CLIENT_ERROR invalid shutdown mode\r\n"
    for server in (memcached, ours):
        assert server.wait_exit(0.5) is None
        assert_healthy(server)


@pytest.mark.parametrize("command, replies_before_close", [
    (b"shutdown\r\n", b""),
    (b"shutdown graceful\r\n", b""),
    # A deliberate difference: memcached exits before writing the replies it owes for
    # the requests ahead of `shutdown` in the same packet; ours writes them, then closes.
    (b"set a 0 0 1\r\nx\r\nshutdown\r\nget a\r\n", b"STORED\r\n"),
])
def test_shutdown_with_A_exits_zero(pair, pool, command, replies_before_close):
    memcached, ours = pair(seed=False)
    ref_f, got_f = pool.submit(memcached.exchange, command), pool.submit(ours.exchange, command)
    ref, got = ref_f.result(), got_f.result()
    assert ref == harness.CLOSED
    assert got == replies_before_close + harness.CLOSED
    assert memcached.wait_exit(5) == 0
    assert ours.wait_exit(5) == 0, ours.log_text()
