"""memcached's -F (no flush_all) and -X (no metadump), and metadump's class selection, side by
side with Debian memcached: the same requests, the same reply bytes."""

import re
import struct

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
