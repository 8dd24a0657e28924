"""The command line: memcached's flags, refusals with status 2, -d/-P, signals."""

import os
import signal
import subprocess
import time

import pytest

import harness

pytestmark = pytest.mark.timeout(60)


def run_ours(*args, timeout=10):
    return subprocess.run([harness.replicacache_bin(), *args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("args", [
    ["-S"],                      # SASL without -Y or MEMCACHED_SASL_PWDB: nobody could log in
    ["-U", "11211"],             # UDP
    ["-o", "tail_repair_time=5"],   # an extended option that would change behaviour
    ["-o", "idle_timeout=soon"],    # not a number of seconds
    ["-t", "0"],
    ["-m", "lots"],
    ["-I", "512"],               # below memcached's 1k floor
    ["-I", "64m", "-m", "64"],   # over half of memory, refused like memcached
    ["-B", "binary", "-Y", "/dev/null"],   # memcached: no binary with ASCII authentication
    ["-B", "udp"],
    ["-p", "70000"],
])
def test_unsupported_flag_or_value_exits_2_with_message(args):
    result = run_ours(*args)
    assert result.returncode == 2, result
    assert result.stderr.strip(), "a refusal must say why"


def test_version_and_help_exit_0():
    version = run_ours("-V")
    assert version.returncode == 0 and version.stdout.startswith("replicacache 1.6.18")
    usage = run_ours("-h")
    assert usage.returncode == 0 and "-p, --port" in usage.stdout


def test_allocator_tuning_options_are_accepted():
    server = harness.ServerProcess("ours", harness.replicacache_bin(),
                                   options={"-o": "slab_chunk_max=524288,modern"}).start()
    try:
        assert server.call(b"version\r\n", until=b"\r\n").startswith(b"VERSION ")
    finally:
        server.stop()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stop_signal_answers_pending_and_exits_0(signum):
    server = harness.ServerProcess("ours", harness.replicacache_bin()).start()
    sock = server.connect()
    sock.sendall(b"set k 0 0 1\r\nv\r\n")
    assert harness.read_until(sock, b"STORED\r\n") == b"STORED\r\n"
    os.kill(server.proc.pid, signum)
    assert server.wait_exit(5) == 0
    assert sock.recv(10) == b""  # closed cleanly, nothing half-written
    sock.close()


def test_daemon_writes_pid_file_and_serves(tmp_path):
    port = harness.free_port()
    pid_file = tmp_path / "replicacache.pid"
    args = harness.build_args(port) + ["-d", "-P", str(pid_file)]
    result = subprocess.run([harness.replicacache_bin(), *args], capture_output=True, timeout=10)
    assert result.returncode == 0, result
    deadline = time.monotonic() + 10
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    daemon_pid = int(pid_file.read_text())
    try:
        stats = harness.parse_stats(harness.exchange(port, b"stats\r\n"))
        assert int(stats["pid"]) == daemon_pid
    finally:
        os.kill(daemon_pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                os.kill(daemon_pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            os.kill(daemon_pid, signal.SIGKILL)
    assert not pid_file.exists(), "a stopped server removes its pid file, as memcached does"
