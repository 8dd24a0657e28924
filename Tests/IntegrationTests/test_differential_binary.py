"""Binary protocol: same request bytes to memcached and to ReplicaCache, replies
compared byte for byte (CAS fields zeroed by harness.normalise).

Data-driven cases live in meta_binary_cases.py (BINARY_CASES)."""

import pytest

import harness
from meta_binary_cases import BINARY_CASES


@pytest.mark.parametrize("name,request_bytes", BINARY_CASES, ids=[c[0] for c in BINARY_CASES])
def test_binary_case(name, request_bytes, both, pool):
    memcached, ours = both
    ref_f = pool.submit(memcached.exchange, request_bytes)
    got_f = pool.submit(ours.exchange, request_bytes)
    ref = harness.normalise(request_bytes, ref_f.result())
    got = harness.normalise(request_bytes, got_f.result())
    assert ref == got, (f"case {name!r}\n  request:   {harness.show(request_bytes)}\n"
                        f"  memcached: {harness.show(ref)}\n  ours:      {harness.show(got)}")
