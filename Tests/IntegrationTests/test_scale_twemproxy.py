"""Scale-out behind twemproxy (Debian `nutcracker`), as docs/scale-out.md
describes it: two ReplicaCache pairs, two memcache-mode ketama pools whose
servers carry the pair names (`first` over each pair's first node, `second`
over each pair's second node), so both pools place every key on the same pair.
"""

import random
import re

import pytest

import harness
import pair_harness as ph
import twemproxy_harness as th
from conftest import _ours_binary_or_skip

KEY_COUNT = 10_000
BATCH = 500
DOC = "docs/scale-out.md"

pytestmark = pytest.mark.timeout(90)


def make_items(tag, count=KEY_COUNT, version="v1"):
    """Distinct keys with distinct values of varied length."""
    return {f"scale:{tag}:{i:05d}": f"{version}:{i}:{tag}:".encode() + b"x" * (i % 97)
            for i in range(count)}


def write_through(port, items):
    """Pipelined `set`s in batches; every reply must be STORED."""
    keys = list(items)
    with ph.Client(port, timeout=20.0) as c:
        for start in range(0, len(keys), BATCH):
            batch = keys[start:start + BATCH]
            c.send(b"".join(b"set %s 0 0 %d\r\n%s\r\n" % (k.encode(), len(items[k]), items[k])
                            for k in batch))
            replies = [c.line() for _ in batch]
            bad = [(k, r) for k, r in zip(batch, replies) if r != b"STORED"]
            assert not bad, f"{len(bad)} sets through port {port} not stored, e.g. {bad[:3]}"


def doc_failover(first_port, second_port):
    """docs/scale-out.md's `on_pairs`, its clients pointed at our pools."""
    pymemcache = pytest.importorskip("pymemcache.client.base")
    namespace = {}
    exec(harness.doc_code_block("docs/scale-out.md", "scale-out: twemproxy-failover"), namespace)
    for name, port in (("first", first_port), ("second", second_port)):
        namespace[name] = pymemcache.Client(("127.0.0.1", port), connect_timeout=5, timeout=10,
                                            default_noreply=False)
    return namespace["on_pairs"]


def test_twemproxy_pools_survive_kill9_of_a_first_node():
    binary = _ours_binary_or_skip()
    nutcracker_binary = th.nutcracker_bin_or_skip()
    pairs = {"pairA": ph.Pair(binary=binary), "pairB": ph.Pair(binary=binary)}
    proxy = None
    try:
        for pair in pairs.values():
            pair.start()
        proxy = th.Nutcracker({
            "first": [(pair.pa, name) for name, pair in pairs.items()],
            "second": [(pair.pb, name) for name, pair in pairs.items()],
        }, binary=nutcracker_binary).start()
        first, second = proxy.ports["first"], proxy.ports["second"]
        items = make_items("%08x" % random.getrandbits(32))

        write_through(first, items)
        ph.wait_replicated(pairs.values())
        on_pair = ph.placement(pairs, items)
        shares = {name: len(keys) / len(items) for name, keys in on_pair.items()}
        # ketama (160 points per server) gives these two names about 43 % / 57 %.
        assert all(share > 0.25 for share in shares.values()), f"degenerate distribution {shares}"
        print(f"keys per pair: { {name: len(keys) for name, keys in on_pair.items()} }")

        pairs["pairA"].a.kill9()

        # auto_eject_hosts: false keeps pairA's keys on pairA: the first pool
        # answers an error for them (the client's cue to use the second pool)
        # instead of moving them to pairB, and keeps serving pairB's keys.
        # (With ejection, a few failures would move them: twemproxy's default
        # server_failure_limit is 2.)
        a_key, b_key = min(on_pair["pairA"]), min(on_pair["pairB"])
        for _ in range(5):
            with ph.Client(first) as c:
                reply = c.cmd(b"get %s\r\n" % a_key.encode())
            assert reply.startswith(b"SERVER_ERROR"), f"pairA key through the first pool: {reply!r}"
        assert ph.read_all(first, [b_key]) == {b_key: items[b_key]}

        found = ph.read_all(second, list(items))
        missing = sorted(set(items) - set(found))
        wrong = sorted(k for k in found if found[k] != items[k])
        assert not missing and not wrong, (
            f"through the second pool after kill -9 of pairA's first node: {len(missing)} missing "
            f"(e.g. {missing[:5]}), {len(wrong)} wrong (e.g. {wrong[:5]})")

        # What an application does (docs/scale-out.md): first pool, then second.
        failover = doc_failover(first, second)
        sample = sorted(on_pair["pairA"])[:200] + sorted(on_pair["pairB"])[:200]
        got = {k: failover(lambda c, k=k: c.get(k)) for k in sample}
        assert got == {k: items[k] for k in sample}, "the doc's on_pairs() read wrong values"

        # Writes during the outage go to the second pool; the killed node comes
        # back, refills from its peer, and the first pool serves every key again.
        updates = {k: b"v2:" + items[k] for k in sorted(on_pair["pairA"])[:1000]}
        write_through(second, updates)
        pairs["pairA"].a.start()
        ph.wait_streaming_both(pairs["pairA"].a, pairs["pairA"].b)
        ph.wait_replicated([pairs["pairA"]])
        expected = dict(items, **updates)
        found = ph.read_all(first, list(expected))
        stale = sorted(k for k in expected if found.get(k) != expected[k])
        assert not stale, (f"through the first pool after the restart: {len(stale)} keys missing or "
                           f"stale, e.g. {stale[:5]}\n{pairs['pairA'].logs()}")
        assert proxy.alive(), proxy.log_text()
    finally:
        if proxy is not None:
            proxy.stop()
        for pair in pairs.values():
            pair.stop()


