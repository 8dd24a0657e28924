"""Abusive clients against memcached and ours, side by side: a storm of connection attempts
past `-c`, and a client that dribbles one byte at a time. The clients already being served
must keep their service."""

import os
import socket
import time

import pytest

import harness

REFUSAL = b"ERROR Too many open connections\r\n"
STORM_ATTEMPTS = 5000


def _get(sock, key):
    sock.sendall(b"get " + key + b"\r\n")
    return harness.read_until(sock, b"END\r\n")


def _stats(sock):
    """`stats` over a connection already open: with every slot taken, a new one is refused."""
    sock.sendall(b"stats\r\n")
    return harness.parse_stats(harness.read_until(sock, b"END\r\n"))


def _attempt(port):
    """One connection attempt past the limit: what the server sent before it closed."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        received = b""
        while True:
            try:
                chunk = s.recv(256)
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
        return received
    finally:
        s.close()


@pytest.mark.parametrize("kind", ["memcached", "ours"])
def test_connection_storm_past_the_limit_leaves_existing_clients_served(server_factory, kind):
    # memcached needs -c >= 18 to start with -t 2; 20 leaves room for a few clients.
    server = server_factory(kind, options={"-c": "20"})
    residents = [server.connect() for _ in range(3)]
    for index, sock in enumerate(residents):
        sock.sendall(b"set resident%d 0 0 5\r\nhello\r\n" % index)
        assert harness.read_until(sock, b"\r\n") == b"STORED\r\n"
    # Take every remaining slot, so that each attempt of the storm is refused.
    holders = []
    while True:
        s = server.connect()
        s.sendall(b"version\r\n")
        line = harness.read_until(s, b"\r\n")
        if not line.startswith(b"VERSION "):
            s.close()
            break
        holders.append(s)
    rejected_before = int(_stats(residents[0])["rejected_connections"])
    refusals = {}
    started = time.monotonic()
    for attempt in range(STORM_ATTEMPTS):
        reply = _attempt(server.port)
        refusals[reply] = refusals.get(reply, 0) + 1
        if attempt % 500 == 0:
            for index, sock in enumerate(residents):
                assert _get(sock, b"resident%d" % index) == b"VALUE resident%d 0 5\r\nhello\r\nEND\r\n" % index
    elapsed = time.monotonic() - started
    assert refusals == {REFUSAL: STORM_ATTEMPTS}, refusals
    stats = _stats(residents[0])
    assert int(stats["rejected_connections"]) - rejected_before == STORM_ATTEMPTS
    for index, sock in enumerate(residents):
        assert _get(sock, b"resident%d" % index) == b"VALUE resident%d 0 5\r\nhello\r\nEND\r\n" % index
    assert elapsed < 60
    for s in holders + residents:
        s.close()


@pytest.mark.parametrize("kind", ["memcached", "ours"])
def test_a_client_sending_one_byte_at_a_time_does_not_hold_its_worker(server_factory, kind):
    # One worker thread: the slow client and the fast one share it.
    server = server_factory(kind, options={"-t": "1"})
    fast = server.connect()
    fast.sendall(b"set k 0 0 1\r\nv\r\n")
    assert harness.read_until(fast, b"\r\n") == b"STORED\r\n"
    slow = server.connect()
    request = b"get k\r\n"
    slowest = 0.0
    for byte in request:
        slow.sendall(bytes([byte]))
        # Between two bytes of the slow request, the fast client is answered at once.
        for _ in range(20):
            start = time.monotonic()
            assert _get(fast, b"k") == b"VALUE k 0 1\r\nv\r\nEND\r\n"
            slowest = max(slowest, time.monotonic() - start)
        time.sleep(0.2)
    assert harness.read_until(slow, b"END\r\n") == b"VALUE k 0 1\r\nv\r\nEND\r\n"
    assert slowest < 0.5, f"a fast request waited {slowest:.3f} s behind the slow client"
    slow.close()
    fast.close()


def _rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _fill_noreply(sock, prefix, count, size):
    value = b"v" * size
    batch = []
    for index in range(count):
        batch.append(b"set %s%d 0 0 %d noreply\r\n%s\r\n" % (prefix, index, size, value))
        if len(batch) == 500:
            sock.sendall(b"".join(batch))
            batch = []
    sock.sendall(b"".join(batch) + b"version\r\n")
    assert harness.read_until(sock, b"\r\n").startswith(b"VERSION ")


# What the process holds besides the items: its code, thread stacks, buffers, the hash index and
# the allocator's slack (README, "Memory").
MEMORY_OVERHEAD_MIB = 48


@pytest.mark.skipif(
    "ASAN_OPTIONS" in os.environ or "TSAN_OPTIONS" in os.environ,
    reason="a sanitizer's shadow memory and quarantine count in RSS (make test-asan: 474 MiB before the arena)",
)
def test_filling_far_past_the_memory_limit_keeps_rss_bounded(server_factory):
    server = server_factory("ours", options={"-m": "32"}, switches=[])
    sock = server.connect()
    # 240 MB of 4 KB values, then 40 MB of 100-byte ones, into 32 MB, and so on: the sizes change
    # so that memory freed by one size must serve the other (small items live in the item arena's
    # pages, large ones in malloc's heap), and the bound holds after every change.
    phases = [(b"large", 60_000, 4096), (b"small", 400_000, 100), (b"again", 30_000, 4096), (b"more", 400_000, 100)]
    for prefix, count, size in phases:
        _fill_noreply(sock, prefix, count, size)
        stats = harness.parse_stats((sock.sendall(b"stats\r\n"), harness.read_until(sock, b"END\r\n"))[1])
        assert int(stats["bytes"]) <= 32 * 1024 * 1024
        rss_mib = _rss_kib(server.proc.pid) / 1024
        assert rss_mib <= 32 + MEMORY_OVERHEAD_MIB, f"RSS {rss_mib:.0f} MiB with -m 32 after {prefix.decode()}"
    assert int(stats["evictions"]) > 0
    sock.close()
