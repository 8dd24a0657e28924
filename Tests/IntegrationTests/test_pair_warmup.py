"""Warm-up read-through: a node restarted empty answers a local miss by
asking its peer until its first resync is complete, through every retrieval
command, and bounded by --repl-read-through-timeout when the peer does not
answer.

To hold the restarted node in its warm-up for as long as a test needs, b
dials a through a test-side proxy that the test pauses: b's resync to a
cannot arrive, while a's own link to b (which carries the read-through) is
direct."""

import os
import signal
import struct
import time

import pytest

import harness
import pair_harness as ph
from conftest import _ours_binary_or_skip

KEYS = [f"session-{i:04d}-n1" for i in range(300)]


def value_of(i):
    return b"state-%04d:" % i + b"x" * (i % 97)


def fill_b_and_converge(pair):
    with ph.Client(pair.b.port) as c:
        for i, key in enumerate(KEYS):
            assert c.store("set", key, value_of(i), flags=i, exp=3600) == b"STORED"
    ph.wait_converged(pair.a, pair.b)


def restart_a_warming(pair, proxy):
    """kill -9 a, stop b's resync from reaching it, start a empty; returns
    once a's own link to b streams (a is warming)."""
    pair.a.kill9()
    proxy.pause()
    pair.a.start()
    ph.wait_for(lambda: pair.a.repl()["repl_state"] == "streaming", ph.CONVERGE_TIMEOUT,
                "a's link to b is up", detail=lambda: pair.a.all_logs())
    repl = pair.a.repl()
    assert repl["repl_warming"] == "1" and repl["repl_resync_in_progress"] == "1", repl


def read_through_counters(node):
    repl = node.repl()
    return tuple(int(repl[f"repl_read_through_{name}"]) for name in ("hits", "misses", "timeouts"))


def binary_request(opcode, key=b"", extras=b"", opaque=0):
    header = struct.pack(">BBHBBHIIQ", 0x80, opcode, len(key), len(extras), 0, 0,
                         len(extras) + len(key), opaque, 0)
    return header + extras + key


def recv_exact(sock, n):
    data = bytearray()
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed by server")
        data += chunk
    return bytes(data)


def binary_replies(sock, count):
    out = []
    for _ in range(count):
        header = recv_exact(sock, 24)
        (magic, opcode, key_length, extras_length, _, status, body_length, opaque, cas) = \
            struct.unpack(">BBHBBHIIQ", header)
        body = recv_exact(sock, body_length)
        out.append((opcode, status, body[extras_length:extras_length + key_length],
                    body[extras_length + key_length:], body[:extras_length]))
    return out


@pytest.mark.timeout(90)
def test_a_restarted_node_reads_every_kind_of_retrieval_through_from_its_peer():
    pair, proxy = ph.start_proxied_pair("b", _ours_binary_or_skip())
    try:
        fill_b_and_converge(pair)
        restart_a_warming(pair, proxy)
        a = pair.a
        assert read_through_counters(a) == (0, 0, 0)

        with ph.Client(a.port) as c:
            # One multi-get with a key b lacks too: every present key comes back, in order, with its flags.
            asked = KEYS[:40] + ["never-written"]
            found = c.get(*asked)
            assert sorted(found) == sorted(KEYS[:40])
            for i, key in enumerate(KEYS[:40]):
                assert found[key][:2] == (i, value_of(i))
            assert read_through_counters(a) == (40, 1, 0)

            # Now local: asked again, no read-through.
            assert c.get(KEYS[0])[KEYS[0]][1] == value_of(0)
            assert read_through_counters(a) == (40, 1, 0)

            # gets, and gat, pipelined behind a set to a key that is not read through: replies in order.
            c.send(b"set local 0 0 2\r\nhi\r\ngets %s\r\ngat 100 %s\r\n" % (KEYS[50].encode(), KEYS[51].encode()))
            assert c.line() == b"STORED"
            gets = c.read_values()
            assert gets[KEYS[50]][:2] == (50, value_of(50)) and gets[KEYS[50]][2] is not None
            assert c.read_values()[KEYS[51]][:2] == (51, value_of(51))

            # The meta get with its flags: value, client flags, remaining TTL from the peer's absolute expiry.
            c.send(b"mg %s v f t k\r\n" % KEYS[60].encode())
            head = c.line().split(b" ")
            assert head[:2] == [b"VA", str(len(value_of(60))).encode()], head
            assert b"f60" in head and b"k" + KEYS[60].encode() in head
            ttl = int(next(flag for flag in head if flag.startswith(b"t"))[1:])
            assert 3500 < ttl <= 3600
            assert c.exact(len(value_of(60)) + 2) == value_of(60) + b"\r\n"
            # A meta miss for a key neither node has.
            assert c.cmd(b"mg absent v\r\n") == b"EN"
            assert read_through_counters(a) == (43, 2, 0)

        # Binary GETK and quiet GETKQ pipelined before a NOOP.
        with harness.connect(a.port, 10) as s:
            s.sendall(binary_request(0x0C, KEYS[70].encode(), opaque=1)
                      + binary_request(0x0D, KEYS[71].encode(), opaque=2)
                      + binary_request(0x0D, b"absent-too", opaque=3)
                      + binary_request(0x0A, opaque=4))
            replies = binary_replies(s, 3)
        assert [(r[0], r[1], r[2], r[3]) for r in replies] == [
            (0x0C, 0, KEYS[70].encode(), value_of(70)),
            (0x0D, 0, KEYS[71].encode(), value_of(71)),
            (0x0A, 0, b"", b"")]
        assert struct.unpack(">I", replies[0][4]) == (70,)
        assert read_through_counters(a) == (45, 3, 0)
        stats = ph.Client(a.port).stats()
        assert int(stats["get_hits"]) >= 45, "a read-through request is counted as the hit it became"

        # The resync arrives: warming ends, and a holds everything b has.
        proxy.resume()
        ph.wait_for(lambda: a.repl()["repl_warming"] == "0", ph.CONVERGE_TIMEOUT, "a's resync done",
                    detail=lambda: f"{a.repl()}\n{a.all_logs()}")
        ph.wait_converged(pair.a, pair.b)
        with ph.Client(a.port) as c:
            assert len(c.get_many(KEYS)) == len(KEYS)
            before = read_through_counters(a)
            assert c.get("still-absent") == {}
            assert read_through_counters(a) == before, "a warm node does not ask its peer"
    finally:
        pair.stop()
        proxy.stop()


