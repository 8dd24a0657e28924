"""TLS: memcached's -Z with -o ssl_chain_cert/ssl_key/ssl_ca_cert/ssl_verify_mode on the client port,
compared with Debian's memcached (built with TLS) through Python's ssl module, and --repl-tls between
the nodes of a pair, with certificates made for the test by the openssl command."""

import re
import socket
import ssl
import subprocess
import time

import pytest

import harness
import pair_harness as ph
from conftest import _ours_binary_or_skip
from meta_binary_cases import BINARY_CASES, META_CASES
from text_cases import CASES

SAN = "subjectAltName=IP:127.0.0.1,DNS:localhost\n"


def _openssl(directory, *args):
    subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True, timeout=30)


def _make_ca(directory, name):
    _openssl(directory, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2", "-subj", f"/CN={name}")


def _make_certificate(directory, name, ca):
    _openssl(directory, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}")
    (directory / "san.ext").write_text(SAN)
    _openssl(directory, "x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
             "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile", "san.ext")


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    """ca signs node (the servers'), node2 (a replacement for refresh_certs) and client; rogue-ca signs rogue."""
    directory = tmp_path_factory.mktemp("tls")
    directory.chmod(0o755)
    _make_ca(directory, "ca")
    _make_ca(directory, "rogue-ca")
    for name in ("node", "node2", "client"):
        _make_certificate(directory, name, "ca")
    _make_certificate(directory, "rogue", "rogue-ca")
    for path in directory.iterdir():
        path.chmod(0o644)  # memcached may run as another user
    return directory


def tls_options(certs, cert="node", **extra):
    keys = {"ssl_chain_cert": str(certs / f"{cert}.pem"), "ssl_key": str(certs / f"{cert}.key")}
    keys.update(extra)
    return ",".join(f"{k}={v}" if v is not None else k for k, v in keys.items())


def client_context(certs, cert=None):
    context = ssl.create_default_context(cafile=str(certs / "ca.pem"))
    if cert:
        context.load_cert_chain(str(certs / f"{cert}.pem"), str(certs / f"{cert}.key"))
    return context


class TLSServer(harness.ServerProcess):
    """A server whose client port speaks TLS; `connect` hands out TLS sockets checked against the test CA."""

    context = None

    def connect(self, timeout=5.0):
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self.context.wrap_socket(raw, server_hostname="localhost")

    def exchange(self, data, quiet=None):
        s = self.connect()
        try:
            try:
                s.sendall(data)
            except (ConnectionResetError, BrokenPipeError, ssl.SSLError):
                return harness.CLOSED
            return harness.read_quiet(s, quiet)
        finally:
            s.close()


def start_tls(kind, certs, extra_options=None, **keys):
    binary = harness.memcached_bin() if kind == "memcached" else _ours_binary_or_skip()
    options = {"-o": tls_options(certs, **keys)}
    options.update(extra_options or {})
    server = TLSServer(kind, binary, options=options, switches=["-Z", "-A"], stats_probe=False)
    server.context = client_context(certs)
    return server.start()


@pytest.fixture(scope="module")
def tls_both(certs):
    servers = [start_tls("memcached", certs), start_tls("ours", certs)]
    yield servers
    for server in servers:
        server.stop()


def _run_cases(servers, pool, cases):
    mismatches = []
    for name, request in cases:
        for server in servers:
            server.call(b"flush_all\r\n", until=b"OK\r\n")
        ref, got = (f.result() for f in [pool.submit(s.exchange, request) for s in servers])
        ref_n, got_n = harness.normalise(request, ref), harness.normalise(request, got)
        if ref_n != got_n:
            mismatches.append(f"{name}: memcached {harness.show(ref_n, 300)}\n   ours {harness.show(got_n, 300)}")
    return mismatches


@pytest.mark.timeout(240)
def test_differential_cases_over_tls(tls_both, pool):
    """Every other text case and every third meta and binary case, each on its own TLS connection. Cases that
    send more than 256 KB are left to test_whole_session_in_one_write: memcached 1.6.18 over TLS does not answer
    the requests that follow a value that large in the same write until the client sends more."""
    cases = [case for case in CASES[::2] + META_CASES[::3] + BINARY_CASES[::3] if len(case[1]) < 256 << 10]
    mismatches = _run_cases(tls_both, pool, cases)
    assert not mismatches, f"{len(mismatches)} of {len(cases)} differ:\n" + "\n".join(mismatches[:10])
    print(f"{len(cases)} cases identical over TLS")


def _session():
    """A text session with a value bigger than a TLS record and a 600 KB one, as separate requests."""
    value = bytes(range(256)) * 80
    large = b"L" * 600_000
    return [
        b"set small 5 0 3\r\nabc\r\n",
        b"set tls-big 1 0 %d\r\n%s\r\n" % (len(value), value),
        b"get small tls-big missing\r\n",
        b"append small 0 0 2\r\nde\r\n",
        b"incr nothing 1\r\n",
        b"set large 0 0 %d\r\n%s\r\n" % (len(large), large),
        b"gets small\r\n",
        b"get large\r\n",
        b"mg tls-big v f\r\n",
        b"delete small\r\n",
        b"get small\r\n",
        b"version\r\n",
    ]


def _replies_one_at_a_time(server, requests):
    s = server.connect()
    out = []
    try:
        for request in requests:
            s.sendall(request)
            out.append(harness.read_quiet(s))
    finally:
        s.close()
    return out


@pytest.mark.timeout(60)
def test_whole_session_in_one_write(tls_both):
    """The session as one write (TLS records cut across requests) gets, from ours, exactly the replies memcached
    gives to the requests sent one at a time. (memcached 1.6.18 itself leaves requests decrypted behind a large
    value unanswered until more bytes arrive, so it is asked one request at a time.)"""
    memcached, ours = tls_both
    requests = _session()
    for server in tls_both:
        server.flush()
    expected = b"".join(harness.normalise_text(r) for r in _replies_one_at_a_time(memcached, requests))
    s = ours.connect()
    try:
        s.sendall(b"".join(requests))
        got = harness.normalise_text(harness.read_quiet(s, quiet=1.0))
    finally:
        s.close()
    version = re.compile(rb"VERSION [^\r]*")
    got, expected = version.sub(b"VERSION x", got), version.sub(b"VERSION x", expected)
    assert got == expected, f"memcached {harness.show(expected)}\nours {harness.show(got)}"


@pytest.mark.timeout(60)
def test_byte_at_a_time(tls_both):
    """One TLS record per byte: the server assembles requests and values across records."""
    memcached, ours = tls_both
    request = b"set bytewise 7 0 11\r\nhello world\r\nget bytewise\r\nmg bytewise v t\r\n"
    results = []
    for server in tls_both:
        server.flush()
        s = server.connect()
        try:
            for byte in request:
                s.sendall(bytes([byte]))
            results.append(harness.read_quiet(s, quiet=0.5))
        finally:
            s.close()
    assert results[1] == results[0]
    assert results[1].startswith(b"STORED\r\nVALUE bytewise 7 11\r\nhello world\r\nEND\r\n"), results[1]


@pytest.mark.timeout(30)
def test_plain_client_is_closed(tls_both):
    """A client that does not speak TLS gets no reply and is disconnected, by both."""
    for server in tls_both:
        s = harness.connect(server.port)
        try:
            s.sendall(b"version\r\n")
            got = harness.read_quiet(s, quiet=2.0)
        finally:
            s.close()
        assert got == harness.CLOSED, (server.name, got)


@pytest.mark.timeout(30)
def test_tls_settings_and_stats(tls_both, certs):
    memcached, ours = tls_both
    settings = [{k: v for k, v in server.stats(b"settings").items() if k.startswith("ssl_")} for server in tls_both]
    assert len(settings[0]) == 11
    assert settings[1] == settings[0]
    general = [server.stats() for server in tls_both]
    for stats in general:
        assert "ssl_handshake_errors" in stats and "time_since_server_cert_refresh" in stats
    assert [k for k in general[1] if k.startswith(("ssl_", "time_since_server"))] == [
        "ssl_handshake_errors", "time_since_server_cert_refresh"]


@pytest.mark.timeout(60)
def test_tls_settings_without_tls(server_factory, certs):
    """Without -Z both show every ssl_* setting (as given) and neither shows the TLS counters."""
    options = {"-o": tls_options(certs, ssl_verify_mode=3, ssl_min_version=3, ssl_ciphers="HIGH",
                                 ssl_session_cache=None, ssl_wbuf_size=8)}
    servers = [server_factory(kind, options=options) for kind in ("memcached", "ours")]
    settings = [{k: v for k, v in s.stats(b"settings").items() if k.startswith("ssl_")} for s in servers]
    assert settings[1] == settings[0]
    assert settings[1]["ssl_verify_mode"] == "7" and settings[1]["ssl_min_version"] == "tlsv1.3"
    for server in servers:
        assert "ssl_handshake_errors" not in server.stats()
    replies = [s.exchange(b"refresh_certs\r\nrefresh_certs noreply\r\nrefresh_certs a b\r\n") for s in servers]
    assert replies[1] == replies[0] == b"Error TLS not enabled\r\n" * 3


@pytest.mark.timeout(60)
def test_verify_mode_require(certs):
    """ssl_verify_mode=2 with the CA: a client without a certificate, or with one from another CA, is refused;
    one with a certificate from the CA is served. Ours counts the refusals in ssl_handshake_errors (memcached
    counts none of them)."""
    server = start_tls("ours", certs, ssl_ca_cert=str(certs / "ca.pem"), ssl_verify_mode=2)
    try:
        for cert in (None, "rogue"):
            context = client_context(certs)
            if cert:
                context.load_cert_chain(str(certs / f"{cert}.pem"), str(certs / f"{cert}.key"))
            raw = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
                s = context.wrap_socket(raw, server_hostname="localhost")
                # TLS 1.3 clients learn of the refusal at their first read.
                s.sendall(b"version\r\n")
                if not s.recv(100):
                    raise ConnectionError("closed")
            raw.close()
        server.context = client_context(certs, "client")
        assert server.call(b"version\r\n", until=b"\r\n").startswith(b"VERSION ")
        ph.wait_for(lambda: server.stats()["ssl_handshake_errors"] == "2", 5, "two refusals counted",
                    detail=lambda: server.stats()["ssl_handshake_errors"])
    finally:
        server.stop()


@pytest.mark.timeout(60)
def test_refresh_certs_loads_new_certificate(certs, tmp_path):
    """refresh_certs rereads the files: new connections get the new certificate, the open one keeps working."""
    chain, key = tmp_path / "server.pem", tmp_path / "server.key"
    chain.write_bytes((certs / "node.pem").read_bytes())
    key.write_bytes((certs / "node.key").read_bytes())
    server = TLSServer("ours", _ours_binary_or_skip(),
                       options={"-o": f"ssl_chain_cert={chain},ssl_key={key}"}, switches=["-Z"], stats_probe=False)
    server.context = client_context(certs)
    server.start()
    try:
        def serial(sock):
            return sock.getpeercert()["serialNumber"]
        first = server.connect()
        before = serial(first)
        chain.write_bytes((certs / "node2.pem").read_bytes())
        key.write_bytes((certs / "node2.key").read_bytes())
        first.sendall(b"refresh_certs\r\nrefresh_certs noreply\r\nversion\r\n")
        reply = harness.read_quiet(first)
        assert reply.startswith(b"OK\r\nVERSION "), reply
        assert reply.count(b"\r\n") == 2
        second = server.connect()
        assert serial(second) != before
        assert int(server.stats()["time_since_server_cert_refresh"]) <= 2
        # A broken file: memcached's error line, and the loaded certificate stays.
        chain.write_bytes(b"not a certificate")
        first.sendall(b"refresh_certs noreply\r\n")
        assert harness.read_quiet(first).startswith(b"Error loading the certificate chain: ")
        third = server.connect()
        assert serial(third) == serial(second)
        for s in (first, second, third):
            s.close()
    finally:
        server.stop()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("flags,status,message", [
    (["-Z"], 2, "ssl_chain_cert"),
    (["-Z", "-o", "ssl_chain_cert={d}/node.pem,ssl_key={d}/node.key,ssl_verify_mode=4"], 2,
     "Invalid ssl_verify_mode. Use help to see valid options."),
    (["-Z", "-o", "ssl_chain_cert={d}/node.pem,ssl_min_version=tlsv1.3"], 2,
     "could not parse argument to ssl_min_version"),
    (["-Z", "-o", "ssl_chain_cert={d}/node.pem,ssl_key={d}/missing.key"], 1, "Error loading the key: "),
    (["-Z", "-o", "ssl_chain_cert={d}/node.pem,ssl_key={d}/node.key,ssl_ciphers=BOGUS"], 1,
     "Error setting the provided cipher(s): BOGUS"),
    (["-Z", "-o", "ssl_chain_cert={d}/node.pem,ssl_key={d}/rogue.key"], 1, "Error"),
    (["-Z", "-o", "ssl_chain_cert={d}/node.pem,ssl_key={d}/node.key", "--peer", "127.0.0.1:1"], 2, "--repl-tls"),
    (["-Z", "-o", "ssl_chain_cert={d}/node.pem,ssl_key={d}/node.key", "--peer", "127.0.0.1:1", "--repl-tls"], 2,
     "ssl_ca_cert"),
    (["--repl-tls", "--peer", "127.0.0.1:1"], 2, "-Z"),
], ids=["no-chain", "verify-mode", "min-version", "missing-key", "ciphers", "key-mismatch", "peer-needs-repl-tls",
        "repl-tls-needs-ca", "repl-tls-needs-z"])
def test_start_up_refusals(certs, flags, status, message):
    """Refused options exit 2 (as every refused flag here); files OpenSSL cannot use exit 1 with memcached's words."""
    binary = _ours_binary_or_skip()
    args = [f.format(d=certs) for f in flags]
    done = subprocess.run([binary, "-p", "0", "-l", "127.0.0.1"] + args, capture_output=True, timeout=10, text=True)
    assert done.returncode == status, done.stderr
    assert message in done.stderr, done.stderr


class TLSNode(ph.Node):
    context = None

    def connect(self, timeout=5.0):
        return TLSServer.connect(self, timeout)


class TLSClient(ph.Client):
    def __init__(self, node, timeout=10.0):
        self.port = node.port
        self.sock = node.connect(timeout)
        self.buf = bytearray()


def tls_pair(certs, a_cert="node", b_cert="node", b_ca="ca", mode="async"):
    pa, pb = ph.pair_ports()
    nodes = []
    for name, port, peer, cert, ca in (("a", pa, pb, a_cert, "ca"), ("b", pb, pa, b_cert, b_ca)):
        options = {"--peer": f"127.0.0.1:{peer}", "--node-id": name, "--repl-mode": mode,
                   "-o": tls_options(certs, cert=cert, ssl_ca_cert=str(certs / f"{ca}.pem"))}
        node = TLSNode(name, _ours_binary_or_skip(), port, options=options,
                       switches=["-M", "-A", "-Z", "--repl-tls"])
        node.stats_probe = False
        node.context = client_context(certs)
        nodes.append(node)
    return nodes


def _contents(node, keys):
    with TLSClient(node, timeout=20) as c:
        return {k: v[:2] for k, v in c.get_many(keys, batch=200).items()}


@pytest.mark.timeout(120)
def test_pair_over_repl_tls(certs):
    """Writes cross both ways over TLS; a node killed with -9 and restarted empty is refilled over TLS."""
    a, b = tls_pair(certs)
    try:
        a.start()
        b.start()
        ph.wait_streaming_both(a, b)
        keys = [f"tls-key-{i}" for i in range(2000)]
        with TLSClient(a) as c, TLSClient(b) as d:
            for i, key in enumerate(keys):
                client = c if i % 2 else d
                assert client.store("set", key, f"value-{i}" * 10, flags=i) == b"STORED"
        expected = {k: (i, (f"value-{i}" * 10).encode()) for i, k in enumerate(keys)}
        ph.wait_for(lambda: _contents(a, keys) == expected and _contents(b, keys) == expected, 30,
                    "both nodes hold every write")
        a.kill9()
        a.start()
        ph.wait_for(lambda: ph.refilled(a) and _contents(a, keys) == expected, 60, "a refilled from b over TLS",
                    detail=lambda: a.repl())
        for node in (a, b):
            assert node.repl()["repl_state"] == "streaming"
    finally:
        for node in (a, b):
            node.stop()


@pytest.mark.timeout(60)
def test_untrusted_peer_never_links(certs):
    """b's certificate comes from another CA (and b trusts only that CA): neither dial succeeds, nothing
    crosses, and both say why."""
    a, b = tls_pair(certs, b_cert="rogue", b_ca="rogue-ca")
    b.context = ssl.create_default_context(cafile=str(certs / "rogue-ca.pem"))
    try:
        a.start()
        b.start()
        with TLSClient(a) as c, TLSClient(b) as d:
            assert c.store("set", "from-a", "1") == b"STORED"
            assert d.store("set", "from-b", "2") == b"STORED"
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            for node in (a, b):
                assert node.repl()["repl_state"] != "streaming"
            time.sleep(0.05)
        with TLSClient(a) as c, TLSClient(b) as d:
            assert c.get("from-b") == {}
            assert d.get("from-a") == {}
        errors = {n.name: n.repl()["repl_last_error"] for n in (a, b)}
        for error in errors.values():
            assert "TLS handshake with the peer failed" in error, errors
    finally:
        for node in (a, b):
            node.stop()
