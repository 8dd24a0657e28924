"""The receiving node measures how long the peer's writes take to become visible on it: `stats
replication`'s repl_visible_lag_* (records counted, p50/p99/p99.9/max in microseconds), from the
WRITE TIME the sender puts ahead of each send. A link the test stalls shows up in it, and
`stats reset` starts it again."""

import time

import pytest

import pair_harness as ph

pytestmark = pytest.mark.timeout(60)

FIELDS = ("repl_visible_lag_p50_us", "repl_visible_lag_p99_us", "repl_visible_lag_p999_us",
          "repl_visible_lag_max_us")


def visible_lag(node):
    r = node.repl()
    return int(r["repl_visible_lag_records"]), [int(r[name]) for name in FIELDS]


def test_every_streamed_write_is_counted_once():
    with ph.Pair() as pair:
        a, b = pair.a, pair.b
        with ph.Client(a.port) as client:
            for i in range(100):
                client.send(b"set vl-%d 0 0 1\r\nv\r\n" % i)
            assert client.exact(8 * 100) == b"STORED\r\n" * 100
            client.send(b"delete vl-0\r\n")
            assert client.line() == b"DELETED"
        ph.wait_converged(a, b)
        records, (p50, p99, p999, most) = visible_lag(b)
        assert records == 101, b.repl()
        # Loopback and a 200 us coalescing interval: some microseconds, far under a second.
        assert 0 < p50 <= p99 <= p999 <= most < 1_000_000, b.repl()
        assert visible_lag(a)[0] == 0, "b wrote nothing, so a measured nothing"
        with ph.Client(b.port) as client:
            assert client.cmd(b"stats reset\r\n") == b"RESET"
        assert visible_lag(b) == (0, [0, 0, 0, 0])


def test_a_stalled_link_shows_in_the_lag():
    pair, proxy = ph.start_proxied_pair()
    try:
        a, b = pair.a, pair.b
        proxy.pause()
        with ph.Client(a.port) as client:
            assert client.store("set", "stalled", "v") == b"STORED"
        time.sleep(0.5)
        proxy.resume()
        ph.wait_converged(a, b)
        records, (p50, _, _, most) = visible_lag(b)
        assert records == 1, b.repl()
        assert 500_000 <= p50 <= most < 10_000_000, b.repl()
    finally:
        pair.stop()
        proxy.stop()


def test_writes_made_while_the_link_is_down_count_from_when_they_were_made():
    pair, proxy = ph.start_proxied_pair()
    try:
        a, b = pair.a, pair.b
        proxy.cut()
        ph.wait_for(lambda: a.repl()["repl_state"] != "streaming", 5, "a notices the cut")
        with ph.Client(a.port) as client:
            for i in range(10):
                assert client.store("set", f"down-{i}", "v") == b"STORED"
        time.sleep(0.5)
        proxy.heal()
        ph.wait_converged(a, b, timeout=20)
        assert int(a.repl()["repl_partial_resyncs"]) >= 1, a.repl()
        records, (p50, _, _, most) = visible_lag(b)
        # Stamped when written, not when the link came back and sent them.
        assert records == 10, b.repl()
        assert 500_000 <= p50 <= most < 20_000_000, b.repl()
    finally:
        pair.stop()
        proxy.stop()
