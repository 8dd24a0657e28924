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

