"""Process and socket helpers shared by the ReplicaCache integration tests.

Everything here talks to 127.0.0.1 only and only ever signals the PIDs it
started itself.
"""

import os
import re
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

# memcached's own flags; ReplicaCache accepts them with the same meaning.
BASE_OPTIONS = {
    "-U": "0",
    "-l": "127.0.0.1",
    "-t": "2",
    "-m": "64",
    "-c": "1024",
    "-I": "1m",
}
BASE_SWITCHES = ["-M", "-A", "-v"]

CLOSED = b"<closed>"

# How long a connection must stay silent before a reply counts as complete.
QUIET_SECONDS = float(os.environ.get("IT_QUIET_MS", "150")) / 1000.0
# A slow (debug) build may need longer before its first byte; silence after
# that first byte is what ends a reply.
FIRST_BYTE_SECONDS = float(os.environ.get("IT_FIRST_BYTE_MS", "500")) / 1000.0
START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0


def memcached_bin():
    return os.environ.get("MEMCACHED_BIN", "/usr/bin/memcached")


def replicacache_bin():
    return os.environ.get(
        "REPLICACACHE_BIN", str(REPO_ROOT / ".build" / "debug" / "replicacache"))


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def build_args(port, options=None, drop=(), switches=None):
    """Command line with memcached's flags; `options` overrides or adds
    valued flags, `drop` removes flags, `switches` replaces the switch list."""
    opts = dict(BASE_OPTIONS)
    opts.update(options or {})
    sw = list(BASE_SWITCHES if switches is None else switches)
    args = ["-p", str(port)]
    for flag, value in opts.items():
        if flag in drop:
            continue
        args += [flag, value]
    args += [s for s in sw if s not in drop]
    # memcached refuses to run as root without -u; give both servers the
    # same argument so the command lines stay identical.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args += ["-u", "root"]
    return args