def test_twemproxy_adding_a_shard_moves_keys_only_to_it():
    """ketama over server names: growing from two pairs to three moves about a
    third of the keys, every one of them to the new pair. One node stands for
    each pair: placement depends on the names only."""
    binary = _ours_binary_or_skip()
    nutcracker_binary = th.nutcracker_bin_or_skip()
    nodes = {}
    proxy = None
    try:
        for name in ("pairA", "pairB", "pairC"):
            nodes[name] = harness.ServerProcess(name, binary).start()
        proxy = th.Nutcracker({
            "two": [(nodes[name].port, name) for name in ("pairA", "pairB")],
            "three": [(nodes[name].port, name) for name in ("pairA", "pairB", "pairC")],
        }, binary=nutcracker_binary).start()
        items = make_items("%08x" % random.getrandbits(32))
        keys = list(items)

        write_through(proxy.ports["two"], items)
        before = {name: set(ph.read_all(node.port, keys)) for name, node in nodes.items()}
        assert not before["pairC"] and len(before["pairA"]) + len(before["pairB"]) == len(items)

        # A hit through "three" is a key it places where "two" put it.
        stayed = set(ph.read_all(proxy.ports["three"], keys))
        moved = [k for k in keys if k not in stayed]
        write_through(proxy.ports["three"], {k: items[k] for k in moved})
        after = {name: set(ph.read_all(node.port, keys)) for name, node in nodes.items()}

        fraction = len(moved) / len(items)
        print(f"adding pairC moved {len(moved)} of {len(items)} keys ({fraction:.1%})")
        assert 0.15 < fraction < 0.5, f"{fraction:.1%} of the keys moved"
        assert after["pairC"] == set(moved), "a moved key went to an old pair"
        assert after["pairA"] == before["pairA"] and after["pairB"] == before["pairB"]
    finally:
        if proxy is not None:
            proxy.stop()
        for node in nodes.values():
            node.stop()


def test_twemproxy_configs_in_the_doc_pass_nutcracker_test_conf():
    binary = th.nutcracker_bin_or_skip()
    blocks = re.findall(r"```yaml\n(.*?)```", (harness.REPO_ROOT / DOC).read_text(), flags=re.S)
    assert blocks, f"no yaml block in {DOC}"
    for block in blocks:
        ok, output = th.check_config(block, binary)
        assert ok, f"nutcracker --test-conf refuses:\n{block}\n{output}"