@pytest.mark.timeout(60)
def test_read_through_is_bounded_by_its_timeout_when_the_peer_does_not_answer():
    extra = {"--repl-read-through-timeout": "300"}
    pair, proxy = ph.start_proxied_pair("b", _ours_binary_or_skip(), a_extra=extra, b_extra=extra)
    stopped = False
    try:
        fill_b_and_converge(pair)
        restart_a_warming(pair, proxy)
        a, b = pair.a, pair.b
        os.kill(b.proc.pid, signal.SIGSTOP)
        stopped = True
        with ph.Client(a.port) as c:
            started = time.monotonic()
            assert c.get(KEYS[5]) == {}
            waited = time.monotonic() - started
            # Every other request still served meanwhile, and after.
            assert c.store("set", "fresh", "v") == b"STORED"
            assert c.get("fresh")["fresh"][1] == b"v"
        assert waited >= 0.25, f"the miss came back after {waited:.3f} s, before the timeout"
        assert read_through_counters(a) == (0, 0, 1)
        os.kill(b.proc.pid, signal.SIGCONT)
        stopped = False
        # b answers again: the next miss is read through.
        with ph.Client(a.port) as c:
            assert c.get(KEYS[6])[KEYS[6]][1] == value_of(6)
        hits, _, timeouts = read_through_counters(a)
        assert hits >= 1 and timeouts == 1
    finally:
        if stopped:
            os.kill(pair.b.proc.pid, signal.SIGCONT)
        pair.stop()
        proxy.stop()


@pytest.mark.timeout(60)
def test_with_its_peer_down_a_restarted_node_answers_misses_at_once_and_stays_unhealthy():
    # A long read-through timeout, so that a wait for the dead peer could not pass unnoticed.
    extra = {"--repl-read-through-timeout": "5000"}
    pair, proxy = ph.start_proxied_pair("b", _ours_binary_or_skip(), a_extra=extra, b_extra=extra)
    try:
        fill_b_and_converge(pair)
        pair.b.kill9()
        pair.a.kill9()
        pair.a.start()
        ph.wait_for(lambda: pair.a.repl()["repl_state"] == "reconnecting", ph.CONVERGE_TIMEOUT,
                    "a waits to reconnect")
        with ph.Client(pair.a.port) as c:
            started = time.monotonic()
            assert c.get(*KEYS[:10]) == {}
            assert time.monotonic() - started < 2.5, "no wait for a peer that is down"
        assert read_through_counters(pair.a) == (0, 0, 0)
        assert pair.a.repl()["repl_warming"] == "1", "a cannot know what its peer holds"
    finally:
        pair.stop()
        proxy.stop()
