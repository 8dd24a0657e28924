"""`-o idle_timeout=N`: memcached and ours close a connection that sent nothing for N seconds,
count it in `idle_kicks`, and leave busy connections alone."""

import socket
import time

import pytest

IDLE_SECONDS = 2


def closed_within(sock, seconds):
    """Seconds until the server closed `sock`, or None if it stayed open that long."""
    start = time.monotonic()
    sock.settimeout(seconds)
    try:
        data = sock.recv(100)
    except socket.timeout:
        return None
    assert data == b"", f"unexpected bytes from an idle connection: {data!r}"
    return time.monotonic() - start


@pytest.mark.parametrize("kind", ["memcached", "ours"])
def test_idle_connection_is_closed_and_counted(server_factory, kind):
    server = server_factory(kind, options={"-o": f"idle_timeout={IDLE_SECONDS}"})
    assert server.stats().get("idle_kicks") == "0"
    assert server.stats(b"settings").get("idle_timeout") == str(IDLE_SECONDS)
    idle = server.connect()
    busy = server.connect()
    idle.sendall(b"version\r\n")
    assert idle.recv(100).startswith(b"VERSION ")
    idle.settimeout(0.1)
    start = time.monotonic()
    # The busy connection sends a request every half second while the idle one waits.
    closed_after = None
    # memcached's check sleeps up to the timeout between rounds and reads a clock that ticks
    # once a second: a kick comes between about N - 1 and 2N + 2 seconds of silence.
    while time.monotonic() - start < 2 * IDLE_SECONDS + 4 and closed_after is None:
        busy.sendall(b"version\r\n")
        assert busy.recv(100).startswith(b"VERSION ")
        try:
            if idle.recv(100) == b"":
                closed_after = time.monotonic() - start
        except socket.timeout:
            pass
        time.sleep(0.4)
    assert closed_after is not None, "the idle connection was not closed"
    assert IDLE_SECONDS - 1 <= closed_after <= 2 * IDLE_SECONDS + 4
    busy.sendall(b"version\r\n")
    assert busy.recv(100).startswith(b"VERSION "), "the busy connection was closed too"
    assert server.stats().get("idle_kicks") == "1"
    busy.close()
    idle.close()


@pytest.mark.parametrize("kind", ["memcached", "ours"])
def test_without_idle_timeout_connections_stay_and_no_kicks_are_listed(server_factory, kind):
    server = server_factory(kind)
    sock = server.connect()
    assert closed_within(sock, 1.5) is None
    stats = server.stats()
    assert "idle_kicks" not in stats
    assert server.stats(b"settings").get("idle_timeout") == "0"
    sock.close()



def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def test_client_that_never_reads_is_bounded_and_then_disconnected(server_factory):
    """A client that sends multi-gets of large values and reads nothing: the server holds a
    bounded amount of its replies (memcached would too) and, unlike memcached, closes it once its
    replies have not moved for the idle timeout, counted in idle_kicks; others stay served."""
    server = server_factory("ours", options={"-o": f"idle_timeout={IDLE_SECONDS}", "-m": "64"})
    value = b"v" * 100_000
    server.exchange(b"".join(b"set big%d 0 0 %d\r\n%s\r\n" % (i, len(value), value) for i in range(10)))
    baseline = rss_kib(server.proc.pid)
    greedy = server.connect()
    greedy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    request = b"get " + b" ".join(b"big%d" % i for i in range(10)) + b"\r\n"
    # 200 MB of replies asked for; the socket fills after a few MB and the server stops reading.
    greedy.setblocking(False)
    sent = 0
    for _ in range(200):
        try:
            sent += greedy.send(request)
        except BlockingIOError:
            break
    bystander = server.connect()
    start = time.monotonic()
    closed = None
    while time.monotonic() - start < IDLE_SECONDS + 6 and closed is None:
        bystander.sendall(b"get big0\r\n")
        reply = b""
        while not reply.endswith(b"END\r\n"):
            reply += bystander.recv(1 << 17)
        assert reply.startswith(b"VALUE big0 0 100000\r\n")
        assert rss_kib(server.proc.pid) - baseline < 64 * 1024, "replies to a client that never reads must stay bounded"
        if int(server.stats()["idle_kicks"]) > 0:
            closed = time.monotonic() - start
        time.sleep(0.3)
    assert closed is not None, "the stalled client was not disconnected"
    assert closed >= IDLE_SECONDS - 1, closed
    greedy.setblocking(True)
    greedy.settimeout(5)
    try:
        while greedy.recv(1 << 20):
            pass  # what was written before the close, then the end
    except ConnectionResetError:
        pass  # closing with our requests unread resets the connection
