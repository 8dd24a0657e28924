"""Same bytes to memcached and to ReplicaCache; replies must be identical.

Data-driven cases live in text_cases.py. The scripted tests below cover what
cannot be fixed bytes: real CAS uniques, expiry that needs time to pass, and
the item-size boundary the data cases rely on.
"""

import time

import pytest

import harness
from text_cases import CASES, ITEM_LIMIT_SUM


def _pair(pool, fn, memcached, ours, *args):
    a = pool.submit(fn, memcached, *args)
    b = pool.submit(fn, ours, *args)
    return a.result(), b.result()


def _exchange(server, data):
    return server.exchange(data)


def _diff_message(name, request, ref, got):
    return (f"case {name!r}\n  request:   {harness.show(request)}\n"
            f"  memcached: {harness.show(ref)}\n  ours:      {harness.show(got)}")


@pytest.mark.parametrize("name,request_bytes", CASES, ids=[c[0] for c in CASES])
def test_case(name, request_bytes, both, pool):
    memcached, ours = both
    ref, got = _pair(pool, _exchange, memcached, ours, request_bytes)
    ref_n = harness.normalise(request_bytes, ref)
    got_n = harness.normalise(request_bytes, got)
    assert ref_n == got_n, _diff_message(name, request_bytes, ref_n, got_n)


# ---------------------------------------------------------------- scripted

def _gets_unique(sock, key):
    sock.sendall(b"gets " + key + b"\r\n")
    reply = harness.read_until(sock, b"END\r\n")
    if reply == b"END\r\n":
        return None
    header = reply.split(b"\r\n", 1)[0].split(b" ")
    assert header[0] == b"VALUE" and len(header) == 5, reply
    return int(header[4])


def _cas_script(server):
    """Uses the real uniques; returns the observed replies with uniques
    reduced to facts (changed / same)."""
    s = server.connect()
    out = []
    try:
        def req(data, until=b"\r\n"):
            s.sendall(data)
            r = harness.read_until(s, until)
            out.append(r)
            return r

        req(b"set c 3 0 3\r\nabc\r\n")
        u1 = _gets_unique(s, b"c")
        req(b"cas c 4 0 3 %d\r\nxyz\r\n" % u1)            # STORED
        req(b"cas c 4 0 3 %d\r\nzzz\r\n" % u1)            # EXISTS: unique moved
        u2 = _gets_unique(s, b"c")
        out.append(b"unique changed by cas: %d" % (u2 != u1))
        req(b"get c\r\n", b"END\r\n")
        req(b"cas c 0 0 1 %d noreply\r\nq\r\n" % u2 + b"get c\r\n", b"END\r\n")
        u3 = _gets_unique(s, b"c")
        for label, cmd, until in [
            (b"append", b"append c 0 0 1\r\n!\r\n", b"\r\n"),
            (b"prepend", b"prepend c 0 0 1\r\n!\r\n", b"\r\n"),
            (b"touch", b"touch c 100\r\n", b"\r\n"),
            (b"gat", b"gat 100 c\r\n", b"END\r\n"),
            (b"get", b"get c\r\n", b"END\r\n"),
            (b"failed add", b"add c 0 0 1\r\nz\r\n", b"\r\n"),
            (b"set", b"set c 0 0 2\r\n41\r\n", b"\r\n"),
            (b"incr", b"incr c 1\r\n", b"\r\n"),
            (b"decr", b"decr c 1\r\n", b"\r\n"),
        ]:
            req(cmd, until)
            u = _gets_unique(s, b"c")
            out.append(b"unique changed by %s: %d" % (label, u != u3))
            u3 = u
        # cas against a deleted key with its last unique
        req(b"delete c\r\n")
        req(b"cas c 0 0 1 %d\r\nx\r\n" % u3)             # NOT_FOUND
        # cas on a key that expired
        req(b"set e 0 0 1\r\nx\r\n")
        ue = _gets_unique(s, b"e")
        req(b"touch e -1\r\n")
        req(b"cas e 0 0 1 %d\r\ny\r\n" % ue)
        # uniques of two fresh items differ and grow
        req(b"set f 0 0 1\r\nx\r\nset g 0 0 1\r\ny\r\n", b"STORED\r\nSTORED\r\n")
        uf, ug = _gets_unique(s, b"f"), _gets_unique(s, b"g")
        out.append(b"unique grows: %d" % (ug > uf))
        # gets on several keys: one unique per key, none zero
        s.sendall(b"gets f g f\r\n")
        r = harness.read_until(s, b"END\r\n")
        uniques = [ln.split(b" ")[4] for ln in r.split(b"\r\n") if ln.startswith(b"VALUE")]
        out.append(b"gets multi: %d uniques, repeated same: %d, nonzero: %d" % (
            len(uniques), uniques[0] == uniques[2], all(int(x) > 0 for x in uniques)))
    finally:
        s.close()
    return out


