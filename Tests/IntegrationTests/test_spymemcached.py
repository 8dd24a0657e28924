"""The Java client spymemcached (Debian `libspymemcached-java`, the client
memcached-session-manager uses) against memcached and ours, over the text and
the binary protocol, with and without authentication.

The checks live in the Java program under Tests/Java (`make java-client`
compiles it into .build-java/); it prints one `ok`/`FAIL` line per check and
closes with `N passed, M failed`. Every expectation in it was taken from
Debian's memcached 1.6.18, so each variant must pass against both servers.

Authentication, as memcached does it:
  binary  SASL PLAIN (`-S`); Debian's memcached checks passwords with Cyrus
          SASL, configured through SASL_CONF_PATH (a memcached.conf naming a
          sasldb made with saslpasswd2). Ours gets the same flags and
          environment, where MEMCACHED_SASL_PWDB names a file of `user:password`
          lines (memcached's own password-file option for builds without Cyrus).
  text    memcached's text-protocol authentication (`-Y <file of user:password
          lines>`): the first `set` of a connection carries "user password".

Variants of ours that need what ours does not speak yet are skipped with the
reason, found by a cheap probe rather than a list: a binary NOOP that is not
answered in binary, or a refusal of the authentication flag with status 2
(ours' answer to a memcached flag it does not support). They run by
themselves as soon as ours answers the probe.

Environment: JAVA_CLIENT_CLASSES (compiled classes, default
<repo>/.build-java/classes), SPYMEMCACHED_JAR (default
/usr/share/java/spymemcached.jar), IT_REQUIRE_JAVA=1 to fail instead of skip
when Java or the jar is missing.
"""

import os
import re
import shutil
import socket
import struct
import subprocess

import pytest

import harness

REPO_ROOT = harness.REPO_ROOT
CLASSES = os.environ.get("JAVA_CLIENT_CLASSES", str(REPO_ROOT / ".build-java" / "classes"))
JAR = os.environ.get("SPYMEMCACHED_JAR", "/usr/share/java/spymemcached.jar")
MAIN_CLASS = "replicacache.clients.ClientTestMain"
JAVA_TIMEOUT = 45
# A short-lived client: no JIT tiers beyond the first, a small serial heap.
JVM_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"]

USER = "spy"
PASSWORD = "s3cret-Pass"
SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed$")
UNSUPPORTED_FLAG_STATUS = 2

pytestmark = pytest.mark.timeout(90)


def _missing(reason):
    if os.environ.get("IT_REQUIRE_JAVA") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def java_classpath():
    java = shutil.which("java")
    if java is None or shutil.which("javac") is None:
        _missing("no java/javac on PATH (apt-get install default-jdk-headless)")
    if not os.path.exists(JAR):
        _missing(f"no spymemcached jar at {JAR} (apt-get install libspymemcached-java)")
    if "JAVA_CLIENT_CLASSES" not in os.environ:
        # make knows when the classes are stale; up to date it costs nothing.
        build = subprocess.run(["make", "-s", "-C", str(REPO_ROOT), "java-client"],
                               capture_output=True, text=True, timeout=180)
        assert build.returncode == 0, f"make java-client failed:\n{build.stdout}\n{build.stderr}"
    assert os.path.isdir(CLASSES), f"no compiled Java client in {CLASSES}"
    return f"{CLASSES}:{JAR}"


@pytest.fixture(scope="module")
def credentials(tmp_path_factory):
    """Files both servers need for USER/PASSWORD, and the environment naming them."""
    directory = tmp_path_factory.mktemp("sasl")
    users = directory / "users"
    users.write_text(f"{USER}:{PASSWORD}\n")
    sasldb = directory / "memcached.sasldb"
    (directory / "memcached.conf").write_text(f"mech_list: plain\nsasldb_path: {sasldb}\n")
    saslpasswd = shutil.which("saslpasswd2") or "/usr/sbin/saslpasswd2"
    if os.access(saslpasswd, os.X_OK):
        made = subprocess.run([saslpasswd, "-p", "-c", "-f", str(sasldb), "-a", "memcached", USER],
                              input=PASSWORD, capture_output=True, text=True, timeout=10)
        assert made.returncode == 0, made
    return {
        "users_file": str(users),
        "sasldb": sasldb,
        "env": {"SASL_CONF_PATH": str(directory), "MEMCACHED_SASL_PWDB": str(users)},
    }


def speaks_binary(server):
    """Does a binary NOOP get a binary response (any status: an unauthenticated
    one is refused, but in binary)?"""
    noop = struct.pack(">BBHBBHIIQ", 0x80, 0x0A, 0, 0, 0, 0, 0, 0x4E4F4F50, 0)
    sock = server.connect(timeout=2.0)
    try:
        sock.sendall(noop)
        first = sock.recv(1)
    except (socket.timeout, ConnectionError):
        return False
    finally:
        sock.close()
    return first == b"\x81"


