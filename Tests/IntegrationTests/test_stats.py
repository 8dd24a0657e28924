"""stats / stats settings / stats items|slabs|conns / lru_crawler metadump.

Values are not byte-comparable (pids, times, memory layout), so these tests
compare names, formats and how counters move.
"""

import re
import time
import urllib.parse

import pytest

import harness

GENERAL_FIELDS = """pid uptime time version curr_connections total_connections
rejected_connections cmd_get cmd_set cmd_touch cmd_flush get_hits get_misses
get_expired get_flushed delete_hits delete_misses incr_hits incr_misses
decr_hits decr_misses cas_hits cas_misses cas_badval touch_hits touch_misses
bytes_read bytes_written limit_maxbytes threads bytes curr_items total_items
evictions reclaimed expired_unfetched evicted_unfetched""".split()

SETTINGS_FIELDS = ["maxconns", "tcpport", "item_size_max", "evictions"]

COUNTERS = """cmd_get cmd_set cmd_touch cmd_flush get_hits get_misses get_expired
get_flushed delete_hits delete_misses incr_hits incr_misses decr_hits
decr_misses cas_hits cas_misses cas_badval touch_hits touch_misses
total_items curr_items""".split()

STAT_LINE = re.compile(rb"STAT [^ \r\n]+ [^\r\n]*")


@pytest.mark.parametrize("field", GENERAL_FIELDS)
def test_stats_field_present(memcached, ours, field):
    ref = memcached.stats()
    assert field in ref, f"memcached itself lacks {field}"
    assert field in ours.stats(), f"ours lacks stats field {field}"


def test_stats_settings_fields(memcached, ours):
    ref, got = memcached.stats(b"settings"), ours.stats(b"settings")
    for field in SETTINGS_FIELDS:
        assert field in ref
        assert field in got, f"ours lacks stats settings field {field}"
        if field != "tcpport":
            assert got[field] == ref[field], (field, ref[field], got[field])
    assert ref["tcpport"] == str(memcached.port)
    assert got["tcpport"] == str(ours.port)


def test_stats_static_values_match(memcached, ours):
    ref, got = memcached.stats(), ours.stats()
    for field in ("limit_maxbytes", "threads"):
        assert got[field] == ref[field], (field, ref[field], got[field])
    assert got["pid"] == str(ours.proc.pid)
    assert abs(int(got["time"]) - time.time()) <= 2
    assert int(got["uptime"]) >= 0


def _counter_script(server, tag):
    """Keys carry `tag` so leftovers of earlier tests (flushed items are
    reclaimed lazily) cannot change curr_items."""
    s = server.connect()
    try:
        def req(data, until=b"\r\n"):
            s.sendall(data.replace(b"@", tag))
            return harness.read_until(s, until)

        assert req(b"stats reset\r\n") == b"RESET\r\n"
        before = server.stats()
        req(b"set @a 0 0 1\r\n1\r\nset @b 0 0 1\r\n2\r\nset @c 0 0 1\r\nx\r\n", b"STORED\r\n" * 3)
        for key in (b"@a", b"@b", b"@zz"):
            req(b"get " + key + b"\r\n", b"END\r\n")
        req(b"get @a @b @zz @yy\r\n", b"END\r\n")
        req(b"delete @c\r\ndelete @c\r\n", b"DELETED\r\nNOT_FOUND\r\n")
        req(b"incr @a 1\r\nincr @zz 1\r\ndecr @b 1\r\ndecr @zz 1\r\n", b"2\r\nNOT_FOUND\r\n1\r\nNOT_FOUND\r\n")
        req(b"gets @a\r\n", b"END\r\n")
        req(b"cas @zz 0 0 1 1\r\nx\r\n")
        req(b"cas @a 0 0 1 999999999\r\nx\r\n")
        req(b"touch @a 100\r\ntouch @zz 100\r\n", b"TOUCHED\r\nNOT_FOUND\r\n")
        req(b"gat 100 @a @zz\r\n", b"END\r\n")
        req(b"set @e 0 -1 1\r\nx\r\nget @e\r\n", b"END\r\n")
        req(b"set @f 0 0 1\r\nx\r\nflush_all\r\nget @f\r\n", b"END\r\n")
        after = server.stats()
        req(b"stats reset\r\n")
        reset = server.stats()
        return before, after, reset
    finally:
        s.close()


def test_counters_move_like_memcached(both, pool):
    memcached, ours = both
    tag = b"cnt%d-" % time.monotonic_ns()
    fr, fo = pool.submit(_counter_script, memcached, tag), pool.submit(_counter_script, ours, tag)
    (rb, ra, rr), (ob, oa, orr) = fr.result(), fo.result()
    ref_delta = {c: int(ra[c]) - int(rb[c]) for c in COUNTERS}
    got_delta = {c: int(oa[c]) - int(ob[c]) for c in COUNTERS if c in oa and c in ob}
    # The script's intent, checked on the reference so the test means it.
    assert ref_delta["cmd_set"] == 7 and ref_delta["get_hits"] >= 2 and ref_delta["get_misses"] >= 1
    assert got_delta == ref_delta
    for server_after, server_before in ((ra, rb), (oa, ob)):
        assert int(server_after["bytes_read"]) > int(server_before["bytes_read"])
        assert int(server_after["bytes_written"]) > int(server_before["bytes_written"])
    # After `stats reset` the counters are back where memcached puts them.
    # (curr_items is a level, not a counter: it keeps flushed items that
    # are reclaimed lazily, so it is left out)
    resettable = [c for c in COUNTERS if c != "curr_items"]
    ref_reset = {c: rr[c] for c in resettable}
    got_reset = {c: orr.get(c) for c in resettable}
    assert got_reset == ref_reset


