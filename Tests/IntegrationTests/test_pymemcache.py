"""pymemcache against ReplicaCache; every scenario also runs against
memcached and both must give the same results."""

import pytest

pymemcache = pytest.importorskip("pymemcache")
from pymemcache.client.base import Client  # noqa: E402
from pymemcache.exceptions import MemcacheClientError, MemcacheServerError  # noqa: E402


def client(server):
    return Client(("127.0.0.1", server.port), connect_timeout=5, timeout=5,
                  default_noreply=False)


def run_both(both, scenario):
    memcached, ours = both
    results = []
    for server in (memcached, ours):
        c = client(server)
        try:
            results.append(scenario(c))
        finally:
            c.close()
    return results


def test_set_get(both):
    def sc(c):
        return [c.set("k", b"v1"), c.get("k"), c.set("k", b"v2", flags=7),
                c.get("k"), c.get("missing"), c.set("e", b"", expire=100), c.get("e")]
    ref, got = run_both(both, sc)
    assert ref == [True, b"v1", True, b"v2", None, True, b""]
    assert got == ref


def test_flags_round_trip(both):
    def sc(c):
        c.set("f", b"x", flags=4294967295)
        return c.raw_command(b"get f", b"END\r\n")
    ref, got = run_both(both, sc)
    assert ref == b"VALUE f 4294967295 1\r\nx\r\n"
    assert got == ref


def test_add_replace(both):
    def sc(c):
        return [c.add("a", b"1"), c.add("a", b"2"), c.get("a"),
                c.replace("a", b"3"), c.get("a"), c.replace("nope", b"x"), c.get("nope")]
    ref, got = run_both(both, sc)
    assert ref == [True, False, b"1", True, b"3", False, None]
    assert got == ref


def test_append_prepend(both):
    def sc(c):
        return [c.append("ap", b"x"), c.prepend("ap", b"x"), c.set("ap", b"mid"),
                c.append("ap", b">"), c.prepend("ap", b"<"), c.get("ap")]
    ref, got = run_both(both, sc)
    assert ref == [False, False, True, True, True, b"<mid>"]
    assert got == ref


def test_gets_cas(both):
    def sc(c):
        out = [c.cas("c", b"x", b"1")]                  # missing key
        c.set("c", b"one")
        value, unique = c.gets("c")
        out.append(value)
        out.append(c.cas("c", b"two", unique))          # True
        out.append(c.cas("c", b"three", unique))        # stale: False
        value2, unique2 = c.gets("c")
        out += [value2, unique2 != unique, c.gets("missing")]
        many = c.gets_many(["c", "missing"])
        out.append(sorted((k, v[0]) for k, v in many.items()))
        return out
    ref, got = run_both(both, sc)
    assert ref == [None, b"one", True, False, b"two", True, (None, None), [("c", b"two")]]
    assert got == ref


def test_incr_decr(both):
    def sc(c):
        out = [c.incr("n", 1), c.set("n", b"10"), c.incr("n", 5), c.decr("n", 20),
               c.get("n"), c.set("n", b"18446744073709551615"), c.incr("n", 2), c.get("n"),
               c.set("n", b"100"), c.decr("n", 1), c.get("n")]
        c.set("t", b"text")
        try:
            c.incr("t", 1)
            out.append("no error")
        except MemcacheClientError as e:
            out.append(str(e))
        return out
    ref, got = run_both(both, sc)
    assert ref[:5] == [None, True, 15, 0, b"0 "]
    assert got == ref


def test_touch_delete(both):
    def sc(c):
        return [c.touch("d", 10), c.set("d", b"x"), c.touch("d", 100), c.delete("d"),
                c.delete("d"), c.get("d")]
    ref, got = run_both(both, sc)
    assert ref == [False, True, True, True, False, None]
    assert got == ref


def test_set_many_get_many(both):
    values = {f"m{i}": f"value-{i}".encode() for i in range(50)}

    def sc(c):
        failed = c.set_many(values)
        got = c.get_many(list(values) + ["absent1", "absent2"])
        return failed, got, c.delete_many(list(values)[:10]), len(c.get_many(list(values)))
    ref, got = run_both(both, sc)
    assert ref[0] == [] and ref[1] == values and ref[3] == 40
    assert got == ref


def test_flush_all(both):
    def sc(c):
        c.set("x", b"1")
        return [c.flush_all(), c.get("x"), c.set("x", b"2"), c.get("x")]
    ref, got = run_both(both, sc)
    assert ref == [True, None, True, b"2"]
    assert got == ref


def test_large_value_and_too_large(both):
    def sc(c):
        out = [c.set("big", b"z" * 1000000), len(c.get("big") or b"")]
        try:
            c.set("huge", b"z" * (2 * 1024 * 1024))
            out.append("stored")
        except MemcacheServerError as e:
            out.append(str(e))
        out.append(c.get("big") == b"z" * 1000000)
        return out
    ref, got = run_both(both, sc)
    assert ref[:2] == [True, 1000000] and ref[3] is True
    assert got == ref


def test_noreply_calls(both):
    def sc(c):
        c.set("q", b"1", noreply=True)
        c.add("q", b"2", noreply=True)
        c.append("q", b"3", noreply=True)
        c.incr("q", 1, noreply=True)
        c.touch("q", 100, noreply=True)
        out = [c.get("q")]
        c.delete("q", noreply=True)
        out.append(c.get("q"))
        return out
    ref, got = run_both(both, sc)
    assert ref == [b"14", None]
    assert got == ref


def test_version_and_stats(both):
    memcached, ours = both
    c = client(ours)
    try:
        assert c.version()
        stats = c.stats()
        assert b"cmd_get" in stats and b"curr_items" in stats
    finally:
        c.close()
