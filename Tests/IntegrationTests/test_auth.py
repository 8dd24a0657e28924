"""Authentication as memcached 1.6.18 does it, compared byte for byte.

- ASCII authentication (`-Y FILE`): before anything else a text connection
  sends `set <any> <any> <any> <n>\\r\\n<user> <password>\\r\\n`; memcached runs
  with `-S -Y FILE`, ours too.
- Binary SASL PLAIN (`-S`): memcached takes its users from Cyrus SASL
  (a sasldb written with saslpasswd2 for the same users); ours from the `-Y`
  file, so with `-S -Y FILE` one port serves both (memcached's own `-S -Y`
  reads every connection as text, which is why the binary reference runs
  with `-S` alone).
"""

import os
import shutil
import socket
import subprocess

import pytest

import harness
from meta_binary_cases import NOOP, bp, bset

pytestmark = pytest.mark.timeout(120)

USERS = {b"alice": b"secret", b"bob": b"pw2"}
SASLPASSWD2 = shutil.which("saslpasswd2")


def login_text(user=b"alice", password=b"secret", key=b"auth"):
    data = user + b" " + password
    return b"set %s 0 0 %d\r\n%s\r\n" % (key, len(data), data)


def plain(user=b"alice", password=b"secret", authzid=b""):
    return authzid + b"\0" + user + b"\0" + password


def sasl_auth(data, mechanism=b"PLAIN", opaque=0, step=False):
    return bp(0x22 if step else 0x21, mechanism, value=data, opaque=opaque)


LOGIN = login_text()

TEXT_CASES = [
    ("get before login", b"get a\r\n"),
    ("version before login", b"version\r\n"),
    ("meta noop before login", b"mn\r\n"),
    ("login then commands", LOGIN + b"flush_all\r\nset a 0 0 1\r\nz\r\nget a\r\nget auth\r\n"),
    ("login with the other user", login_text(b"bob", b"pw2") + b"version\r\n"),
    ("wrong password", login_text(password=b"wrong")),
    ("unknown user", login_text(b"mallory", b"secret")),
    ("password prefix", login_text(password=b"secre")),
    ("password with suffix", login_text(password=b"secrets")),
    ("data without space", b"set a 0 0 5\r\nalice\r\n"),
    ("data without crlf", b"set a 0 0 12\r\nalice secretXX"),
    ("extra tokens in data", b"set a 0 0 18\r\nalice secret extra\r\nversion\r\n"),
    ("key flags and ttl ignored", b"set whatever 123 456 12\r\nalice secret\r\nversion\r\n"),
    ("noreply still answers", b"set a 0 0 12 noreply\r\nalice secret\r\nversion\r\n"),
    ("add is not a login", b"add a 0 0 12\r\nalice secret\r\n"),
    ("bad length token", b"set a 0 0 x\r\nalice secret\r\n"),
    ("short set line", b"set a 0 12\r\nalice secret\r\n"),
    ("failure then other command in one read", login_text(password=b"x") + b"get a\r\n"),
    ("command then login in one read", b"get a\r\n" + LOGIN),
    ("two failures in one read", login_text(password=b"x") + login_text(password=b"y")),
    ("failure then login", login_text(password=b"x") + LOGIN + b"version\r\n"),
    ("login with bare newline", b"set a 0 0 12\nalice secret\r\nversion\r\n"),
    ("login then quit", LOGIN + b"quit\r\n"),
]

# `-Y` without `-S`: memcached serves text only, and reads binary requests as text lines.
ASCII_ONLY_CASES = [
    ("ascii only: binary noop is a text line", NOOP + b"\r\n"),
    ("ascii only: binary get after login", LOGIN + bp(0x00, b"a") + b"\r\n"),
    ("ascii only: sasl is not served", sasl_auth(plain()) + b"\r\n"),
    ("ascii only: login then get", LOGIN + b"get a\r\n"),
]

