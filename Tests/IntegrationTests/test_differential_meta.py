"""Meta protocol (mg ms md ma me mn): the same bytes to memcached 1.6.18 and
to ReplicaCache, replies compared byte for byte after harness.normalise
(CAS uniques) and with seconds (`t`, `l`, `exp=`, `la=`) allowed to differ by
one, as the two servers' clocks tick over at different instants.

The cases are data in meta_binary_cases.META_CASES; the scripted tests below
use real CAS uniques, which differ between the servers.
"""

import random
import time

import pytest

import harness
from meta_binary_cases import META_CASES


def _pair(pool, fn, memcached, ours, *args):
    a = pool.submit(fn, memcached, *args)
    b = pool.submit(fn, ours, *args)
    return a.result(), b.result()


def _same(ref, got):
    ref_text, ref_seconds = harness.split_meta_times(ref)
    got_text, got_seconds = harness.split_meta_times(got)
    return (ref_text == got_text and len(ref_seconds) == len(got_seconds)
            and all(abs(a - b) <= 1 for a, b in zip(ref_seconds, got_seconds)))


@pytest.mark.parametrize("name,request_bytes", META_CASES, ids=[c[0] for c in META_CASES])
def test_meta_case(name, request_bytes, both, pool):
    memcached, ours = both
    ref, got = _pair(pool, lambda srv: srv.exchange(request_bytes), memcached, ours)
    ref_n = harness.normalise(request_bytes, ref)
    got_n = harness.normalise(request_bytes, got)
    assert _same(ref_n, got_n), (
        f"case {name!r}\n  request:   {harness.show(request_bytes)}\n"
        f"  memcached: {harness.show(ref_n)}\n  ours:      {harness.show(got_n)}")


def test_meta_case_count():
    assert len(META_CASES) >= 100


def test_tolerance_is_one_second():
    assert _same(b"VA 1 t100\r\nt99\r\n", b"VA 1 t99\r\nt99\r\n")
    assert not _same(b"VA 1 t100\r\nx\r\n", b"VA 1 t98\r\nx\r\n")
    assert not _same(b"VA 3 t5\r\nt10\r\n", b"VA 3 t5\r\nt11\r\n")  # value data is compared exactly
    assert _same(b"ME a exp=-100 la=0 cas=<cas>\r\n", b"ME a exp=-99 la=1 cas=<cas>\r\n")


# ---------------------------------------------------------------- scripted

def _cas_of(reply):
    for token in reply.split(b"\r\n", 1)[0].split(b" "):
        if token.startswith(b"c") and token[1:].isdigit():
            return int(token[1:])
    raise AssertionError(reply)


def _cas_script(server):
    """Compare-and-set flows with the server's real uniques; uniques in the
    replies are reduced to facts."""
    s = server.connect()
    out = []
    try:
        def req(data, until=b"\r\n"):
            s.sendall(data)
            reply = harness.read_until(s, until)
            out.append(harness.normalise(b"", reply))
            return reply

        cas = _cas_of(req(b"ms a 1 c\r\nx\r\n"))
        out.append(b"mg reports the stored cas: %d" % (
            _cas_of(req(b"mg a c v\r\n", b"x\r\n")) == cas))
        new = _cas_of(req(b"ms a 1 C%d c\r\ny\r\n" % cas))                # HD
        out.append(b"cas changed: %d" % (new != cas))
        req(b"ms a 1 C%d c\r\nz\r\n" % cas)                              # EX: old cas
        req(b"ms a 1 MA C%d\r\n+\r\n" % new)                             # append with cas
        cur = _cas_of(req(b"mg a c v\r\n", b"y+\r\n"))
        req(b"ma a C%d\r\n" % cur)                                       # non-numeric
        req(b"ms n 1 c\r\n5\r\n")
        ncas = _cas_of(req(b"mg n c\r\n"))
        after = _cas_of(req(b"ma n C%d c v\r\n" % ncas, b"\r\n6\r\n"))   # applied
        out.append(b"ma cas changed: %d" % (after != ncas))
        req(b"ma n C%d\r\n" % ncas)                                      # EX
        req(b"md n C%d\r\n" % ncas)                                      # EX
        req(b"md n C%d q\r\nmn\r\n" % after, b"MN\r\n")                  # deleted quietly
        # invalidation: md I bumps the cas; ms I with an older cas stores a stale item
        icas = _cas_of(req(b"ms i 1 c T100\r\nx\r\n"))
        req(b"md i I T30\r\n")
        bumped = _cas_of(req(b"mg i c\r\n"))
        out.append(b"invalidate bumped cas: %d" % (bumped != icas))
        req(b"ms i 1 C%d I\r\ns\r\n" % icas)                             # older cas under I: stored stale
        req(b"mg i v c\r\n", b"s\r\n")                                   # X Z (token already sent by mg above)
        req(b"ms i 1 C%d I\r\nt\r\n" % (bumped + 1000))                  # newer than item: EX
        fresh = _cas_of(req(b"mg i c\r\n"))
        req(b"ms i 1 C%d I\r\nu\r\n" % fresh)                            # exact match: stored, not stale
        req(b"mg i v\r\n", b"u\r\n")
    finally:
        s.close()
    return out


def test_meta_cas_with_real_uniques(both, pool):
    memcached, ours = both
    ref, got = _pair(pool, _cas_script, memcached, ours)
    assert b"EX\r\n" in ref and any(r.startswith(b"HD") for r in ref)
    assert ref == got


# ---------------------------------------------------------------- counters

