"""python-binary-memcached (bmemcached), a real binary-protocol client: the
same calls against memcached and ours give the same results; SASL PLAIN with
`-S -Y FILE` logs in with the right password only."""

import pytest

bmemcached = pytest.importorskip("bmemcached")
from bmemcached.exceptions import MemcachedException  # noqa: E402

pytestmark = pytest.mark.timeout(60)


def scenario(port, prefix):
    """A session of ordinary client calls; returns what each call answered."""
    client = bmemcached.Client((f"127.0.0.1:{port}",), socket_timeout=5)
    k = lambda name: prefix + name
    results = []
    try:
        results.append(client.set(k("str"), "text value"))
        results.append(client.set(k("bytes"), b"\x00\x01binary\r\n"))
        results.append(client.set(k("int"), 42))
        results.append(client.set(k("dict"), {"a": [1, 2, 3]}))
        results.append(client.set(k("big"), "x" * 200_000))
        results.append([client.get(k(n)) for n in ("str", "bytes", "int", "dict", "missing")])
        results.append(len(client.get(k("big"))))
        results.append(client.add(k("str"), "other"))
        results.append(client.add(k("new"), "added"))
        results.append(client.replace(k("new"), "replaced"))
        results.append(client.replace(k("absent"), "x"))
        value, unique = client.gets(k("new"))
        results.append(value)
        results.append(client.cas(k("new"), "swapped", unique))
        results.append(client.cas(k("new"), "stale", unique))
        results.append(client.get(k("new")))
        results.append(client.set(k("counter"), 10))
        results.append(client.incr(k("counter"), 5))
        results.append(client.decr(k("counter"), 20))
        results.append(sorted(client.get_multi([k("str"), k("int"), k("nope"), k("new")]).items()))
        results.append(sorted(client.set_multi({k("m1"): "one", k("m2"): "two"})))
        results.append(sorted(client.get_multi([k("m1"), k("m2")]).items()))
        results.append(client.delete(k("m1")))
        results.append(client.delete(k("m1")))
        results.append(client.delete_multi([k("m2"), k("str")]))
        results.append(client.get_multi([k("m2"), k("str")]))
        results.append(client.set(k("ttl"), "short", time=100))
        results.append(client.get(k("ttl")))
        stats = list(client.stats().values())[0]
        results.append(sorted(name for name in ("cmd_get", "cmd_set", "get_hits", "curr_items") if name in stats))
    finally:
        client.disconnect_all()
    return results


def test_same_results_as_memcached(memcached, ours, pool):
    ref_f = pool.submit(scenario, memcached.port, "bm-")
    got_f = pool.submit(scenario, ours.port, "bm-")
    assert got_f.result() == ref_f.result()


def test_flush_all(ours):
    client = bmemcached.Client((f"127.0.0.1:{ours.port}",), socket_timeout=5)
    try:
        assert client.set("bm-flush", "v")
        assert client.flush_all()
        assert client.get("bm-flush") is None
    finally:
        client.disconnect_all()


@pytest.fixture
def sasl_server(server_factory, tmp_path):
    users = tmp_path / "users"
    users.write_bytes(b"app:s3cret\nother:pw\n")
    return server_factory("ours", options={"-Y": str(users)}, switches=["-S"])


def test_sasl_login(sasl_server):
    client = bmemcached.Client((f"127.0.0.1:{sasl_server.port}",), "app", "s3cret", socket_timeout=5)
    try:
        assert client.set("bm-sasl", "secret data")
        assert client.get("bm-sasl") == "secret data"
    finally:
        client.disconnect_all()


# bmemcached raises its MemcachedException with the server's AUTH_ERROR status (32) for a refused
# login and for a request sent without one; against memcached -S it raises exactly the same.
@pytest.mark.parametrize("credentials", [("app", "wrong"), ("nobody", "s3cret"), (None, None)],
                         ids=["wrong password", "unknown user", "no login"])
def test_sasl_refusals(sasl_server, credentials):
    client = bmemcached.Client((f"127.0.0.1:{sasl_server.port}",), *credentials, socket_timeout=5)
    try:
        with pytest.raises(MemcachedException, match=r"Code: 32 Message: b'Auth failure\.'"):
            client.set("bm-denied", "x")
    finally:
        client.disconnect_all()
    admitted = bmemcached.Client((f"127.0.0.1:{sasl_server.port}",), "app", "s3cret", socket_timeout=5)
    try:
        assert admitted.get("bm-denied") is None
    finally:
        admitted.disconnect_all()