def test_cas_with_real_uniques(both, pool):
    memcached, ours = both
    ref, got = _pair(pool, lambda srv: _cas_script(srv), memcached, ours)
    assert b"STORED\r\n" in ref and b"EXISTS\r\n" in ref  # the script means what it says
    assert ref == got


def test_cas_race_between_two_connections(both, pool):
    def script(server):
        a, b = server.connect(), server.connect()
        try:
            a.sendall(b"set r 0 0 1\r\n0\r\n")
            harness.read_until(a, b"\r\n")
            ua, ub = _gets_unique(a, b"r"), _gets_unique(b, b"r")
            a.sendall(b"cas r 0 0 1 %d\r\na\r\n" % ua)
            ra = harness.read_until(a, b"\r\n")
            b.sendall(b"cas r 0 0 1 %d\r\nb\r\n" % ub)
            rb = harness.read_until(b, b"\r\n")
            b.sendall(b"get r\r\n")
            return [ra, rb, harness.read_until(b, b"END\r\n")]
        finally:
            a.close()
            b.close()

    memcached, ours = both
    ref, got = _pair(pool, script, memcached, ours)
    assert ref[0] == b"STORED\r\n" and ref[1] == b"EXISTS\r\n"
    assert ref == got


@pytest.mark.parametrize("key_len", [1, 10, 250])
def test_item_size_boundary(both, pool, key_len):
    """The data cases hard-code memcached's boundary for -I 1m; check it is
    still memcached's and that ours agrees on both sides."""
    def probe(server):
        key = b"k" * key_len
        out = []
        for n in (ITEM_LIMIT_SUM - key_len, ITEM_LIMIT_SUM - key_len + 1):
            out.append(server.call(b"set %s 0 0 %d\r\n" % (key, n) + b"v" * n + b"\r\n",
                                   until=b"\r\n"))
        return out

    memcached, ours = both
    ref, got = _pair(pool, probe, memcached, ours)
    assert ref == [b"STORED\r\n", b"SERVER_ERROR object too large for cache\r\n"]
    assert got == ref


def _timed_script(server):
    s = server.connect()
    out = []
    try:
        s.sendall(b"set short 0 1 1\r\nx\r\nset long 0 100 1\r\ny\r\n"
                  b"set t 0 100 1\r\nz\r\ntouch t 1\r\nset g 0 100 1\r\nw\r\n")
        harness.read_until(s, b"STORED\r\nSTORED\r\nSTORED\r\nTOUCHED\r\nSTORED\r\n")
        s.sendall(b"gat 1 g\r\n")
        harness.read_until(s, b"END\r\n")
        time.sleep(2.5)
        s.sendall(b"get short long t g\r\n")
        out.append(harness.read_until(s, b"END\r\n"))
        s.sendall(b"flush_all 2\r\nget long\r\n")
        out.append(harness.read_until(s, b"END\r\n"))
        time.sleep(3.0)
        s.sendall(b"get long\r\n")
        out.append(harness.read_until(s, b"END\r\n"))
        return out
    finally:
        s.close()


def test_expiry_and_delayed_flush_take_effect(both, pool):
    memcached, ours = both
    ref, got = _pair(pool, _timed_script, memcached, ours)
    assert ref == [b"VALUE long 0 1\r\ny\r\nEND\r\n",
                   b"OK\r\nVALUE long 0 1\r\ny\r\nEND\r\n",
                   b"END\r\n"]
    assert got == ref


def test_version_prefix(ours):
    reply = ours.call(b"version\r\n", until=b"\r\n")
    assert reply.startswith(b"VERSION ") and len(reply) > len(b"VERSION \r\n")


def test_case_count():
    assert len(CASES) >= 170