META_COUNTERS = """cmd_get cmd_set cmd_touch cmd_meta get_hits get_misses delete_hits
delete_misses incr_hits incr_misses decr_hits decr_misses cas_hits cas_misses
cas_badval touch_hits touch_misses total_items""".split()


def _meta_counter_script(server, tag):
    s = server.connect()
    try:
        def req(data, until=b"\r\n"):
            s.sendall(data.replace(b"@", tag))
            return harness.read_until(s, until)

        before = server.stats()
        req(b"ms @a 1\r\n1\r\nms @b 1 MR\r\n2\r\nms @c 1 C5\r\nx\r\nms @a 1 C1\r\nx\r\nmn\r\n", b"MN\r\n")
        req(b"mg @a v\r\nmg @zz v\r\nmg @a T100\r\nmg @zz T100\r\nmg @v N30\r\nmg @a q\r\nmn\r\n", b"MN\r\n")
        req(b"ma @a\r\nma @a MD\r\nma @zz\r\nma @zz MD\r\nma @n N0 J3\r\nma @a C1\r\nmn\r\n", b"MN\r\n")
        req(b"md @a C1\r\nmd @a I\r\nmd @a\r\nmd @a\r\nme @b\r\nme @zz\r\nmn\r\n", b"MN\r\n")
        return before, server.stats()
    finally:
        s.close()


def test_meta_counters_move_like_memcached(both, pool):
    memcached, ours = both
    tag = b"mcnt%d-" % time.monotonic_ns()
    fr, fo = pool.submit(_meta_counter_script, memcached, tag), pool.submit(_meta_counter_script, ours, tag)
    (rb, ra), (ob, oa) = fr.result(), fo.result()
    ref = {c: int(ra[c]) - int(rb[c]) for c in META_COUNTERS}
    got = {c: int(oa[c]) - int(ob[c]) for c in META_COUNTERS if c in oa and c in ob}
    assert ref["cmd_meta"] == 2 and ref["get_hits"] >= 2 and ref["incr_hits"] == 1
    assert got == ref


def _trickle(server, data):
    """Sends `data` a byte at a time, then reads the whole reply."""
    s = server.connect()
    try:
        for i in range(len(data)):
            s.sendall(data[i:i + 1])
            time.sleep(0.001)
        return harness.read_quiet(s)
    finally:
        s.close()


def test_meta_requests_split_at_every_byte(both, pool):
    """Every meta command, its data block included, arriving one byte per
    segment: the replies are those of the whole request."""
    request = (b"ms a 3 T100 F4 c k\r\nabc\r\nmg a v f s k O1\r\nms b 2 ! \r\nzz\r\n"
               b"ma n N0 J9 v\r\nmd a I\r\nmg a v c\r\nme n\r\nmg zz q\r\nmd n q\r\nmn\r\n")
    memcached, ours = both
    ref, got = _pair(pool, _trickle, memcached, ours, request)
    ref_n, got_n = harness.normalise(request, ref), harness.normalise(request, got)
    assert ref.endswith(b"MN\r\n") and b"CLIENT_ERROR invalid flag" in ref
    assert _same(ref_n, got_n), f"\n  memcached: {harness.show(ref_n)}\n  ours:      {harness.show(got_n)}"


# ------------------------------------------------------ random sessions

_KEYS = [b"a", b"b", b"n", b"YQ==", b"bg=="]
_FLAGS = [b"v", b"k", b"s", b"t", b"c", b"f", b"h", b"l", b"u", b"q", b"O1", b"Oxy", b"T0", b"T100", b"T-1",
          b"N30", b"N0", b"R30", b"I", b"C1", b"C0", b"D2", b"J5", b"MD", b"ME", b"MA", b"MP", b"MR", b"MS",
          b"MI", b"M+", b"M-", b"F3", b"b", b"x", b"E1", b"Tx", b"P", b"Lz"]


def _random_request(rng):
    """One meta (or text) command with up to four flags drawn from every kind
    memcached knows, plus a few it refuses."""
    verb = rng.choice([b"mg", b"mg", b"ms", b"ms", b"md", b"ma", b"me", b"mn", b"get", b"incr"])
    key = rng.choice(_KEYS)
    flags = rng.sample(_FLAGS, rng.randrange(0, 5))
    if verb == b"ms":
        data = rng.choice([b"1", b"42", b"xy", b"", b"99"])
        return b" ".join([verb, key, b"%d" % len(data)] + flags) + b"\r\n" + data + b"\r\n"
    if verb == b"get":
        return b"get " + key + b"\r\n"
    if verb == b"incr":
        return b"incr " + key + b" 1\r\n"
    return b" ".join([verb, key] + flags) + b"\r\n"


@pytest.mark.timeout(120)
def test_meta_random_sessions(memcached, ours, pool):
    """120 seeded sessions of eight random commands each; flag combinations
    the case table does not spell out must answer as memcached does too."""
    rng = random.Random(20261122)
    for number in range(120):
        request = b"".join(_random_request(rng) for _ in range(8)) + b"mn\r\n"
        memcached.flush()
        ours.flush()
        ref, got = _pair(pool, lambda srv: srv.exchange(request), memcached, ours)
        ref_n, got_n = harness.normalise(request, ref), harness.normalise(request, got)
        assert ref.endswith(b"MN\r\n"), (number, ref)
        assert _same(ref_n, got_n), (
            f"session {number}\n  request:   {harness.show(request)}\n"
            f"  memcached: {harness.show(ref_n)}\n  ours:      {harness.show(got_n)}")
