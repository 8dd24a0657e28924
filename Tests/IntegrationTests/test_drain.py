"""SIGTERM drains: no new connections, every request already sent is answered, each connection is
closed only between requests, the peer acknowledges every write first, and all of it is bounded
by --drain-timeout; then exit 0. SIGINT still stops at once."""

import os
import signal
import socket
import time

import pytest

import harness
import pair_harness as ph

pytestmark = pytest.mark.timeout(60)


def read_to_close(sock, limit=10.0):
    sock.settimeout(limit)
    out = bytearray()
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return bytes(out)
        out += chunk


def wait_exit(server, limit=15.0):
    started = time.monotonic()
    code = server.proc.wait(timeout=limit)
    return code, time.monotonic() - started


def test_half_sent_request_is_answered_before_the_connection_closes():
    server = harness.ServerProcess("ours", harness.replicacache_bin(), options={"--drain-timeout": "5"}).start()
    busy = server.connect()
    idle = server.connect()
    idle.sendall(b"version\r\n")
    assert harness.read_until(idle, b"\r\n").startswith(b"VERSION ")
    # Two whole requests and half of a third are on their way when the stop comes.
    busy.sendall(b"set a 0 0 1\r\n1\r\nget a\r\nset b 0 0 5\r\nhel")
    assert harness.read_until(busy, b"END\r\n") == b"STORED\r\nVALUE a 0 1\r\n1\r\nEND\r\n"
    os.kill(server.proc.pid, signal.SIGTERM)
    # The idle client is closed at once; no new client gets in.
    assert read_to_close(idle, 3) == b""
    with pytest.raises(OSError):
        harness.connect(server.port, timeout=2).sendall(b"version\r\n")
    time.sleep(0.3)
    assert server.proc.poll() is None, "the half-sent request keeps the server draining"
    busy.sendall(b"lo\r\n")
    assert read_to_close(busy) == b"STORED\r\n", "answered, then closed at the request boundary"
    code, _ = wait_exit(server)
    assert code == 0
    server.proc = None


def test_drain_timeout_bounds_a_client_that_never_finishes_its_request():
    server = harness.ServerProcess("ours", harness.replicacache_bin(), options={"--drain-timeout": "1"}).start()
    stuck = server.connect()
    stuck.sendall(b"set k 0 0 10\r\nabc")
    time.sleep(0.2)
    os.kill(server.proc.pid, signal.SIGTERM)
    code, took = wait_exit(server)
    assert code == 0 and 0.8 <= took <= 5, took
    assert read_to_close(stuck, 3) == b""
    server.proc = None


def test_sigint_still_stops_at_once():
    server = harness.ServerProcess("ours", harness.replicacache_bin(), options={"--drain-timeout": "30"}).start()
    stuck = server.connect()
    stuck.sendall(b"set k 0 0 10\r\nabc")
    time.sleep(0.2)
    os.kill(server.proc.pid, signal.SIGINT)
    code, took = wait_exit(server)
    assert code == 0 and took < 5, took
    server.proc = None


def test_sigterm_waits_until_the_peer_acknowledged_the_backlog():
    """a's link is stalled (a proxy that stops forwarding), so when a is stopped most of 12 MB of
    acknowledged writes are still in its backlog: the drain must send them and wait for b's ack."""
    pa, pb = ph.pair_ports()
    proxy = ph.CutProxy(pb)
    a = ph.make_node("a", pa, proxy.port, extra={"--drain-timeout": "20"})
    b = ph.make_node("b", pb, pa)
    try:
        a.start()
        b.start()
        ph.wait_streaming_both(a, b)
        proxy.pause()
        value = b"x" * 4096
        keys = [b"stall-%d" % i for i in range(3000)]
        with harness.connect(pa) as sock:
            sock.sendall(b"".join(b"set %s 0 0 4096 noreply\r\n%s\r\n" % (key, value) for key in keys) + b"mn\r\n")
            assert harness.read_until(sock, b"MN\r\n", limit=30) == b"MN\r\n"
        lag = int(a.repl()["repl_lag_bytes"])
        assert lag > 4 << 20, f"the stall must hold megabytes back, held {lag}"
        os.kill(a.proc.pid, signal.SIGTERM)
        time.sleep(0.5)
        assert a.proc.poll() is None, "a waits for b's ack"
        proxy.resume()
        code, _ = wait_exit(a, limit=30)
        assert code == 0
        a.proc = None
        with harness.connect(pb) as sock:
            missing = 0
            for start in range(0, len(keys), 200):
                batch = keys[start:start + 200]
                sock.sendall(b"".join(b"mg %s s\r\n" % key for key in batch) + b"mn\r\n")
                reply = harness.read_until(sock, b"MN\r\n", limit=30)
                assert reply.count(b"HD s4096\r\n") + reply.count(b"EN\r\n") == len(batch), reply[:200]
                missing += reply.count(b"EN\r\n")
        assert missing == 0, f"{missing} of {len(keys)} acknowledged writes missing on b"
    finally:
        for node in (a, b):
            if node.proc is not None and node.proc.poll() is None:
                node.stop()
        proxy.stop()


def test_async_pair_node_stopped_with_sigterm_leaves_every_acknowledged_write_on_its_peer():
    with ph.Pair(mode="async", a_extra={"--drain-timeout": "10"}) as pair:
        # Several rounds: each stops a right after its last reply, inside the coalescing window.
        for round_number in range(3):
            if round_number:
                pair.a.start()
                ph.wait_streaming_both(pair.a, pair.b)
            keys = [b"r%d-k%d" % (round_number, i) for i in range(3000)]
            with harness.connect(pair.pa) as sock:
                sock.sendall(b"".join(b"set %s 0 0 2 noreply\r\nv%d\r\n" % (key, round_number) for key in keys)
                             + b"mn\r\n")
                assert harness.read_until(sock, b"MN\r\n") == b"MN\r\n"
                os.kill(pair.a.proc.pid, signal.SIGTERM)
                assert read_to_close(sock) == b""
            code, _ = wait_exit(pair.a)
            assert code == 0
            pair.a.proc = None
            with harness.connect(pair.pb) as sock:
                missing = 0
                for start in range(0, len(keys), 500):
                    batch = keys[start:start + 500]
                    sock.sendall(b"get " + b" ".join(batch) + b"\r\n")
                    reply = harness.read_until(sock, b"END\r\n")
                    missing += sum(1 for key in batch if b"VALUE " + key + b" " not in reply)
            assert missing == 0, f"round {round_number}: {missing} acknowledged writes missing on b"
