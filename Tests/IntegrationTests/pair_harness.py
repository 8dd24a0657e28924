"""Helpers for the replication tests: a pair of ReplicaCache nodes on fixed
loopback ports, a small text-protocol client, full-content dumps, bounded
convergence waits, a cuttable TCP proxy, and the kill -9 trial shared by
test_pair_kill.py and bench/repl-kill.

Only 127.0.0.1 is used; only the PIDs started here are ever signalled.
"""

import os
import random
import socket
import threading
import time
import urllib.parse

import harness

CONVERGE_TIMEOUT = float(os.environ.get("IT_CONVERGE_S", "10"))
RESTART_TIMEOUT = 10.0


# -- processes ---------------------------------------------------------------

class Node(harness.ServerProcess):
    """A server process on a port chosen by the caller (so that the peer's
    `--peer` can name it before it starts, and a restart can reuse it)."""

    def __init__(self, name, binary, port, options=None, switches=None):
        super().__init__(name, binary, options=options, switches=switches)
        self.port = port
        self.logs = []

    def start(self, attempts=None):
        if not os.access(self.binary, os.X_OK):
            raise FileNotFoundError(f"{self.name}: no executable at {self.binary}")
        self.args = harness.build_args(self.port, self.options, (), self.switches)
        deadline = time.monotonic() + RESTART_TIMEOUT
        last_error = None
        while time.monotonic() < deadline:
            self.log = open(self._log_path(), "wb")
            self.logs.append(self.log.name)
            self.proc = harness.subprocess.Popen(
                [self.binary] + self.args, stdin=harness.subprocess.DEVNULL,
                stdout=self.log, stderr=harness.subprocess.STDOUT)
            try:
                self._wait_ready()
                return self
            except RuntimeError as e:  # e.g. the port is still held
                last_error = e
                self.stop()
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start on port {self.port}: "
                           f"{last_error}\n{self.log_text()}")

    def _log_path(self):
        import tempfile
        fd, path = tempfile.mkstemp(prefix=f"it-pair-{self.name}-", suffix=".log")
        os.close(fd)
        return path

    def kill9(self):
        """SIGKILL exactly our PID and reap it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=harness.STOP_TIMEOUT)
        if self.log and not self.log.closed:
            self.log.close()

    def repl(self):
        return self.stats(b"replication")

    def all_logs(self, limit=3000):
        out = []
        for path in self.logs:
            try:
                text = open(path, errors="replace").read()
            except OSError:
                continue
            out.append(f"--- {path}\n{text[-limit:]}")
        return "\n".join(out)


def pair_ports():
    while True:
        pa, pb = harness.free_port(), harness.free_port()
        if pa != pb:
            return pa, pb


def make_node(name, port, peer_port, binary=None, mode="async", extra=None):
    options = {
        "--peer": f"127.0.0.1:{peer_port}",
        "--node-id": name,
        "--repl-mode": mode,
    }
    options.update(extra or {})
    # No -v: the load tests would fill the log with connection chatter.
    return Node(name, binary or harness.replicacache_bin(), port,
                options=options, switches=["-M", "-A"])


class Pair:
    """Node a on pa and node b on pb, each the other's peer. `a_peer_port`
    lets a's link go through a proxy."""

    def __init__(self, binary=None, mode="async", a_extra=None, b_extra=None,
                 a_peer_port=None, b_peer_port=None):
        self.pa, self.pb = pair_ports()
        self.a = make_node("a", self.pa, a_peer_port or self.pb, binary, mode, a_extra)
        self.b = make_node("b", self.pb, b_peer_port or self.pa, binary, mode, b_extra)

    def start(self, wait_streaming=True, timeout=CONVERGE_TIMEOUT):
        try:
            self.a.start()
            self.b.start()
            if wait_streaming:
                wait_streaming_both(self.a, self.b, timeout)
        except BaseException:
            self.stop()  # a failed start leaves no process behind
            raise
        return self

    def stop(self):
        for node in (self.a, self.b):
            try:
                node.stop()
            except Exception:  # noqa: BLE001 - stop the other one regardless
                if node.proc is not None and node.proc.poll() is None:
                    node.proc.kill()

    def logs(self):
        return self.a.all_logs() + "\n" + self.b.all_logs()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def start_proxied_pair(through="a", binary=None, a_extra=None, b_extra=None):
    """Starts an async pair whose node `through` ("a" or "b") dials its peer through a CutProxy
    the test can pause, cut and heal; returns (pair, proxy). On a failed start both are stopped."""
    pa, pb = pair_ports()
    proxy = CutProxy(pb if through == "a" else pa)
    pair = Pair.__new__(Pair)
    pair.pa, pair.pb = pa, pb
    pair.a = make_node("a", pa, proxy.port if through == "a" else pb, binary, "async", a_extra)
    pair.b = make_node("b", pb, proxy.port if through == "b" else pa, binary, "async", b_extra)
    try:
        pair.start()
    except BaseException:
        proxy.stop()
        raise
    return pair, proxy