def start_server(kind, protocol, auth, credentials, request):
    binary = harness.memcached_bin() if kind == "memcached" else harness.replicacache_bin()
    if kind == "ours" and not os.access(binary, os.X_OK):
        message = f"ReplicaCache binary not found at {binary}"
        if os.environ.get("IT_REQUIRE_OURS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    options, switches, env = {}, None, None
    if auth == "sasl":
        if kind == "memcached" and not credentials["sasldb"].exists():
            _missing("saslpasswd2 not installed (apt-get install sasl2-bin): no sasldb for memcached")
        switches = harness.BASE_SWITCHES + ["-S"]
        env = credentials["env"]
    elif auth == "text":
        options = {"-Y": credentials["users_file"]}
    server = harness.ServerProcess(kind, binary, options=options, switches=switches, env=env,
                                   stats_probe=(auth == "none"))
    request.addfinalizer(server.stop)
    try:
        server.start()
    except RuntimeError:
        if kind == "ours" and auth != "none" and server.proc.returncode == UNSUPPORTED_FLAG_STATUS:
            flag = "-S" if auth == "sasl" else "-Y"
            said = server.log_text(300).strip().splitlines()
            pytest.skip(f"ours refuses {flag} ({'SASL' if auth == 'sasl' else 'text authentication'} "
                        f"not supported yet): {said[0] if said else 'no message'}")
        raise
    if kind == "ours" and protocol == "binary" and not speaks_binary(server):
        pytest.skip("ours does not answer a binary NOOP in binary (binary protocol not supported yet)")
    return server


def run_java(classpath, port, protocol, auth, suites=(), timeout_ms=2000):
    command = ["java", *JVM_OPTIONS, "-cp", classpath, MAIN_CLASS,
               "--server", f"127.0.0.1:{port}", "--protocol", protocol,
               "--timeout-ms", str(timeout_ms)]
    if auth != "none":
        command += ["--auth", auth, "--user", USER, "--password", PASSWORD]
    for suite in suites:
        command += ["--suite", suite]
    return subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=JAVA_TIMEOUT)


def assert_all_passed(result, server):
    lines = result.stdout.splitlines()
    summary = SUMMARY.match(lines[-1]) if lines else None
    failures = [line for line in lines if line.startswith("FAIL ")]
    report = "\n".join(failures) or result.stdout[-3000:]
    assert summary, (f"no summary line (exit {result.returncode}):\n{result.stdout[-3000:]}\n"
                     f"stderr:\n{result.stderr[-3000:]}")
    passed, failed = int(summary.group(1)), int(summary.group(2))
    assert failed == 0 and result.returncode == 0 and not failures, (
        f"{failed} of {passed + failed} checks failed against {server.name} (exit {result.returncode}):\n"
        f"{report}\nserver log:\n{server.log_text(1500)}")
    assert passed >= 100, f"only {passed} checks ran:\n{result.stdout[-3000:]}"
    return passed


VARIANTS = [
    pytest.param(kind, protocol, auth, id=f"{kind}-{protocol}-{auth}")
    for kind in ("memcached", "ours")
    for protocol, auth in (("text", "none"), ("text", "text"), ("binary", "none"), ("binary", "sasl"))
]


@pytest.mark.parametrize("kind,protocol,auth", VARIANTS)
def test_spymemcached(java_classpath, credentials, request, kind, protocol, auth):
    server = start_server(kind, protocol, auth, credentials, request)
    result = run_java(java_classpath, server.port, protocol, auth)
    assert_all_passed(result, server)


def test_auth_checks_notice_a_server_that_lets_everyone_in(java_classpath, memcached):
    """memcached without -Y stores the "authentication" set of any password:
    the wrong-password and no-credentials checks must fail."""
    result = run_java(java_classpath, memcached.port, "text", "text", suites=["auth"])
    failures = [line for line in result.stdout.splitlines() if line.startswith("FAIL ")]
    assert result.returncode == 1 and any("wrong password" in line for line in failures) \
        and any("no credentials" in line for line in failures), result.stdout


def test_checks_fail_when_no_server_answers(java_classpath):
    """Against a port where nothing listens every check must fail and the exit
    status must say so."""
    result = run_java(java_classpath, harness.free_port(), "binary", "none", timeout_ms=200)
    lines = result.stdout.splitlines()
    summary = SUMMARY.match(lines[-1]) if lines else None
    assert result.returncode == 1 and summary and int(summary.group(2)) > 0, result.stdout[-2000:]
    assert int(summary.group(1)) == 0, "a check passed with no server:\n" + result.stdout
