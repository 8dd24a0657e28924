"""Concurrent random writes to both nodes on overlapping keys converge to
identical contents; and a pair's link comes up reliably at start."""

import random
import threading
import time

import pytest

import pair_harness as ph
from conftest import _ours_binary_or_skip

OK_REPLIES = {
    "set": {b"STORED"},
    "delete": {b"DELETED", b"NOT_FOUND"},
    "append": {b"STORED", b"NOT_STORED"},
}
NON_NUMERIC = b"CLIENT_ERROR cannot increment or decrement non-numeric value"


@pytest.mark.timeout(60)
def test_concurrent_writes_converge():
    binary = _ours_binary_or_skip()
    keys = [f"cc-{i}" for i in range(200)]
    run_seconds = 3.0
    problems = []
    counts = {"ops": 0}
    lock = threading.Lock()
    with ph.Pair(binary=binary) as pair:
        stop = threading.Event()

        def worker(node, seed):
            rnd = random.Random(seed)
            n = 0
            with ph.Client(node.port) as c:
                while not stop.is_set():
                    key = rnd.choice(keys)
                    op = rnd.random()
                    if op < 0.45:
                        numeric = rnd.random() < 0.4
                        value = str(rnd.randrange(10**6)) if numeric else \
                            f"{node.name}{seed}-" + "x" * rnd.randrange(0, 200)
                        reply = c.store("set", key, value, flags=rnd.randrange(1 << 16))
                        ok = reply in OK_REPLIES["set"]
                    elif op < 0.6:
                        reply = c.cmd(b"delete " + key.encode() + b"\r\n")
                        ok = reply in OK_REPLIES["delete"]
                    elif op < 0.8:
                        reply = c.cmd(b"incr " + key.encode() + b" %d\r\n" % rnd.randrange(1, 1000))
                        ok = reply.isdigit() or reply in (b"NOT_FOUND", NON_NUMERIC)
                    else:
                        reply = c.store("append", key, f"+{node.name}")
                        ok = reply in OK_REPLIES["append"]
                    if not ok:
                        problems.append((node.name, key, reply))
                        return
                    n += 1
            with lock:
                counts["ops"] += n

        threads = [threading.Thread(target=worker, args=(node, f"{node.name}{i}"), daemon=True)
                   for node in (pair.a, pair.b) for i in range(3)]
        for t in threads:
            t.start()
        time.sleep(run_seconds)
        stop.set()
        for t in threads:
            t.join(timeout=20)
        assert not problems, f"unexpected replies: {problems[:5]}"
        assert counts["ops"] > 100, counts
        contents = ph.wait_converged(pair.a, pair.b)
        print(f"{counts['ops']} writes, {len(contents)} live keys, identical on both nodes")
        assert all(v[2] is not None for v in contents.values()), \
            "metadump listed keys that get did not return"


@pytest.mark.timeout(90)
def test_link_comes_up_every_time():
    """Start ten pairs in a row: each pair's two links reach `streaming`
    within 5 s (a node started before its peer retries after 100, 200, 400,
    800, 1600 ms: its peer is up long before the last of these)."""
    binary = _ours_binary_or_skip()
    failures = []
    for trial in range(10):
        pair = ph.Pair(binary=binary)
        try:
            pair.start(timeout=5)
        except AssertionError as e:
            failures.append(f"trial {trial}: {str(e)[:1500]}")
        finally:
            pair.stop()
    assert not failures, f"{len(failures)}/10 pairs never linked:\n" + "\n".join(failures)
