"""What a Tomcat farm with memcached-session-manager (MSM) sees of a
ReplicaCache pair, in text and binary mode.

The Java program under Tests/Java (replicacache.sessions.SessionDriverMain)
talks to the pair through spymemcached exactly as MSM does (FACTS.md):
`<sid>-n1` sessions of 200 B to 16 KB with a 3600 s expiry, `validity:` with
1800 s, `bak:` copies on the other node, `add` with 5 s as the "still there"
probe, `lock:` add/retry/delete, `get ping-n1`, cancel failure mode. It takes
one command per line and answers one line, so the test kills, stops and
restarts nodes between commands. It keeps the newest version of every session
that a node acknowledged; `verify` sorts what the nodes hold into current
(that version, or a newer one whose reply was lost), stale and missing, idle
and active sessions apart.

Requests that the client itself lost (cancelled because they were in flight
to a node that died, or sent while it was down) are counted as `failed`, apart
from what the pair lost; every scenario prints its counts.
"""

import os
import queue
import subprocess
import threading
import time

import pytest

import harness
import pair_harness as ph
from test_spymemcached import JAR, JVM_OPTIONS, java_classpath  # noqa: F401 - fixture

MAIN_CLASS = "replicacache.sessions.SessionDriverMain"
COMMAND_TIMEOUT = 60
PROTOCOLS = ["text", "binary"]

pytestmark = pytest.mark.timeout(180)


