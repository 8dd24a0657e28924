"""Every mutating text command on one node of a pair is visible on the other,
in both directions, with value, flags and absolute expiry."""

import time

import pytest

import pair_harness as ph
from conftest import _ours_binary_or_skip

DIRECTIONS = [("a", "b"), ("b", "a")]


@pytest.fixture(scope="module")
def pair():
    pair = ph.Pair(binary=_ours_binary_or_skip())
    pair.start()
    yield pair
    pair.stop()


def nodes(pair, direction):
    src, dst = direction
    return getattr(pair, src), getattr(pair, dst)


def expect_on(node, key, flags, value, exp, timeout=ph.CONVERGE_TIMEOUT):
    """Bounded poll until `node` has key with (flags, value) and metadump
    expiry `exp` (-1 = never)."""
    def state():
        with ph.Client(node.port) as c:
            got = c.get(key, verb=b"gets")
        dumped = ph.metadump(node.port)
        return (got[key][0], got[key][1]) if key in got else None, dumped.get(key)

    want = ((flags, value), exp)
    deadline = time.monotonic() + timeout
    while True:
        got = state()
        if got == want:
            return
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"{node.name}: key {key!r}: want (flags,value),exp={want!r}, got {got!r}\n"
                f"{node.name} repl: {node.repl()}")
        time.sleep(0.05)


def expect_missing(node, key, timeout=ph.CONVERGE_TIMEOUT):
    def gone():
        with ph.Client(node.port) as c:
            return key not in c.get(key) and key not in ph.metadump(node.port)
    ph.wait_for(gone, timeout, f"{node.name}: {key!r} gone",
                detail=lambda: f"{node.name} repl: {node.repl()}")


def exp_of(node, key):
    return ph.metadump(node.port)[key]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("direction", DIRECTIONS, ids=lambda d: "->".join(d))
def test_each_mutation_crosses(pair, direction):
    src, dst = nodes(pair, direction)
    p = f"cmd-{src.name}{dst.name}-"
    now = int(time.time())
    with ph.Client(src.port) as c:
        # set, no expiry
        assert c.store("set", p + "set", "hello", flags=5) == b"STORED"
        expect_on(dst, p + "set", 5, b"hello", -1)

        # set with a relative expiry: both nodes hold the same absolute time
        assert c.store("set", p + "rel", "r", flags=1, exp=1000) == b"STORED"
        e = exp_of(src, p + "rel")
        assert now + 999 <= e <= now + 1010, e
        expect_on(dst, p + "rel", 1, b"r", e)

        # set with an absolute expiry
        absolute = now + 5000
        assert c.store("set", p + "abs", "x", flags=2, exp=absolute) == b"STORED"
        assert exp_of(src, p + "abs") == absolute
        expect_on(dst, p + "abs", 2, b"x", absolute)

        # noreply set
        c.send(b"set " + (p + "nr").encode() + b" 9 0 2 noreply\r\nnr\r\n")
        expect_on(dst, p + "nr", 9, b"nr", -1)

        # add: new key stored, existing key untouched
        assert c.store("add", p + "add", "first", flags=3) == b"STORED"
        expect_on(dst, p + "add", 3, b"first", -1)
        assert c.store("add", p + "add", "second", flags=4) == b"NOT_STORED"

        # replace
        assert c.store("replace", p + "set", "replaced", flags=6, exp=2000) == b"STORED"
        e = exp_of(src, p + "set")
        expect_on(dst, p + "set", 6, b"replaced", e)
        assert c.store("replace", p + "nokey", "z") == b"NOT_STORED"

        # append / prepend keep flags and expiry
        assert c.store("set", p + "ap", "mid", flags=7, exp=3000) == b"STORED"
        e = exp_of(src, p + "ap")
        assert c.store("append", p + "ap", "-end") == b"STORED"
        assert c.store("prepend", p + "ap", "start-") == b"STORED"
        expect_on(dst, p + "ap", 7, b"start-mid-end", e)

        # cas with the current unique
        assert c.store("set", p + "cas", "old", flags=8) == b"STORED"
        unique = c.get(p + "cas", verb=b"gets")[p + "cas"][2]
        assert c.store("cas", p + "cas", "new", flags=8, cas=unique) == b"STORED"
        expect_on(dst, p + "cas", 8, b"new", -1)
        assert c.store("cas", p + "cas", "stale", flags=8, cas=unique) == b"EXISTS"

        # incr / decr (including a shrinking length)
        assert c.store("set", p + "n", "100", flags=11, exp=4000) == b"STORED"
        e = exp_of(src, p + "n")
        assert c.cmd(b"incr " + (p + "n").encode() + b" 23\r\n") == b"123"
        expect_on(dst, p + "n", 11, b"123", e)
        assert c.cmd(b"decr " + (p + "n").encode() + b" 120\r\n") == b"3"
        # memcached rewrites a shrinking decr in place, padded with spaces;
        # whatever the source now stores is what the peer must store.
        value = c.get(p + "n")[p + "n"][1]
        assert value.rstrip(b" ") == b"3", value
        expect_on(dst, p + "n", 11, value, e)

        # touch sets a new absolute expiry on both
        assert c.store("set", p + "t", "tt", flags=12) == b"STORED"
        expect_on(dst, p + "t", 12, b"tt", -1)
        assert c.cmd(b"touch " + (p + "t").encode() + b" 6000\r\n") == b"TOUCHED"
        e = exp_of(src, p + "t")
        assert e >= now + 5999, e
        expect_on(dst, p + "t", 12, b"tt", e)

        # gat fetches and touches
        c.send(b"gat 7000 " + (p + "t").encode() + b"\r\n")
        got = c.read_values()
        assert got[p + "t"][:2] == (12, b"tt"), got
        e2 = exp_of(src, p + "t")
        assert e2 >= now + 6999 and e2 != e, (e, e2)
        expect_on(dst, p + "t", 12, b"tt", e2)

        # gat 0 clears the expiry
        c.send(b"gat 0 " + (p + "t").encode() + b"\r\n")
        c.read_values()
        assert exp_of(src, p + "t") == -1
        expect_on(dst, p + "t", 12, b"tt", -1)

        # delete
        assert c.cmd(b"delete " + (p + "add").encode() + b"\r\n") == b"DELETED"
        expect_missing(dst, p + "add")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("direction", DIRECTIONS, ids=lambda d: "->".join(d))