def wait_for(predicate, timeout, what, interval=0.05, detail=lambda: ""):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"not within {timeout} s: {what}\n{detail()}")
        time.sleep(interval)


def wait_streaming_both(a, b, timeout=CONVERGE_TIMEOUT):
    wait_for(lambda: a.repl()["repl_state"] == "streaming"
             and b.repl()["repl_state"] == "streaming",
             timeout, "both links streaming",
             detail=lambda: f"a: {a.repl()}\nb: {b.repl()}\n{a.all_logs()}\n{b.all_logs()}")


# -- a small text-protocol client ---------------------------------------------

class Client:
    def __init__(self, port, timeout=10.0):
        self.port = port
        self.sock = harness.connect(port, timeout)
        self.buf = bytearray()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("closed by server")
        self.buf += chunk

    def line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                out = bytes(self.buf[:i])
                del self.buf[:i + 2]
                return out
            self._fill()

    def exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def cmd(self, data):
        """Send one request; return its one-line reply."""
        self.send(data)
        return self.line()

    def store(self, verb, key, value, flags=0, exp=0, cas=None):
        if isinstance(key, str):
            key = key.encode()
        if isinstance(value, str):
            value = value.encode()
        head = b"%s %s %d %d %d" % (verb.encode(), key, flags, exp, len(value))
        if cas is not None:
            head += b" %d" % cas
        return self.cmd(head + b"\r\n" + value + b"\r\n")

    def read_values(self):
        """Read VALUE blocks up to END: {key: (flags, value, cas|None)}."""
        out = {}
        while True:
            line = self.line()
            if line == b"END":
                return out
            parts = line.split(b" ")
            if parts[0] != b"VALUE" or len(parts) not in (4, 5):
                raise AssertionError(f"bad retrieval reply line {line!r}")
            data = self.exact(int(parts[3]) + 2)
            if data[-2:] != b"\r\n":
                raise AssertionError(f"value of {parts[1]!r} not ended by CRLF")
            out[parts[1].decode()] = (int(parts[2]), data[:-2],
                                      int(parts[4]) if len(parts) == 5 else None)

    def get(self, *keys, verb=b"get"):
        self.send(verb + b" " + b" ".join(k.encode() if isinstance(k, str) else k
                                           for k in keys) + b"\r\n")
        return self.read_values()

    def get_many(self, keys, batch=100, verb=b"get"):
        out = {}
        keys = list(keys)
        for i in range(0, len(keys), batch):
            out.update(self.get(*keys[i:i + batch], verb=verb))
        return out

    def stats(self, sub=b""):
        self.send(b"stats" + (b" " + sub if sub else b"") + b"\r\n")
        lines = []
        while True:
            line = self.line()
            if line == b"END":
                break
            lines.append(line)
        return harness.parse_stats(b"\r\n".join(lines) + (b"\r\n" if lines else b"") + b"END\r\n")


def metadump(port):
    """{key: exp} of every live key (`lru_crawler metadump all`, alone on a
    fresh connection)."""
    s = harness.connect(port, timeout=20.0)
    try:
        s.sendall(b"lru_crawler metadump all\r\n")
        reply = harness.read_until(s, b"END\r\n", limit=30.0)
    finally:
        s.close()
    out = {}
    # memcached ends each metadump line with a bare \n, and the list with END\r\n.
    for line in reply[:-5].split(b"\n"):
        line = line.rstrip(b"\r")
        if not line:
            continue
        fields = dict(f.split(b"=", 1) for f in line.split(b" ") if b"=" in f)
        if b"key" not in fields or b"exp" not in fields:
            raise AssertionError(f"bad metadump line {line!r}")
        out[urllib.parse.unquote(fields[b"key"].decode())] = int(fields[b"exp"])
    return out