SASL_CASES = [
    ("sasl list mechanisms", bp(0x20, opaque=3)),
    ("sasl get before login closes", bp(0x00, b"a", opaque=4) + NOOP),
    ("sasl noop before login closes", NOOP),
    ("sasl version before login", bp(0x0B) + NOOP),
    ("sasl unknown opcode before login", bp(0x50) + NOOP),
    ("sasl key too long before login", bp(0x00, b"k" * 251) + NOOP),
    ("sasl login then get", sasl_auth(plain(), opaque=5) + bp(0x00, b"nothing-here") + NOOP),
    ("sasl login then set and get", sasl_auth(plain()) + bp(0x08) + bset(b"a", b"v") + bp(0x00, b"a")),
    ("sasl wrong password", sasl_auth(plain(password=b"wrong"), opaque=6) + NOOP),
    ("sasl unknown user", sasl_auth(plain(b"mallory")) + NOOP),
    ("sasl authzid same user", sasl_auth(plain(authzid=b"alice")) + NOOP),
    ("sasl authzid other user", sasl_auth(plain(authzid=b"bob")) + NOOP),
    ("sasl lower case mechanism", sasl_auth(plain(), mechanism=b"plain") + NOOP),
    ("sasl unknown mechanism", sasl_auth(plain(), mechanism=b"CRAM-MD5") + NOOP),
    ("sasl message without nul", sasl_auth(b"alicesecret") + NOOP),
    ("sasl message with one nul", sasl_auth(b"\0alicesecret") + NOOP),
    ("sasl password with trailing nul", sasl_auth(plain(password=b"secret\0")) + NOOP),
    ("sasl step without auth", sasl_auth(plain(), step=True) + NOOP),
    ("sasl empty auth then step", sasl_auth(b"") + sasl_auth(plain(), step=True, opaque=7) + NOOP),
    ("sasl step after login", sasl_auth(plain()) + sasl_auth(plain(), step=True) + NOOP),
    ("sasl failed second login drops the first", sasl_auth(plain()) + sasl_auth(plain(password=b"x")) + NOOP),
    ("sasl failure then login", sasl_auth(plain(password=b"x")) + sasl_auth(plain()) + NOOP),
    ("sasl auth without mechanism", bp(0x21, value=plain()) + NOOP),
    ("sasl list mechanisms with body", bp(0x20, value=b"x") + NOOP),
]


@pytest.fixture(scope="module")
def auth_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("auth") / "users"
    path.write_bytes(b"".join(user + b":" + password + b"\n" for user, password in USERS.items()))
    return str(path)


def _start(kind, options=None, env=None):
    binary = harness.memcached_bin() if kind == "memcached" else harness.replicacache_bin()
    return harness.ServerProcess(kind, binary, options=options, switches=["-S"], env=env, stats_probe=False).start()


@pytest.fixture(scope="module")
def text_pair(auth_file, tmp_path_factory):
    # memcached's -S needs a Cyrus SASL configuration directory to start at all.
    conf = tmp_path_factory.mktemp("sasl-text")
    servers = [_start("memcached", {"-Y": auth_file}, {"SASL_CONF_PATH": str(conf)}),
               _start("ours", {"-Y": auth_file})]
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def ascii_only_pair(auth_file):
    servers = [harness.ServerProcess(kind, binary, options={"-Y": auth_file}, stats_probe=False).start()
               for kind, binary in (("memcached", harness.memcached_bin()), ("ours", harness.replicacache_bin()))]
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def sasl_pair(auth_file, tmp_path_factory):
    if SASLPASSWD2 is None:
        pytest.skip("saslpasswd2 (Debian sasl2-bin) is needed for memcached's SASL users")
    conf = tmp_path_factory.mktemp("sasl")
    sasldb = conf / "sasldb2"
    for user, password in USERS.items():
        subprocess.run([SASLPASSWD2, "-p", "-c", "-a", "memcached", "-f", str(sasldb), user.decode()],
                       input=password, check=True, timeout=10)
    (conf / "memcached.conf").write_text(f"mech_list: plain\nsasldb_path: {sasldb}\n")
    servers = [_start("memcached", env={"SASL_CONF_PATH": str(conf)}), _start("ours", {"-Y": auth_file})]
    yield servers
    for server in servers:
        server.stop()


def _compare(pair, pool, name, request):
    memcached, ours = pair
    ref_f = pool.submit(memcached.exchange, request)
    got_f = pool.submit(ours.exchange, request)
    ref = harness.normalise(request, ref_f.result())
    got = harness.normalise(request, got_f.result())
    assert ref == got, (f"case {name!r}\n  request:   {harness.show(request)}\n"
                        f"  memcached: {harness.show(ref)}\n  ours:      {harness.show(got)}")


