"""A node restarted empty is refilled by full resync from its peer, and
answers clients while it refills."""

import random
import threading
import time

import pytest

import pair_harness as ph
from conftest import _ours_binary_or_skip

N_KEYS = 20000


def load(port, n, prefix, seed=7):
    """Pipelined sets of n keys with varied flags, expiries and sizes."""
    rnd = random.Random(seed)
    now = int(time.time())
    with ph.Client(port, timeout=30.0) as c:
        for start in range(0, n, 500):
            batch = bytearray()
            count = 0
            for i in range(start, min(n, start + 500)):
                key = f"{prefix}{i}".encode()
                value = (b"%d:" % i) + bytes([97 + rnd.randrange(26)]) * rnd.randrange(0, 300)
                exp = rnd.choice([0, 0, 3600, now + 7200])
                flags = rnd.randrange(1 << 32)
                batch += b"set %s %d %d %d\r\n%s\r\n" % (key, flags, exp, len(value), value)
                count += 1
            c.send(bytes(batch))
            for _ in range(count):
                reply = c.line()
                assert reply == b"STORED", reply


@pytest.mark.timeout(90)
def test_restarted_node_is_refilled_and_serves_meanwhile():
    binary = _ours_binary_or_skip()
    with ph.Pair(binary=binary) as pair:
        a, b = pair.a, pair.b
        load(b.port, N_KEYS, "rs-")
        before = ph.wait_converged(a, b)
        assert len(before) == N_KEYS
        b_full_before = int(b.repl()["repl_full_resyncs"])

        a.kill9()
        a.start()
        restarted = time.monotonic()

        # Clients read from a while it refills.
        stop = threading.Event()
        observed = {"gets": 0, "hits": 0, "misses": 0, "during_resync": 0,
                    "errors": [], "in_progress_seen": False}
        keys = sorted(before)

        def reader():
            rnd = random.Random(1)
            try:
                with ph.Client(a.port) as c:
                    while not stop.is_set():
                        batch = rnd.sample(keys, 10)
                        got = c.get(*batch)   # raises on a malformed reply
                        for k, (flags, value, _) in got.items():
                            if k not in before or before[k][0] != flags or before[k][2] != value:
                                observed["errors"].append(f"wrong item {k!r}: {flags} {value[:40]!r}")
                        observed["gets"] += 1
                        observed["hits"] += len(got)
                        observed["misses"] += 10 - len(got)
            except Exception as e:  # noqa: BLE001 - any failure is a finding
                observed["errors"].append(f"reader: {type(e).__name__}: {e}")

        t = threading.Thread(target=reader, daemon=True)
        t.start()

        def refilled():
            ra, rb = a.repl(), b.repl()
            if ra["repl_resync_in_progress"] == "1":
                observed["in_progress_seen"] = True
                observed["during_resync"] = observed["gets"]
            return (ra["repl_peer_id"] == rb["repl_id"]
                    and int(rb["repl_full_resyncs"]) > b_full_before
                    and ra["repl_resync_in_progress"] == "0")

        try:
            ph.wait_for(refilled, 30, "a refilled (repl_resync_in_progress back to 0)",
                        interval=0.02,
                        detail=lambda: f"a: {a.repl()}\nb: {b.repl()}\n{pair.logs()}")
            took = time.monotonic() - restarted
        finally:
            stop.set()
            t.join(timeout=10)

        after = ph.dump(a.port)
        print(f"refill took {took:.2f} s; gets during refill: {observed['gets']} "
              f"(while repl_resync_in_progress=1: {observed['during_resync']}), "
              f"hits {observed['hits']} misses {observed['misses']}, "
              f"in_progress seen: {observed['in_progress_seen']}")
        assert not observed["errors"], observed["errors"][:5]
        assert observed["gets"] > 0, "no get completed while a refilled"
        assert after == ph.dump(b.port) == before, (
            "a differs from b right after repl_resync_in_progress went to 0: "
            + ph.diff_summary(after, before)
            + f"\nin_progress seen: {observed['in_progress_seen']}\na: {a.repl()}")