def dump(port):
    """Full contents: {key: (flags, exp, value)}; value None when the key was
    listed but a get missed it."""
    exps = metadump(port)
    with Client(port, timeout=20.0) as c:
        values = c.get_many(sorted(exps))
    return {k: (values[k][0] if k in values else None, exp,
                values[k][1] if k in values else None)
            for k, exp in exps.items()}


def diff_summary(da, db, limit=10):
    only_a = sorted(set(da) - set(db))
    only_b = sorted(set(db) - set(da))
    differ = sorted(k for k in set(da) & set(db) if da[k] != db[k])
    lines = [f"keys a={len(da)} b={len(db)}; only on a: {len(only_a)}, only on b: "
             f"{len(only_b)}, different: {len(differ)}"]
    for k in only_a[:limit]:
        lines.append(f"  only a: {k!r} {da[k]!r:.120}")
    for k in only_b[:limit]:
        lines.append(f"  only b: {k!r} {db[k]!r:.120}")
    for k in differ[:limit]:
        lines.append(f"  differ: {k!r} a={da[k]!r:.120} b={db[k]!r:.120}")
    return "\n".join(lines)


def lag_zero(node):
    r = node.repl()
    return r["repl_state"] == "streaming" and r["repl_lag_bytes"] in ("0", "-")


