"""The handshake secret: different secrets never link (and say why); the
same secret links and replicates."""

import re
import time

import pytest

import pair_harness as ph
from conftest import _ours_binary_or_skip

SECRET_ERROR = re.compile(r"secret|proof|hmac|auth", re.I)


def secret_pair(tmp_path, secret_a, secret_b):
    extras = []
    for name, secret in (("a", secret_a), ("b", secret_b)):
        if secret is None:
            extras.append({})
            continue
        path = tmp_path / f"secret-{name}"
        path.write_bytes(secret)
        extras.append({"--repl-secret-file": str(path)})
    return ph.Pair(binary=_ours_binary_or_skip(), a_extra=extras[0], b_extra=extras[1])


@pytest.mark.timeout(60)
@pytest.mark.parametrize("secrets", [
    (b"pair-secret-one\n", b"pair-secret-two\n"),
    (b"pair-secret-one\n", None),
], ids=["different", "only-a-has-one"])
def test_wrong_secret_refused(tmp_path, secrets):
    pair = secret_pair(tmp_path, *secrets)
    try:
        pair.start(wait_streaming=False)
        a, b = pair.a, pair.b
        with ph.Client(a.port) as c, ph.Client(b.port) as d:
            assert c.store("set", "sec-from-a", "1") == b"STORED"
            assert d.store("set", "sec-from-b", "2") == b"STORED"
        # Watch for 3 s (several handshake attempts at 100 ms..): never streaming.
        states = {"a": set(), "b": set()}
        streaming_seen = []
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            for node in (a, b):
                r = node.repl()
                states[node.name].add(r["repl_state"])
                if r["repl_state"] == "streaming" and len(streaming_seen) < 2:
                    streaming_seen.append((node.name, r))
            time.sleep(0.02)
        assert "streaming" not in states["a"] | states["b"], (
            f"states seen: {states}; first samples in streaming: {streaming_seen}")
        with ph.Client(a.port) as c, ph.Client(b.port) as d:
            assert c.get("sec-from-b") == {}, "b's write crossed to a"
            assert d.get("sec-from-a") == {}, "a's write crossed to b"
        errors = {n.name: n.repl()["repl_last_error"] for n in (a, b)}
        assert any(SECRET_ERROR.search(e) for e in errors.values()), errors
        print(f"states seen {states}; last errors {errors}")
    finally:
        pair.stop()


@pytest.mark.timeout(60)
def test_same_secret_links(tmp_path):
    pair = secret_pair(tmp_path, b"shared-secret\n", b"shared-secret\n")
    try:
        pair.start()
        with ph.Client(pair.a.port) as c, ph.Client(pair.b.port) as d:
            assert c.store("set", "sec-ok-a", "1", flags=3) == b"STORED"
            assert d.store("set", "sec-ok-b", "2", flags=4) == b"STORED"
        contents = ph.wait_converged(pair.a, pair.b)
        assert contents["sec-ok-a"] == (3, -1, b"1")
        assert contents["sec-ok-b"] == (4, -1, b"2")
    finally:
        pair.stop()
