"""memcached's -F (no flush_all), -X (no metadump), -f/-n (size classes), -r and -k, and
metadump's class selection, side by side with Debian memcached: the same requests, the same reply
bytes."""

import os
import re
import struct
import subprocess

import pytest

import harness

pytestmark = pytest.mark.timeout(60)

SWITCHES = list(harness.BASE_SWITCHES)


def started(server_factory, extra):
    return [server_factory(kind, switches=SWITCHES + extra) for kind in ("memcached", "ours")]


def binary_request(opcode, extras=b"", opaque=0):
    header = struct.pack(">BBHBBHIIQ", 0x80, opcode, 0, len(extras), 0, 0, len(extras), opaque, 0)
    return header + extras


def normalized_dump(reply):
    # Last-access times are clocks read a moment apart on two servers.
    return re.sub(rb"la=\d+", b"la=T", reply)


def test_disable_flush_refuses_text_flush_but_counts_it(server_factory):
    replies = []
    for server in started(server_factory, ["-F"]):
        requests = (b"set k 0 0 1\r\nv\r\n" b"flush_all\r\n" b"flush_all 0\r\n" b"flush_all noreply\r\n"
                    b"flush_all abc\r\n" b"flush_all abc noreply\r\n" b"get k\r\n")
        reply = server.exchange(requests)
        stats = server.stats()
        settings = server.stats(b"settings")
        replies.append((reply, stats["cmd_flush"], settings["flush_enabled"], settings["dump_enabled"]))
    assert replies[0] == replies[1]
    assert replies[1][0].count(b"CLIENT_ERROR flush_all not allowed\r\n") == 3
    assert replies[1][0].endswith(b"VALUE k 0 1\r\nv\r\nEND\r\n"), "the item survives every refused flush"
    assert replies[1][1:] == ("5", "no", "yes")


def test_disable_flush_refuses_binary_flush_with_auth_error_uncounted(server_factory):
    replies = []
    for server in started(server_factory, ["-F"]):
        requests = (binary_request(0x08, opaque=1) + binary_request(0x08, struct.pack(">I", 5), opaque=2)
                    + binary_request(0x18, opaque=3) + binary_request(0x0A, opaque=4))
        replies.append((server.exchange(requests), server.stats()["cmd_flush"]))
    assert replies[0] == replies[1]
    assert replies[1][0].count(b"Auth failure.") == 3
    assert replies[1][1] == "0"


def test_flush_with_a_bad_delay_is_counted_as_memcached_counts_it(server_factory):
    replies = []
    for server in started(server_factory, []):
        reply = server.exchange(b"flush_all abc\r\nflush_all abc noreply\r\nflush_all noreply 10\r\n")
        replies.append((reply, server.stats()["cmd_flush"]))
    assert replies[0] == replies[1]
    assert replies[1] == (b"CLIENT_ERROR invalid exptime argument\r\n" * 2, "3")


def test_disable_dumping_refuses_every_metadump(server_factory):
    replies = []
    for server in started(server_factory, ["-X"]):
        server.exchange(b"set k 0 0 1\r\nv\r\n")
        replies.append([server.exchange(b"lru_crawler metadump " + selection + b"\r\n")
                        for selection in (b"all", b"hash", b"bogus", b"1,bogus", b"63", b"64", b",")])
        replies[-1].append(server.stats(b"settings")["dump_enabled"])
    assert replies[0] == replies[1] == [b"ERROR metadump not allowed\r\n"] * 7 + ["no"]


def test_disable_dumping_comes_before_the_pipelining_check(server_factory):
    replies = []
    for server in started(server_factory, ["-X"]):
        replies.append(server.exchange(b"version\r\nlru_crawler metadump all\r\n").split(b"\r\n", 1)[1])
    assert replies[0] == replies[1] == b"ERROR metadump not allowed\r\n"


# "," comes last: after answering it, memcached 1.6.18's crawler stays busy and refuses the rest.
SELECTIONS = [b"all", b"hash", b"1", b"1,2", b"SMALL", b"LARGE", b"SMALL,LARGE", b",SMALL", b"LARGE,", b"63", b"64",
              b"0", b"bogus", b"1,bogus", b"-1", b","]