class ServerProcess:
    """One server process on a free loopback port."""

    def __init__(self, name, binary, options=None, drop=(), switches=None, env=None, stats_probe=True):
        """`env` adds variables to the server's environment; `stats_probe=False` takes an
        accepted connection as ready (for servers that answer `stats` only after
        authentication)."""
        self.name = name
        self.binary = binary
        self.options = options
        self.drop = drop
        self.switches = switches
        self.env = env
        self.stats_probe = stats_probe
        self.proc = None
        self.port = None
        self.args = None
        self.log = None

    # -- life cycle -------------------------------------------------------
    def start(self, attempts=5):
        if not os.access(self.binary, os.X_OK):
            raise FileNotFoundError(f"{self.name}: no executable at {self.binary}")
        last_error = None
        for _ in range(attempts):
            self.port = free_port()
            self.args = build_args(self.port, self.options, self.drop, self.switches)
            self.log = tempfile.NamedTemporaryFile(
                prefix=f"it-{self.name}-", suffix=".log", delete=False)
            self.proc = subprocess.Popen(
                [self.binary] + self.args, stdin=subprocess.DEVNULL,
                stdout=self.log, stderr=subprocess.STDOUT,
                env=dict(os.environ, **self.env) if self.env else None)
            try:
                self._wait_ready()
                return self
            except RuntimeError as e:  # port taken meanwhile, or slow start
                last_error = e
                self.stop()
        raise RuntimeError(f"{self.name} did not start: {last_error}\n{self.log_text()}")

    def _wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"exited with {self.proc.returncode}")
            try:
                s = socket.create_connection(("127.0.0.1", self.port), timeout=0.5)
            except OSError:
                time.sleep(0.05)
                continue
            if not self.stats_probe:
                s.close()
                return
            try:
                # Make sure the listener is our process and not whoever
                # took the port between free_port() and the server's bind.
                # (A server without a usable `stats` is taken as ready: the
                # tests will say what is wrong with it.)
                s.sendall(b"stats\r\n")
                reply = read_until(s, b"END\r\n", limit=3.0)
            except (OSError, TimeoutError, ConnectionError):
                reply = b""
            finally:
                s.close()
            m = re.search(rb"STAT pid (\d+)\r\n", reply)
            if m and int(m.group(1)) != self.proc.pid:
                raise RuntimeError(f"port {self.port} belongs to pid {int(m.group(1))}")
            return
        raise RuntimeError("not accepting connections after %.0f s" % START_TIMEOUT)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_exit(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self):
        """SIGTERM exactly our PID, SIGKILL it after a bound."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT)
        if self.log and not self.log.closed:
            self.log.close()
        return self.proc.returncode

    def log_text(self, limit=4000):
        try:
            return Path(self.log.name).read_text(errors="replace")[-limit:]
        except Exception:
            return ""

    # -- talking ----------------------------------------------------------
    def connect(self, timeout=5.0):
        return connect(self.port, timeout)

    def exchange(self, data, quiet=None):
        return exchange(self.port, data, quiet)

    def call(self, data, until=None):
        """Send one request and read its reply up to a known terminator."""
        s = self.connect()
        try:
            s.sendall(data)
            return read_until(s, until) if until else read_quiet(s)
        finally:
            s.close()

    def flush(self):
        assert self.call(b"flush_all\r\n", until=b"\r\n") == b"OK\r\n"

    def stats(self, sub=b""):
        cmd = b"stats" + (b" " + sub if sub else b"") + b"\r\n"
        return parse_stats(self.call(cmd, until=b"END\r\n"))

    def __repr__(self):
        return f"<{self.name} pid={self.proc.pid if self.proc else None} port={self.port}>"


def connect(port, timeout=5.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_quiet(sock, quiet=None, limit=10.0):
    """Read until the peer has been silent for `quiet` seconds or closed.
    A close (orderly or reset) is recorded as the marker CLOSED."""
    quiet = QUIET_SECONDS if quiet is None else quiet
    out = bytearray()
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        sock.settimeout(quiet if out else max(quiet, FIRST_BYTE_SECONDS))
        try:
            chunk = sock.recv(1 << 16)
        except socket.timeout:
            return bytes(out)
        except (ConnectionResetError, BrokenPipeError):
            return bytes(out) + CLOSED
        if not chunk:
            return bytes(out) + CLOSED
        out += chunk
    return bytes(out)


def read_until(sock, terminator, limit=10.0):
    out = bytearray()
    deadline = time.monotonic() + limit
    while not out.endswith(terminator):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"no {terminator!r} after {limit} s; got {bytes(out[-200:])!r}")
        sock.settimeout(remaining)
        chunk = sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError(f"closed before {terminator!r}; got {bytes(out[-200:])!r}")
        out += chunk
    return bytes(out)


def exchange(port, data, quiet=None):
    """Fresh connection: send `data`, send nothing more, read the complete
    reply (quiet period or close)."""
    s = connect(port)
    try:
        try:
            s.sendall(data)
        except (ConnectionResetError, BrokenPipeError):
            # The server closed while we were still sending: keep whatever
            # it answered before, and record the close.
            try:
                got = read_quiet(s, quiet)
            except OSError:
                got = b""
            return got if got.endswith(CLOSED) else got + CLOSED
        return read_quiet(s, quiet)
    finally:
        s.close()


def parse_stats(reply):
    assert reply.endswith(b"END\r\n"), reply[-200:]
    stats = {}
    for line in reply[:-5].split(b"\r\n"):
        if not line:
            continue
        parts = line.split(b" ", 2)
        assert parts[0] == b"STAT" and len(parts) == 3, line
        stats[parts[1].decode()] = parts[2].decode(errors="replace")
    return stats


# -- normalisation of values that legitimately differ between servers ----

_VERSION_RE = re.compile(rb"VERSION [^\r\n]*\r\n")
_META_CAS_RE = re.compile(rb"(?<= )c\d+(?= |$)")
_ME_CAS_RE = re.compile(rb"(?<= )cas=\d+(?= |$)")
_META_TIME_RE = re.compile(rb"(?<= )(t|l|exp=|la=)(-?\d+)(?= |$)")


def split_meta_times(reply):
    """Seconds in meta reply lines (mg/ma `t` and `l`, me `exp=` and `la=`)
    replaced by a placeholder, and the list of them: two servers' clocks
    tick over at different instants, so a test compares these numbers with a
    tolerance of one second. Value data is never rewritten."""
    out = bytearray()
    seconds = []
    i = 0
    n = len(reply)

    def take(match):
        seconds.append(int(match.group(2)))
        return match.group(1) + b"<s>"

    while i < n:
        j = reply.find(b"\r\n", i)
        if j < 0:
            out += reply[i:]
            break
        line = reply[i:j]
        i = j + 2
        if line[:3] in (b"VA ", b"HD ", b"ME "):
            out += _META_TIME_RE.sub(take, line) + b"\r\n"
            if line.startswith(b"VA "):
                size = int(line.split(b" ")[1]) + 2
                out += reply[i:i + size]
                i += size
            continue
        out += line + b"\r\n"
    return bytes(out), seconds


def normalise_text(reply):
    """Replace CAS uniques on VALUE lines and in meta replies, and the
    version string, by placeholders. Walks the reply so value data is never
    rewritten."""
    out = bytearray()
    i = 0
    n = len(reply)
    while i < n:
        j = reply.find(b"\r\n", i)
        if j < 0:
            out += reply[i:]
            break
        line = reply[i:j]
        i = j + 2
        if line.startswith(b"VALUE "):
            parts = line.split(b" ")
            if len(parts) == 5 and parts[3].isdigit():
                parts[4] = b"<cas>"
            out += b" ".join(parts) + b"\r\n"
            if len(parts) >= 4 and parts[3].isdigit():
                size = int(parts[3]) + 2
                out += reply[i:i + size]
                i += size
            continue
        if line.startswith(b"VERSION "):
            out += b"VERSION <version>\r\n"
            continue
        if line.startswith(b"ME "):
            out += _ME_CAS_RE.sub(b"cas=<cas>", line) + b"\r\n"
            continue
        if line[:3] in (b"VA ", b"HD ", b"EN ", b"NF ", b"NS ", b"EX ") or line == b"HD":
            out += _META_CAS_RE.sub(b"c<cas>", line) + b"\r\n"
            if line.startswith(b"VA "):
                size = int(line.split(b" ")[1]) + 2
                out += reply[i:i + size]
                i += size
            continue
        out += line + b"\r\n"
    return bytes(out)


def normalise_binary(reply):
    """Zero the CAS field of every binary-protocol response packet and
    replace the body of a successful VERSION response by a placeholder."""
    out = bytearray()
    i = 0
    while i + 24 <= len(reply) and reply[i] == 0x81:
        body = int.from_bytes(reply[i + 8:i + 12], "big")
        pkt = bytearray(reply[i:i + 24 + body])
        pkt[16:24] = b"\0" * 8
        if pkt[1] == 0x0B and pkt[6:8] == b"\0\0" and len(pkt) == 24 + body:
            pkt[8:12] = len(b"<version>").to_bytes(4, "big")
            pkt[24:] = b"<version>"
        out += pkt
        i += 24 + body
    return bytes(out) + reply[i:]


def normalise(request, reply):
    if request[:1] == b"\x80":
        return normalise_binary(reply)
    return normalise_text(reply)


def show(data, limit=600):
    """Readable rendering of a reply for assertion messages."""
    if len(data) > limit:
        return repr(data[:limit // 2]) + f" ...<{len(data)} bytes>... " + repr(data[-limit // 2:])
    return repr(data)


def doc_code_block(relative_path, marker):
    """The fenced code block that follows `<!-- marker ...-->` in a document of
    the repo, so that tests run the snippets users copy."""
    text = (REPO_ROOT / relative_path).read_text()
    found = re.search(r"<!-- " + re.escape(marker) + r"\b[^>]*-->\n```\w*\n(.*?)```", text, flags=re.S)
    if found is None:
        raise AssertionError(f"no code block marked {marker!r} in {relative_path}")
    return found.group(1)
