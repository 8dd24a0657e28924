"""Logging: one key=value line per event, levels from -v, --log-file reopened by SIGHUP."""

import os
import re
import signal
import subprocess
import time

import pytest

import harness
import pair_harness as ph

pytestmark = pytest.mark.timeout(60)

LINE = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=(trace|debug|info|notice|warning|error|critical)'
                  r' event=("(?:[^"\\]|\\.)*"|[^ "=]+)( [a-z_]+=("(?:[^"\\]|\\.)*"|[^ "=]+))*$')


def read_lines(path, wanted, timeout=5):
    """The file's lines once one of them contains `wanted`."""
    deadline = time.monotonic() + timeout
    while True:
        lines = open(path).read().splitlines() if os.path.exists(path) else []
        if any(wanted in line for line in lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def ping(port):
    with harness.connect(port) as sock:
        sock.sendall(b"version\r\n")
        assert harness.read_until(sock, b"\r\n").startswith(b"VERSION ")


def test_connection_events_at_vv_and_sighup_reopens_the_log_file(tmp_path):
    log = tmp_path / "replicacache.log"
    server = harness.ServerProcess("ours", harness.replicacache_bin(), options={"--log-file": str(log)},
                                   switches=["-vv"]).start()
    try:
        ping(server.port)
        before = read_lines(log, "connection closed")
        os.rename(log, tmp_path / "replicacache.log.1")
        os.kill(server.proc.pid, signal.SIGHUP)
        after = read_lines(log, "log file reopened")
        ping(server.port)
        after = read_lines(log, "connection closed")
    finally:
        server.stop()
    for line in before + after:
        assert LINE.match(line), line
    assert any('event="connection opened"' in line and "peer=tcp:127.0.0.1:" in line for line in before)
    assert any('event="connection closed"' in line for line in before)
    # A worker may still log the close of an earlier connection while the file is being reopened.
    assert any(line.endswith('level=notice event="log file reopened"') for line in after), after
    assert any('event="connection opened"' in line for line in after), "new lines go to the new file"


def test_default_level_logs_the_replication_link_but_no_connections(tmp_path):
    logs = {name: tmp_path / f"{name}.log" for name in ("a", "b")}
    pair = ph.Pair(a_extra={"--log-file": str(logs["a"])}, b_extra={"--log-file": str(logs["b"])})
    try:
        pair.start()
        ping(pair.pa)
        lines = read_lines(logs["a"], "replication link up")
    finally:
        pair.stop()
    for line in lines:
        assert LINE.match(line), line
    assert any('level=notice event="replication link up"' in line and "peer=b" in line for line in lines)
    assert any('event="replication starting"' in line and "node=a" in line for line in lines)
    assert not any("connection opened" in line for line in lines), "connection events need -vv"


def test_unwritable_log_file_is_refused_at_start(tmp_path):
    result = subprocess.run([harness.replicacache_bin(), "-p", "0", "--log-file", str(tmp_path / "no" / "x.log")],
                            capture_output=True, text=True, timeout=10)
    assert result.returncode == 1 and "cannot open --log-file" in result.stderr