def test_flush_all_crosses(pair, direction):
    src, dst = nodes(pair, direction)
    p = f"flush-{src.name}{dst.name}-"
    with ph.Client(src.port) as c, ph.Client(dst.port) as d:
        assert c.store("set", p + "1", "one") == b"STORED"
        assert d.store("set", p + "2", "two") == b"STORED"
        expect_on(dst, p + "1", 0, b"one", -1)
        expect_on(src, p + "2", 0, b"two", -1)
        # a flush mark uses milliseconds: keep the later write clearly after it
        time.sleep(0.01)
        assert c.cmd(b"flush_all\r\n") == b"OK"
        expect_missing(dst, p + "1")
        expect_missing(dst, p + "2")
        expect_missing(src, p + "2")
        time.sleep(0.01)
        # writes after the flush live on both nodes
        assert c.store("set", p + "3", "three") == b"STORED"
        expect_on(dst, p + "3", 0, b"three", -1)
        assert d.store("set", p + "4", "four") == b"STORED"
        expect_on(src, p + "4", 0, b"four", -1)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("direction", DIRECTIONS, ids=lambda d: "->".join(d))
def test_delayed_flush_all_crosses(pair, direction):
    """`flush_all 3`: memcached invalidates at (now + delay - 1) on its
    one-second clock, i.e. between 1 and 2 s later. Both nodes keep the item
    until then and lose it afterwards."""
    src, dst = nodes(pair, direction)
    p = f"dflush-{src.name}{dst.name}-"
    with ph.Client(src.port) as c:
        assert c.store("set", p + "1", "one") == b"STORED"
        expect_on(dst, p + "1", 0, b"one", -1)
        issued, issued_wall = time.monotonic(), time.time()
        assert c.cmd(b"flush_all 3\r\n") == b"OK"
    seen = {src.name: [], dst.name: []}
    # Poll both nodes: present while the delay runs, gone afterwards.
    deadline = issued + 6
    while time.monotonic() < deadline:
        for node in (src, dst):
            with ph.Client(node.port) as d:
                present = p + "1" in d.get(p + "1")
            seen[node.name].append((round(time.monotonic() - issued, 2), present))
        if not any(v[-1][1] for v in seen.values()):
            break
        time.sleep(0.05)
    gone = {}
    for name, samples in seen.items():
        assert samples[-1][1] is False, f"{name} still has the item 6 s after flush_all 3: {seen}"
        first_absent = next(t for t, present in samples if not present)
        back = [t for t, present in samples if present and t > first_absent]
        assert not back, f"{name}: item came back after the flush: {seen}"
        gone[name] = first_absent
    # Replication: both nodes act on the same absolute flush time.
    assert abs(gone[src.name] - gone[dst.name]) <= 0.3, (
        f"nodes applied the delayed flush at different times (s after issue): {gone}; "
        f"issued at unix {issued_wall:.3f}; samples (s, present): {seen}")
    # memcached's timing: `flush_all 3` takes effect between 1 and 2 s later.
    early = {n: t for n, t in gone.items() if t < 1.0}
    assert not early, (
        f"`flush_all 3` took effect after only {early} s (memcached: 1-2 s); "
        f"issued at unix {issued_wall:.3f}; samples (s, present): {seen}")
    # Once the mark is surely past, a new write lives on both.
    time.sleep(max(0.0, issued + 3.2 - time.monotonic()))
    with ph.Client(src.port) as c:
        assert c.store("set", p + "after", "x") == b"STORED"
    expect_on(dst, p + "after", 0, b"x", -1)
