"""kill -9 of node a under write load: in sync mode no write a acknowledged
is missing on b; in async mode the loss is measured and printed."""

import pytest

import pair_harness as ph
from conftest import _ours_binary_or_skip

# Generous, so that an ack slower than the bound on a loaded debug build does
# not turn into a documented "degraded" (unprotected) write.
SYNC_TIMEOUT_MS = 5000


def describe(result):
    return (f"{result['mode']}: acknowledged={result['acked']} missing on b="
            f"{result['missing']} a.degraded_writes(last sample)={result['degraded']} "
            f"sample={result['missing_sample']} errors={result['errors'][:3]}")


@pytest.mark.timeout(60)
def test_kill9_sync_loses_no_acknowledged_write():
    # 256-byte values: several MB of stream, well past any 1 MB window.
    result = ph.kill_trial("sync", binary=_ours_binary_or_skip(), writers=4,
                           run_seconds=1.5, value_size=256, sync_timeout_ms=SYNC_TIMEOUT_MS)
    print(describe(result))
    assert not result["errors"], describe(result)
    assert result["acked"] > 50, "too few writes to mean anything: " + describe(result)
    assert result["degraded"] == "0", "degraded writes happened: " + describe(result)
    assert result["missing"] == 0, describe(result) + f"\nb: {result['b_stats']}\n{result['logs']()}"


@pytest.mark.timeout(60)
def test_kill9_async_reports_loss():
    result = ph.kill_trial("async", binary=_ours_binary_or_skip(), writers=4, run_seconds=1.5)
    print(describe(result))
    assert not result["errors"], describe(result)
    assert result["acked"] > 50, describe(result)
    assert 0 <= result["missing"] <= result["acked"]
