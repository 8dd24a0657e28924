"""Fixtures: memcached (the reference) and ReplicaCache ("ours") processes on
free loopback ports, plus a factory for servers with special flags.

Environment:
  REPLICACACHE_BIN  our server binary (default <repo>/.build/debug/replicacache)
  MEMCACHED_BIN     reference memcached (default /usr/bin/memcached)
  IT_REQUIRE_OURS=1 fail instead of skip when our binary is missing
  IT_QUIET_MS       silence that ends a reply in differential cases (150)
  IT_TEST_TIMEOUT   per-test time bound in seconds (60)
"""

import os
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402

TEST_TIMEOUT = int(os.environ.get("IT_TEST_TIMEOUT", "60"))

def _timeout_plugin_active(config):
    return config.pluginmanager.hasplugin("timeout")


def pytest_configure(config):
    if not _timeout_plugin_active(config):
        config.addinivalue_line("markers", "timeout(seconds): per-test time bound")


def pytest_collection_modifyitems(config, items):
    # Every test gets a time bound unless it sets its own.
    for item in items:
        if item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(TEST_TIMEOUT))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """Fallback bound when pytest-timeout is not available: SIGALRM."""
    usable = (not _timeout_plugin_active(item.config)
              and threading.current_thread() is threading.main_thread()
              and hasattr(signal, "SIGALRM"))
    if usable:
        marker = item.get_closest_marker("timeout")
        seconds = int(marker.args[0]) if marker and marker.args else TEST_TIMEOUT

        def on_alarm(signum, frame):
            raise TimeoutError(f"test exceeded {seconds} s")
        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.alarm(seconds)
    try:
        yield
    finally:
        if usable:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)


def _start(name, binary, **kw):
    server = harness.ServerProcess(name, binary, **kw)
    return server.start()


def _ours_binary_or_skip():
    binary = harness.replicacache_bin()
    if not os.access(binary, os.X_OK):
        message = f"ReplicaCache binary not found at {binary} (set REPLICACACHE_BIN)"
        if os.environ.get("IT_REQUIRE_OURS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return binary


@pytest.fixture(scope="session")
def memcached():
    server = _start("memcached", harness.memcached_bin())
    yield server
    server.stop()


@pytest.fixture(scope="session")
def ours():
    server = _start("ours", _ours_binary_or_skip())
    # Skew ours' CAS uniques away from memcached's so that no comparison can
    # pass merely because two identical histories produced equal uniques
    # (matters when the harness is checked with memcached as "ours").
    server.call(b"set cas-skew 0 0 1\r\nx\r\n" * 37 + b"delete cas-skew\r\n",
                until=b"DELETED\r\n")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pool():
    with ThreadPoolExecutor(max_workers=4) as executor:
        yield executor


@pytest.fixture
def server_factory():
    """server_factory(kind, options=None, drop=(), switches=None) -> started
    ServerProcess; kind is "memcached" or "ours". Stopped after the test."""
    started = []

    def make(kind, options=None, drop=(), switches=None, env=None, stats_probe=True):
        if kind == "memcached":
            binary = harness.memcached_bin()
        elif kind == "ours":
            binary = _ours_binary_or_skip()
        else:
            raise ValueError(kind)
        server = harness.ServerProcess(kind, binary, options=options, drop=drop, switches=switches, env=env,
                                       stats_probe=stats_probe)
        started.append(server)
        return server.start()

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def both(memcached, ours):
    """The two session servers, flushed."""
    memcached.flush()
    ours.flush()
    return memcached, ours