def test_simple_counters_after_reset(both, pool):
    """3 sets, 2 get hits, 1 miss after `stats reset`."""
    def script(server):
        assert server.call(b"stats reset\r\n", until=b"\r\n") == b"RESET\r\n"
        server.call(b"set x 0 0 1\r\n1\r\nset y 0 0 1\r\n2\r\nset z 0 0 1\r\n3\r\n", until=b"STORED\r\n" * 3)
        server.call(b"get x y nope\r\n", until=b"END\r\n")
        st = server.stats()
        return {k: st[k] for k in ("cmd_set", "get_hits", "get_misses", "cmd_get")}

    memcached, ours = both
    ref = script(memcached)
    assert ref == {"cmd_set": "3", "get_hits": "2", "get_misses": "1", "cmd_get": "3"}
    assert script(ours) == ref


def test_connection_counters(both):
    memcached, ours = both
    for server in (memcached, ours):
        before = server.stats()
        socks = [server.connect() for _ in range(5)]
        try:
            for s in socks:
                s.sendall(b"version\r\n")
                harness.read_until(s, b"\r\n")
            during = server.stats()
        finally:
            for s in socks:
                s.close()
        assert int(during["curr_connections"]) >= int(before["curr_connections"]) + 5, server
        assert int(during["total_connections"]) >= int(before["total_connections"]) + 5, server


@pytest.mark.parametrize("sub", [b"items", b"slabs", b"conns", b"settings", b""])
def test_stats_sub_format(both, sub):
    memcached, ours = both
    for server in (memcached, ours):
        server.call(b"set fmt 0 0 3\r\nabc\r\n", until=b"\r\n")
        s = server.connect()
        try:
            s.sendall(b"stats " + sub + b"\r\n" if sub else b"stats\r\n")
            reply = harness.read_until(s, b"END\r\n")
        finally:
            s.close()
        lines = reply.split(b"\r\n")
        assert lines[-2:] == [b"END", b""], (server, reply[-100:])
        for line in lines[:-2]:
            assert STAT_LINE.fullmatch(line), (server, line)
        assert len(lines) > 2, (server, sub, reply)


def test_stats_reset_reply(both):
    memcached, ours = both
    ref = memcached.call(b"stats reset\r\n")
    assert ours.call(b"stats reset\r\n") == ref


# ------------------------------------------------------ lru_crawler metadump

def _metadump(server, setup):
    s = server.connect()
    try:
        s.sendall(setup)
        harness.read_quiet(s)
        s.sendall(b"lru_crawler metadump all\r\n")
        reply = harness.read_until(s, b"END\r\n")
    finally:
        s.close()
    entries = {}
    body = reply[:-len(b"END\r\n")]
    for line in body.split(b"\n"):
        if not line:
            continue
        fields = dict(part.split(b"=", 1) for part in line.split(b" "))
        assert set(fields) >= {b"key", b"exp", b"la", b"cas", b"fetch", b"cls", b"size"}, line
        key = urllib.parse.unquote_to_bytes(fields[b"key"])
        entries[key] = int(fields[b"exp"])
    return reply, entries


def test_metadump_lists_same_keys(both, pool):
    setup = (b"set plain 0 0 1\r\nx\r\nset bak:sid-n1 0 3600 2\r\nxy\r\n"
             b"set validity:sid-n1 0 1800 3\r\nabc\r\nset gone 0 0 1\r\nx\r\ndelete gone\r\n"
             b"set k%\xc3\xa9 7 100 1\r\nx\r\nset expired 0 -1 1\r\nx\r\n")
    memcached, ours = both
    (rref, ref), (rgot, got) = [f.result() for f in
                                (pool.submit(_metadump, memcached, setup), pool.submit(_metadump, ours, setup))]
    assert rref.endswith(b"END\r\n") and rgot.endswith(b"END\r\n")
    assert set(ref) >= {b"plain", b"bak:sid-n1", b"validity:sid-n1", b"k%\xc3\xa9"}
    assert set(got) == set(ref), (rref, rgot)
    for key, exp in ref.items():
        if exp == -1:
            assert got[key] == -1, key
        else:
            # Absolute unix time. memcached's clock ticks once a second, so its `now` is up to a second behind
            # ours; with the two sets a few milliseconds apart across a second boundary, 2 s apart is possible.
            assert abs(got[key] - exp) <= 2, (key, exp, got[key])


def test_metadump_line_format(both):
    memcached, ours = both
    for server in (memcached, ours):
        reply, _ = _metadump(server, b"set a 0 0 1\r\nx\r\n")
        # memcached ends each item line with a bare \n, then END\r\n
        lines = reply.split(b"\n")
        assert lines[-2:] == [b"END\r", b""], (server, reply)
        assert all(not ln.endswith(b"\r") for ln in lines[:-2]), (server, reply)


def test_metadump_after_other_commands_in_same_packet(both):
    memcached, ours = both
    req = b"set a 0 0 1\r\nx\r\nlru_crawler metadump all\r\n"
    ref = memcached.exchange(req)
    assert ours.exchange(req) == ref