class Driver:
    """The Java session driver: one command line in, one result line out."""

    def __init__(self, classpath, pair, protocol, timeout_ms=1000):
        nodes = f"n1:127.0.0.1:{pair.pa},n2:127.0.0.1:{pair.pb}"
        self.proc = subprocess.Popen(
            ["java", *JVM_OPTIONS, "-cp", classpath, MAIN_CLASS, "--nodes", nodes,
             "--protocol", protocol, "--timeout-ms", str(timeout_ms)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        self.stderr = []
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines.put), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self.stderr.append), daemon=True).start()
        assert self._line() == "ready"

    @staticmethod
    def _pump(stream, sink):
        for line in stream:
            sink(line.rstrip("\n"))

    def _line(self):
        try:
            return self.lines.get(timeout=COMMAND_TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"the session driver did not answer within {COMMAND_TIMEOUT} s; "
                                 f"stderr:\n{''.join(self.stderr[-40:])}") from None

    def __call__(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        line = self._line()
        assert line.startswith("ok "), f"{command!r}: {line}\nstderr:\n{chr(10).join(self.stderr[-40:])}"
        return {key: int(value) if value.lstrip("-").isdigit() else value
                for key, value in (word.split("=", 1) for word in line[3:].split())}

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(timeout=10)


@pytest.fixture
def farm(java_classpath, request):  # noqa: F811 - the fixture imported above
    """Starts a pair in the mode asked for and a driver on it; stops both."""
    started = []

    def start(protocol, mode="async"):
        pair = ph.Pair(mode=mode)
        started.append(pair)
        pair.start()
        driver = Driver(java_classpath, pair, protocol)
        started.append(driver)
        return pair, driver

    yield start
    for thing in reversed(started):
        (thing.close if isinstance(thing, Driver) else thing.stop)()


def wait_refilled(pair):
    """Both links stream, caught up, and neither node is warming or being refilled."""
    def ready():
        ra, rb = pair.a.repl(), pair.b.repl()
        return all(r["repl_state"] == "streaming" and r["repl_warming"] == "0"
                   and r["repl_resync_in_progress"] == "0" for r in (ra, rb))
    ph.wait_for(ready, ph.CONVERGE_TIMEOUT, "both nodes refilled and streaming",
                detail=lambda: f"a: {pair.a.repl()}\nb: {pair.b.repl()}")


def report(name, **counts):
    print(f"\n{name}: " + " ".join(f"{key}={value}" for key, value in counts.items()))


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_non_sticky_alternation_reads_every_update_back_from_either_node(farm, protocol):
    # Sync mode: a write is acknowledged once the peer has it, so the other node must show it at once too.
    pair, driver = farm(protocol, mode="sync")
    assert driver("create 40")["failed"] == 0
    result = driver("alternate 300")
    report("alternation", **result)
    assert result["acknowledged"] == 300, result
    assert result["home_mismatch"] == 0 and result["other_mismatch"] == 0, result


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_two_writers_under_the_session_lock_lose_no_update(farm, protocol):
    _, driver = farm(protocol)
    driver("create 4")
    result = driver("lock-race 150")
    report("lock race", **result)
    assert result == {"acknowledged": 300, "failed": 0, "counter": 300}


def rolling_restart(pair, driver, stop):
    """With the load running, takes each node down with `stop`, starts it again empty, and waits
    until it is refilled before the next; returns the load's counts and the verification."""
    assert driver("probe") == {"still_there": 50, "gone": 0}
    driver("load start 4")
    time.sleep(1.0)
    for node in (pair.a, pair.b):
        stop(node)
        time.sleep(0.3)
        node.start()
        wait_refilled(pair)
        time.sleep(0.5)
    load = driver("load stop")
    verified = driver("verify")
    assert driver("probe") == {"still_there": 50, "gone": 0}, "idle sessions answer MSM's probe"
    return load, verified


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("mode", ["async", "sync"])
def test_rolling_restart_with_kill9_keeps_every_idle_session(farm, protocol, mode):
    pair, driver = farm(protocol, mode)
    driver("create 100")
    load, verified = rolling_restart(pair, driver, lambda node: node.kill9())
    report(f"rolling restart, kill -9, {mode}", **load, **verified)
    assert verified["idle_current"] == 50, verified
    assert load["acknowledged"] > 0, load
    if mode == "sync":
        # Every acknowledged update was on the peer before its reply: only the client's own losses remain.
        assert verified["active_stale"] == verified["active_missing"] == 0, verified
        assert load["stale_read"] == 0, load


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_rolling_restart_with_sigterm_loses_nothing_the_pair_acknowledged(farm, protocol):
    # The planned upgrade: SIGTERM drains (answers what arrived, hands the peer every write), in async mode.
    pair, driver = farm(protocol)
    driver("create 100")
    load, verified = rolling_restart(pair, driver, lambda node: node.stop())
    report("rolling restart, SIGTERM", **load, **verified)
    assert verified["idle_current"] == 50, verified
    assert verified["active_stale"] == verified["active_missing"] == 0, verified
    assert load["stale_read"] == 0, load


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_node_restarted_right_after_a_kill_finds_every_session(java_classpath, protocol):  # noqa: F811
    # b dials a through a proxy the test pauses, so a's resync cannot arrive: only its read-through
    # can find the sessions, as in the first moments after a restart.
    pair, proxy = ph.start_proxied_pair("b")
    driver = None
    try:
        driver = Driver(java_classpath, pair, protocol)
        driver("create 100")
        ph.wait_converged(pair.a, pair.b)
        pair.a.kill9()
        proxy.pause()
        pair.a.start()
        assert pair.a.repl()["repl_warming"] == "1"
        verified = driver("verify")
        repl = pair.a.repl()
        report("restart right after kill", **verified, hits=repl["repl_read_through_hits"])
        assert verified["idle_current"] + verified["active_current"] == 100, verified
        assert repl["repl_warming"] == "1" and int(repl["repl_read_through_hits"]) == 50, repl
        proxy.resume()
        wait_refilled(pair)
        assert driver("verify n1")["idle_current"] == 50
    finally:
        if driver:
            driver.close()
        pair.stop()
        proxy.stop()


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_kill9_under_load_sync_loses_no_acknowledged_update(farm, protocol, mode):
    pair, driver = farm(protocol, mode)
    driver("create 100")
    driver("load start 4")
    time.sleep(1.5)
    pair.a.kill9()
    time.sleep(0.5)
    load = driver("load stop")
    # Every session, from the survivor: n1's own sessions as b received them.
    verified = driver("verify n2")
    lost = verified["active_stale"] + verified["active_missing"]
    report(f"kill -9 under load, {mode}", **load, **verified, lost_acknowledged=lost)
    assert verified["idle_current"] == 50, verified
    if mode == "sync":
        assert lost == 0, verified
    else:
        assert lost <= load["acknowledged"], verified


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_plain_memcached_loses_the_idle_sessions_of_every_restarted_node(java_classpath, protocol):  # noqa: F811
    """The baseline the pair removes, and proof that the checks above can fail: the same rolling
    restart over two unreplicated memcached nodes."""
    pair = ph.Pair.__new__(ph.Pair)
    pair.pa, pair.pb = ph.pair_ports()
    pair.a = ph.Node("m1", harness.memcached_bin(), pair.pa, switches=["-M", "-A"])
    pair.b = ph.Node("m2", harness.memcached_bin(), pair.pb, switches=["-M", "-A"])
    driver = None
    try:
        pair.a.start()
        pair.b.start()
        driver = Driver(java_classpath, pair, protocol)
        driver("create 100")
        for node in (pair.a, pair.b):
            node.kill9()
            node.start()
        verified = driver("verify")
        report("memcached, rolling restart", **verified)
        assert verified["idle_current"] == 0 and verified["idle_missing"] == 50, verified
    finally:
        if driver:
            driver.close()
        pair.stop()
