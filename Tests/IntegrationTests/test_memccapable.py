"""memccapable (libmemcached-tools) against ReplicaCache.

memccapable prints one `<name> [pass]` line per test (a failure is reported
as `[FAIL]` and the exit code is non-zero), then `All tests passed`. The
list of tests it ran against memcached is the list ours must pass.
"""

import re
import shutil
import subprocess

import pytest

MEMCCAPABLE = shutil.which("memccapable")
RESULT_LINE = re.compile(r"^(?P<name>(?:ascii|binary) .*?)\s+\[(?P<result>[^\]]+)\]\s*$")

pytestmark = pytest.mark.skipif(MEMCCAPABLE is None, reason="memccapable not installed")


def run_memccapable(server, mode):
    proc = subprocess.run(
        [MEMCCAPABLE, mode, "-t", "5", "-h", "127.0.0.1", "-p", str(server.port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    results = {}
    for line in proc.stdout.splitlines():
        m = RESULT_LINE.match(line)
        if m:
            results[m.group("name")] = m.group("result")
    return proc.returncode, results, proc.stdout


@pytest.mark.timeout(120)
@pytest.mark.parametrize("mode", ["-a", "-b"], ids=["ascii", "binary"])
def test_memccapable(memcached, ours, pool, mode):
    ref_f = pool.submit(run_memccapable, memcached, mode)
    got_f = pool.submit(run_memccapable, ours, mode)
    (ref_rc, ref, ref_out), (rc, got, out) = ref_f.result(), got_f.result()
    assert ref_rc == 0 and ref and all(r == "pass" for r in ref.values()), ref_out
    failed = {name: r for name, r in got.items() if r != "pass"}
    missing = sorted(set(ref) - set(got))
    assert not failed and not missing and rc == 0 and "All tests passed" in out, (
        f"exit code {rc}; failed {failed}; not run {missing}\n{out}")
