"""Client-side sharding over three ReplicaCache pairs with pymemcache's
HashClient, through the `PairedHashClient` that docs/scale-out.md gives users
(the test runs the document's own code block)."""

import random

import pytest

import harness
import pair_harness as ph
from conftest import _ours_binary_or_skip

pytest.importorskip("pymemcache")
from pymemcache.client.rendezvous import RendezvousHash  # noqa: E402

PAIR_NAMES = ("pairA", "pairB", "pairC")
KEY_COUNT = 3000

pytestmark = pytest.mark.timeout(90)


def doc_namespace():
    namespace = {}
    exec(harness.doc_code_block("docs/scale-out.md", "scale-out: hashclient"), namespace)
    return namespace


def make_items(count=KEY_COUNT, version="v1"):
    tag = "%08x" % random.getrandbits(32)
    return {f"session:{tag}:{i:05d}": f"{version}:{i}:".encode() + b"s" * (i % 211)
            for i in range(count)}


def test_hash_client_places_by_name_and_fails_over_to_the_second_node():
    binary = _ours_binary_or_skip()
    doc = doc_namespace()
    pairs = {name: ph.Pair(binary=binary) for name in PAIR_NAMES}
    try:
        for pair in pairs.values():
            pair.start()
        nodes = {name: (("127.0.0.1", pair.pa), ("127.0.0.1", pair.pb)) for name, pair in pairs.items()}
        cache = doc["PairedHashClient"](nodes, connect_timeout=2, timeout=10)
        items = make_items()

        assert cache.set_many(items) == []
        ph.wait_replicated(pairs.values())
        on_pair = ph.placement(pairs, items)
        by_name = RendezvousHash(nodes=list(PAIR_NAMES))
        misplaced = [k for name, keys in on_pair.items() for k in keys if by_name.get_node(k) != name]
        assert not misplaced, f"{len(misplaced)} keys not on the pair their name hashes to"
        shares = {name: len(keys) / len(items) for name, keys in on_pair.items()}
        assert all(share > 0.2 for share in shares.values()), f"degenerate distribution {shares}"
        print(f"keys per pair: { {name: len(keys) for name, keys in on_pair.items()} }")

        pairs["pairA"].a.kill9()

        # The first nodes' client reports the dead node on every call (no silent
        # miss, no move to another pair) and keeps serving the other pairs.
        first_nodes = cache.sides[0]
        a_key, b_key = min(on_pair["pairA"]), min(on_pair["pairB"])
        for _ in range(3):
            with pytest.raises(doc["PairedHashClient"].FAILOVER_ERRORS):
                first_nodes.get(a_key)
        assert first_nodes.get(b_key) == items[b_key]

        found = cache.get_many(list(items))
        missing = sorted(set(items) - set(found))
        wrong = sorted(k for k in found if found[k] != items[k])
        assert not missing and not wrong, (
            f"after kill -9 of pairA's first node: {len(missing)} missing (e.g. {missing[:5]}), "
            f"{len(wrong)} wrong (e.g. {wrong[:5]})")
        sample = sorted(on_pair["pairA"])[:100] + sorted(on_pair["pairC"])[:100]
        assert {k: cache.get(k) for k in sample} == {k: items[k] for k in sample}

        # Writes during the outage reach pairA's second node; the first node
        # comes back refilled and the first nodes' client serves them.
        updates = {k: b"v2:" + items[k] for k in sorted(on_pair["pairA"])[:300]}
        for key, value in updates.items():
            assert cache.set(key, value) is True
        pairs["pairA"].a.start()
        ph.wait_streaming_both(pairs["pairA"].a, pairs["pairA"].b)
        ph.wait_replicated([pairs["pairA"]])
        expected = dict(items, **updates)
        found = first_nodes.get_many(list(expected))
        stale = sorted(k for k in expected if found.get(k) != expected[k])
        assert not stale, f"{len(stale)} keys missing or stale on the first nodes, e.g. {stale[:5]}"
    finally:
        for pair in pairs.values():
            pair.stop()


def test_hash_client_default_hasher_places_by_address():
    """Why the document's hasher exists: HashClient's default hashes on
    "host:port", so clients of the first and of the second nodes disagree."""
    first = RendezvousHash(nodes=[f"10.0.{i}.1:11211" for i in (1, 2, 3)])
    second = RendezvousHash(nodes=[f"10.0.{i}.2:11211" for i in (1, 2, 3)])
    keys = [f"session:{i:05d}" for i in range(KEY_COUNT)]
    disagree = sum(first.nodes.index(first.get_node(k)) != second.nodes.index(second.get_node(k))
                   for k in keys)
    print(f"default hasher: {disagree} of {len(keys)} keys on different pairs")
    assert disagree > len(keys) / 2