@pytest.mark.parametrize("name,request_bytes", TEXT_CASES, ids=[c[0] for c in TEXT_CASES])
def test_ascii_authentication(name, request_bytes, text_pair, pool):
    _compare(text_pair, pool, name, request_bytes)


@pytest.mark.parametrize("name,request_bytes", ASCII_ONLY_CASES, ids=[c[0] for c in ASCII_ONLY_CASES])
def test_ascii_authentication_without_sasl(name, request_bytes, ascii_only_pair, pool):
    _compare(ascii_only_pair, pool, name, request_bytes)


@pytest.mark.parametrize("name,request_bytes", SASL_CASES, ids=[c[0] for c in SASL_CASES])
def test_binary_sasl(name, request_bytes, sasl_pair, pool):
    _compare(sasl_pair, pool, name, request_bytes)


def test_both_on_one_port_and_counted(text_pair):
    """Ours with -S -Y: a SASL client and an ASCII client share the port; stats count every attempt."""
    ours = text_pair[1]
    s = ours.connect()
    try:
        s.sendall(sasl_auth(plain(password=b"bad")) + sasl_auth(plain()) + bset(b"shared", b"both") + NOOP)
        reply = harness.read_quiet(s)
    finally:
        s.close()
    statuses = [reply[i + 6:i + 8] for i in range(0, len(reply), 24) if reply[i:i + 1] == b"\x81"]
    assert b"\x00\x20" in statuses and reply.count(b"Authenticated") == 1, reply
    text = ours.exchange(LOGIN + b"get shared\r\nstats\r\n")
    assert text.startswith(b"STORED\r\nVALUE shared 0 4\r\nboth\r\nEND\r\n"), text
    stats = harness.parse_stats(text[text.index(b"STAT "):])
    assert int(stats["auth_cmds"]) >= 3 and int(stats["auth_errors"]) >= 1, stats


def test_sasl_users_from_memcached_environment_variable(auth_file):
    """-S alone takes memcached's MEMCACHED_SASL_PWDB file; text connections are not served."""
    ours = _start("ours", env={"MEMCACHED_SASL_PWDB": auth_file})
    try:
        reply = ours.exchange(sasl_auth(plain(b"bob", b"pw2")) + bp(0x0B))
        assert reply.count(b"Authenticated") == 1 and reply.count(b"\x81\x0b\x00\x00") == 1, reply
        closed = ours.exchange(b"get a\r\n" + b" " * 24)
        assert closed == harness.CLOSED, closed
    finally:
        ours.stop()


def _settings(server, preamble=b""):
    reply = server.exchange(preamble + b"stats settings\r\n")
    lines = [line.split(b" ", 2) for line in reply.split(b"\r\n") if line.startswith(b"STAT ")]
    return {name.decode(): value.decode() for _, name, value in lines
            if name in (b"binding_protocol", b"auth_enabled_sasl", b"auth_enabled_ascii")}


def test_stats_settings_name_the_authentication(ascii_only_pair, text_pair):
    memcached, ours = ascii_only_pair
    assert _settings(ours, LOGIN) == _settings(memcached, LOGIN)
    both = _settings(text_pair[1], LOGIN)
    assert both["auth_enabled_sasl"] == "yes" and both["auth_enabled_ascii"].endswith("users"), both
    # memcached's -S -Y reads every connection as text; ours negotiates per connection.
    assert both["binding_protocol"] == "auto-negotiate", both


@pytest.mark.parametrize("request_bytes", [b"get a\r\n" + b" " * 20, bset(b"a", b"v") + bp(0x00, b"a")],
                         ids=["text is read as binary", "binary works"])
def test_binding_protocol_binary(server_factory, pool, request_bytes):
    pair = (server_factory("memcached", options={"-B": "binary"}, switches=[], stats_probe=False),
            server_factory("ours", options={"-B": "binary"}, switches=[], stats_probe=False))
    _compare(pair, pool, "-B binary", request_bytes)


def test_binding_protocol_ascii_reads_binary_as_text(server_factory, pool):
    pair = (server_factory("memcached", options={"-B": "ascii"}, switches=[]),
            server_factory("ours", options={"-B": "ascii"}, switches=[]))
    _compare(pair, pool, "-B ascii", NOOP + b"\r\nget a\r\n")
