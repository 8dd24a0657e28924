"""twemproxy (Debian's `nutcracker`) for the scale-out tests: a generated
YAML config of named pools, one process on free loopback ports, stopped by its
own PID.

Environment:
  NUTCRACKER_BIN            the proxy (default: `nutcracker` on PATH, else /usr/sbin/nutcracker)
  IT_REQUIRE_NUTCRACKER=1   fail instead of skip when it is missing (`make integration` sets it)
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

import harness

START_TIMEOUT = 10.0
START_ATTEMPTS = 5
# Upstream request timeout in ms: without one twemproxy waits for a silent server forever.
SERVER_TIMEOUT_MS = 2000


def nutcracker_bin():
    configured = os.environ.get("NUTCRACKER_BIN")
    if configured:
        return configured
    # Debian installs it in /usr/sbin, which a non-root PATH may lack.
    return shutil.which("nutcracker") or "/usr/sbin/nutcracker"


def nutcracker_bin_or_skip():
    binary = nutcracker_bin()
    if not os.access(binary, os.X_OK):
        message = f"no nutcracker at {binary} (apt-get install nutcracker, or set NUTCRACKER_BIN)"
        if os.environ.get("IT_REQUIRE_NUTCRACKER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return binary


def pool_yaml(name, port, servers, auto_eject_hosts=False):
    """One memcache-mode pool listening on 127.0.0.1:port; `servers` is a list
    of (port, name). Named servers make ketama hash on the names, so pools
    over different nodes with the same names place every key alike."""
    lines = [
        f"{name}:",
        f"  listen: 127.0.0.1:{port}",
        "  hash: md5",
        "  distribution: ketama",
        f"  auto_eject_hosts: {'true' if auto_eject_hosts else 'false'}",
        f"  timeout: {SERVER_TIMEOUT_MS}",
        "  servers:",
    ]
    lines += [f"    - 127.0.0.1:{server_port}:1 {server_name}" for server_port, server_name in servers]
    return "\n".join(lines) + "\n"


def check_config(text, binary=None):
    """`nutcracker --test-conf` on `text`: (ok, output)."""
    folder = tempfile.mkdtemp(prefix="it-nutcracker-check-")
    try:
        path = os.path.join(folder, "nutcracker.yml")
        with open(path, "w") as f:
            f.write(text)
        done = subprocess.run([binary or nutcracker_bin_or_skip(), "--test-conf", "-c", path],
                              capture_output=True, text=True, timeout=10)
        return done.returncode == 0 and "syntax is ok" in done.stderr, done.stdout + done.stderr
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class Nutcracker:
    """twemproxy with pools {name: [(server_port, server_name), ...]}; after
    start(), `ports[name]` is each pool's listening port."""

    def __init__(self, pools, binary=None, auto_eject_hosts=False):
        self.pools = pools
        self.binary = binary or nutcracker_bin_or_skip()
        self.auto_eject_hosts = auto_eject_hosts
        self.proc = None
        self.ports = {}
        self.stats_port = None
        self.folder = tempfile.mkdtemp(prefix="it-nutcracker-")
        self.config_path = os.path.join(self.folder, "nutcracker.yml")
        self.log_path = os.path.join(self.folder, "nutcracker.log")

    def config_text(self):
        return "".join(pool_yaml(name, self.ports[name], servers, self.auto_eject_hosts)
                       for name, servers in self.pools.items())

    def start(self):
        last_error = None
        for _ in range(START_ATTEMPTS):
            self.ports = {name: harness.free_port() for name in self.pools}
            self.stats_port = harness.free_port()
            with open(self.config_path, "w") as f:
                f.write(self.config_text())
            # Foreground (no -d): the PID we hold is the proxy's own (0.5.0 writes no -p file then).
            self.proc = subprocess.Popen(
                [self.binary, "-c", self.config_path, "-s", str(self.stats_port), "-a", "127.0.0.1",
                 "-o", self.log_path],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
            try:
                self._wait_ready()
                return self
            except RuntimeError as e:  # a port taken between free_port() and the bind
                last_error = e
                self.stop(keep_files=True)
        raise RuntimeError(f"nutcracker did not start: {last_error}\n{self.log_text()}")

    def _wait_ready(self):
        """Ready once every port accepts while our process lives: nutcracker
        binds all of them before it serves, and exits if one bind fails."""
        deadline = time.monotonic() + START_TIMEOUT
        pending = set(self.ports.values()) | {self.stats_port}
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"exited with {self.proc.returncode}")
            for port in list(pending):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    pending.discard(port)
                except OSError:
                    pass
            if not pending and self.proc.poll() is None:
                return
            time.sleep(0.05)
        raise RuntimeError(f"ports {sorted(pending)} not accepting after {START_TIMEOUT:.0f} s")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log_text(self, limit=4000):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[-limit:]
        except OSError:
            return ""

    def stop(self, keep_files=False):
        """SIGTERM exactly our PID, SIGKILL it if it lingers, and reap it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=harness.STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=harness.STOP_TIMEOUT)
        if not keep_files:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