def test_metadump_selects_size_classes_like_memcached(server_factory):
    results = []
    for server in started(server_factory, []):
        server.exchange(b"set small 0 0 1\r\nv\r\nset large 0 0 20000\r\n" + b"x" * 20000 + b"\r\n")
        classes = {line.split(b"cls=")[1].split(b" ")[0]: line
                   for line in server.exchange(b"lru_crawler metadump all\r\n").split(b"\n") if b"cls=" in line}
        small = next(c for c, line in classes.items() if line.startswith(b"key=small "))
        large = next(c for c, line in classes.items() if line.startswith(b"key=large "))
        assert small != large, "the two items must fall in different size classes"
        replies = {}
        for selection in SELECTIONS:
            request = selection.replace(b"SMALL", small).replace(b"LARGE", large)
            reply = server.exchange(b"lru_crawler metadump " + request + b"\r\n")
            # The walk order is each server's own; the set of lines is what must agree.
            replies[selection] = sorted(normalized_dump(line) for line in reply.split(b"\n"))
        results.append(replies)
    assert results[0] == results[1]
    ours = results[1]
    for selection in (b"64", b"0", b"bogus", b"1,bogus", b"-1"):
        assert ours[selection] == [b"", b"BADCLASS invalid class id\r"]
    assert ours[b","] == [b"", b"NOTSTARTED no items to crawl\r"]
    # The item lines and END\r\n (split at \n: "END\r" and an empty tail).
    assert len(ours[b"SMALL,LARGE"]) == 4 and len(ours[b"SMALL"]) == len(ours[b"LARGE"]) == 3


def slab_chunk_sizes(server):
    return {name: value for name, value in server.stats(b"slabs").items() if name.endswith(":chunk_size")}


@pytest.mark.parametrize("factor, minimum", [("2", "100"), ("1.05", "48"), ("1.125", "8"), ("3.5", "-5")])
def test_growth_factor_and_chunk_size_shape_the_size_classes_like_memcached(server_factory, factor, minimum):
    results = []
    for kind in ("memcached", "ours"):
        server = server_factory(kind, options={"-f": factor, "-n": minimum})
        sizes = [1, 50, 100, 300, 1000, 5000, 20000, 100000]
        server.exchange(b"".join(b"set k%d 0 0 %d\r\n%s\r\n" % (n, n, b"x" * n) for n in sizes))
        settings = server.stats(b"settings")
        classes = sorted(re.findall(rb"key=(k\d+) .* cls=(\d+) ", server.exchange(b"lru_crawler metadump all\r\n")))
        results.append((settings["growth_factor"], settings["chunk_size"], slab_chunk_sizes(server), classes))
    assert results[0] == results[1]
    assert len(results[1][2]) >= 4, "the items must spread over several classes"


@pytest.mark.parametrize("args, message", [
    (["-f", "1"], "Factor must be greater than 1"),
    (["-f", "0.5"], "Factor must be greater than 1"),
    (["-f", "abc"], "Factor must be greater than 1"),
    (["-n", "0"], "Chunk size must be greater than 0"),
    (["-n", "abc"], "Chunk size must be greater than 0"),
])
def test_bad_growth_factor_or_chunk_size_is_refused_with_memcacheds_message(args, message):
    ours = subprocess.run([harness.replicacache_bin(), *args], capture_output=True, text=True, timeout=10)
    reference = subprocess.run([harness.memcached_bin(), "-u", "nobody", *args], capture_output=True, text=True,
                               timeout=10)
    assert reference.returncode != 0 and message in reference.stderr
    # Refusals of the command line exit 2, as every other one of ours does.
    assert ours.returncode == 2 and message in ours.stderr


def test_enable_coredumps_lifts_the_core_limit(server_factory):
    server = server_factory("ours", switches=SWITCHES + ["-r"])
    with open(f"/proc/{server.proc.pid}/limits") as limits:
        core = next(line for line in limits if line.startswith("Max core file size"))
    hard = os.popen("ulimit -H -c").read().strip()
    expected = "unlimited" if hard == "unlimited" else hard
    assert core.split()[4] == expected, core


def test_lock_memory_starts_and_serves_whether_or_not_mlockall_succeeds(server_factory):
    server = server_factory("ours", switches=SWITCHES + ["-k"])
    assert server.call(b"set k 0 0 1\r\nv\r\nget k\r\n", until=b"END\r\n") == b"STORED\r\nVALUE k 0 1\r\nv\r\nEND\r\n"
