"""Link drops, made by a test-side proxy on a's outgoing link (a -> proxy ->
b's client port): a short drop is repaired by partial resync from the
backlog; a drop longer than a 1 MB backlog by full resync."""

import threading
import time

import pytest

import pair_harness as ph
from conftest import _ours_binary_or_skip


def counters(node):
    r = node.repl()
    return int(r["repl_full_resyncs"]), int(r["repl_partial_resyncs"])


def wait_link_down(a, timeout=5):
    ph.wait_for(lambda: a.repl()["repl_state"] != "streaming", timeout,
                "a notices the cut", detail=lambda: f"a: {a.repl()}")


@pytest.mark.timeout(60)
def test_short_drop_partial_resync():
    pair, proxy = ph.start_proxied_pair(binary=_ours_binary_or_skip())
    try:
        a, b = pair.a, pair.b
        with ph.Client(a.port) as c:
            for i in range(200):
                assert c.store("set", f"pd-pre-{i}", f"v{i}", flags=i) == b"STORED"
        ph.wait_converged(a, b)
        full0, partial0 = counters(a)

        stop = threading.Event()
        written = []

        def writer():
            with ph.Client(a.port) as c:
                i = 0
                while not stop.is_set():
                    assert c.store("set", f"pd-{i}", f"during-{i}", flags=i, exp=3600) == b"STORED"
                    written.append(i)
                    i += 1
                    time.sleep(0.002)

        t = threading.Thread(target=writer, daemon=True)
        t.start()
        time.sleep(0.3)
        proxy.cut()
        wait_link_down(a)
        time.sleep(0.7)
        proxy.heal()
        time.sleep(0.3)
        stop.set()
        t.join(timeout=10)
        assert len(written) > 50, len(written)

        contents = ph.wait_converged(a, b, timeout=15)
        assert all(f"pd-{i}" in contents for i in written)
        full1, partial1 = counters(a)
        assert partial1 > partial0 and full1 == full0, (
            f"a's resyncs after a short drop: full {full0}->{full1}, partial "
            f"{partial0}->{partial1} (want partial up, full unchanged)\na: {a.repl()}\nb: {b.repl()}")
    finally:
        pair.stop()
        proxy.stop()


@pytest.mark.timeout(60)
def test_drop_beyond_backlog_full_resync():
    pair, proxy = ph.start_proxied_pair(binary=_ours_binary_or_skip(), a_extra={"--repl-backlog": "1m"})
    try:
        a, b = pair.a, pair.b
        with ph.Client(a.port) as c:
            assert c.store("set", "bd-pre", "x") == b"STORED"
        ph.wait_converged(a, b)
        full0, partial0 = counters(a)

        proxy.cut()
        wait_link_down(a)
        value = b"y" * 1000
        with ph.Client(a.port) as c:
            # 1600 x ~1 KB frames: well over the 1 MB backlog
            for i in range(1600):
                assert c.store("set", f"bd-{i}", value, flags=i) == b"STORED"
        offset_gap = int(a.repl()["repl_offset"]) - int(a.repl()["repl_acked_offset"])
        assert offset_gap > 1 << 20, f"wrote only {offset_gap} stream bytes since the cut"
        proxy.heal()

        contents = ph.wait_converged(a, b, timeout=15)
        assert all(f"bd-{i}" in contents for i in range(1600))
        full1, partial1 = counters(a)
        assert full1 > full0, (
            f"a's resyncs after a drop beyond the backlog: full {full0}->{full1}, partial "
            f"{partial0}->{partial1} (want full up)\na: {a.repl()}\nb: {b.repl()}")
    finally:
        pair.stop()
        proxy.stop()
