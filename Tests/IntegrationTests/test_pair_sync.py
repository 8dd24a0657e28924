"""Sync mode holds a batch's replies until the peer acked its writes; a client
that sends more meanwhile still gets every reply, in order, and none early."""

import pytest

import pair_harness as ph
from conftest import _ours_binary_or_skip


@pytest.mark.timeout(60)
def test_requests_sent_behind_held_replies_are_answered_in_order():
    # A generous bound: every reply below waits for a real ack, none for the timeout.
    with ph.Pair(binary=_ours_binary_or_skip(), mode="sync",
                 a_extra={"--repl-sync-timeout": "5000"}) as pair:
        with ph.Client(pair.pa) as client:
            for round_ in range(50):
                writes = b"".join(b"set k%d 0 0 5\r\nv%04d\r\n" % (i, round_) for i in range(20))
                # Sent before the first batch's replies can have been released: it arrives while they are held.
                client.send(writes)
                client.send(b"get k0 k19\r\nset z 0 0 4\r\n%04d\r\nget z\r\n" % round_)
                assert [client.line() for _ in range(20)] == [b"STORED"] * 20
                assert client.line() == b"VALUE k0 0 5"
                assert client.exact(7) == b"v%04d\r\n" % round_
                assert client.line() == b"VALUE k19 0 5"
                assert client.exact(7) == b"v%04d\r\n" % round_
                assert client.line() == b"END"
                assert client.line() == b"STORED"
                assert client.line() == b"VALUE z 0 4"
                assert client.exact(6) == b"%04d\r\n" % round_
                assert client.line() == b"END"
        with ph.Client(pair.pb) as replica:
            assert replica.get("z") == {"z": (0, b"0049", None)}
        assert pair.a.repl()["repl_degraded_writes"] == "0"