def wait_converged(a, b, timeout=CONVERGE_TIMEOUT):
    """Bounded poll until both links stream with zero lag and both nodes'
    full contents are identical. Returns the common dump."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        if lag_zero(a) and lag_zero(b):
            da, db = dump(a.port), dump(b.port)
            if da == db:
                return da
            last = (da, db)
        if time.monotonic() >= deadline:
            detail = diff_summary(*last) if last else "lag never reached 0"
            raise AssertionError(
                f"pair did not converge within {timeout} s: {detail}\n"
                f"a: {a.repl()}\nb: {b.repl()}")
        time.sleep(0.1)


# -- keys sharded over several pairs -----------------------------------------

def read_all(port, keys, batch=500):
    """{key: value} of every key found, by multi-gets of `batch` keys."""
    with Client(port, timeout=20.0) as c:
        return {k: v[1] for k, v in c.get_many(keys, batch=batch).items()}


def refilled(node):
    """Streaming, caught up, and no full resync into this node under way (a
    restarted node serves while its peer refills it)."""
    return lag_zero(node) and node.repl().get("repl_resync_in_progress") == "0"


def wait_replicated(pairs, timeout=CONVERGE_TIMEOUT):
    """Bounded wait until every pair's links stream with zero lag and neither
    node is being refilled."""
    for pair in pairs:
        wait_for(lambda: refilled(pair.a) and refilled(pair.b), timeout,
                 "both links of the pair streaming with zero lag, no resync under way",
                 detail=lambda: f"a: {pair.a.repl()}\nb: {pair.b.repl()}")


def placement(pairs, items):
    """{pair name: set of keys} of `pairs` ({name: Pair}), after checking that
    every key of `items` is on both nodes of exactly one pair with its value,
    and on no other node."""
    keys = list(items)
    held = {(name, node.name): read_all(node.port, keys)
            for name, pair in pairs.items() for node in (pair.a, pair.b)}
    on_pair = {name: set() for name in pairs}
    problems = []
    for key, value in items.items():
        where = sorted(place for place, found in held.items() if key in found)
        wrong = [place for place in where if held[place][key] != value]
        owners = {name for name, _ in where}
        if wrong or len(owners) != 1 or len(where) != 2:
            problems.append(f"{key}: on {where}, wrong value on {wrong}")
        else:
            on_pair[owners.pop()].add(key)
    assert not problems, (f"{len(problems)} of {len(items)} keys misplaced, e.g.\n"
                          + "\n".join(problems[:10]))
    return on_pair


# -- a TCP proxy that can cut the link ---------------------------------------

class CutProxy:
    """Listens on a free loopback port and forwards each connection to
    127.0.0.1:target. cut() closes every forwarded connection and, until
    heal(), accepts and immediately closes new ones. pause() stops forwarding
    (the connections stay up and fill, as a stalled network does) until
    resume()."""

    def __init__(self, target_port):
        self.target = target_port
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.conns = set()
        self.refusing = False
        self.stopped = False
        self.accepted = 0
        self.refused = 0
        self.flowing = threading.Event()
        self.flowing.set()
        self.thread = threading.Thread(target=self._accept_loop, daemon=True)
        self.thread.start()

    def _accept_loop(self):
        while not self.stopped:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                if self.refusing or self.stopped:
                    self.refused += 1
                    _hard_close(client)
                    continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target), timeout=5)
            except OSError:
                _hard_close(client)
                continue
            with self.lock:
                self.accepted += 1
                self.conns.add(client)
                self.conns.add(upstream)
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src, dst):
        try:
            while True:
                self.flowing.wait()
                data = src.recv(1 << 16)
                if not data:
                    break
                self.flowing.wait()
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with self.lock:
                    self.conns.discard(s)
                _hard_close(s)

    def cut(self):
        with self.lock:
            self.refusing = True
            conns = list(self.conns)
            self.conns.clear()
        for s in conns:
            _hard_close(s)

    def pause(self):
        self.flowing.clear()

    def resume(self):
        self.flowing.set()

    def heal(self):
        with self.lock:
            self.refusing = False

    def stop(self):
        self.stopped = True
        self.resume()
        self.cut()
        try:
            self.listener.close()
        except OSError:
            pass


def _hard_close(s):
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        s.close()
    except OSError:
        pass


# -- the kill -9 trial ---------------------------------------------------------

def kill_trial(mode, binary=None, writers=4, run_seconds=1.0, value_size=64,
               sync_timeout_ms=None, settle_timeout=5.0):
    """Start a pair in `mode`, write unique keys to a from `writers`
    connections, kill -9 a after `run_seconds`, and count how many writes a
    acknowledged (STORED) are missing on b.

    Returns a dict: acked, missing, missing_sample, errors, degraded (a's
    repl_degraded_writes at its last sample before the kill), b_stats."""
    extra = {}
    if sync_timeout_ms is not None:
        extra["--repl-sync-timeout"] = str(sync_timeout_ms)
    pair = Pair(binary=binary, mode=mode, a_extra=extra, b_extra=extra)
    pair.start()
    acked = {}
    errors = []
    stop = threading.Event()
    degraded = ["-"]
    tag = "%08x" % random.getrandbits(32)

    def writer(n):
        try:
            c = Client(pair.a.port, timeout=10.0)
        except OSError as e:
            errors.append(f"writer {n} connect: {e}")
            return
        mine = {}
        i = 0
        try:
            while not stop.is_set():
                key = f"kill-{tag}-{n}-{i}"
                value = (f"{key}:" + "v" * value_size)[:max(value_size, len(key) + 1)]
                try:
                    reply = c.store("set", key, value)
                except (OSError, ConnectionError):
                    break  # a is dead: this write is not acknowledged
                if reply == b"STORED":
                    mine[key] = value.encode()
                else:
                    errors.append(f"writer {n}: {key} -> {reply!r}")
                    break
                i += 1
        finally:
            c.close()
            acked.update(mine)

    def monitor():
        while not stop.is_set():
            try:
                degraded[0] = pair.a.repl().get("repl_degraded_writes", "?")
            except Exception:
                return
            time.sleep(0.05)

    threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(writers)]
    mon = threading.Thread(target=monitor, daemon=True)
    try:
        for t in threads:
            t.start()
        mon.start()
        time.sleep(run_seconds)
        pair.a.kill9()
        killed_at = time.monotonic()
        stop.set()
        for t in threads:
            t.join(timeout=15)
        mon.join(timeout=5)
        if mode != "sync":
            # Let b apply whatever reached its socket before the kill:
            # wait until its applied offset stops moving (bounded).
            last, stable_since = None, time.monotonic()
            while time.monotonic() - killed_at < settle_timeout:
                cur = pair.b.repl().get("repl_applied_offset")
                if cur != last:
                    last, stable_since = cur, time.monotonic()
                elif time.monotonic() - stable_since > 0.3:
                    break
                time.sleep(0.05)
        with Client(pair.b.port, timeout=20.0) as c:
            present = c.get_many(sorted(acked))
        missing = sorted(k for k, v in acked.items()
                         if k not in present or present[k][1] != v)
        return {
            "mode": mode,
            "acked": len(acked),
            "missing": len(missing),
            "missing_sample": missing[:10],
            "errors": errors,
            "degraded": degraded[0],
            "b_stats": pair.b.repl(),
            "logs": pair.logs,
        }
    finally:
        stop.set()
        pair.stop()
