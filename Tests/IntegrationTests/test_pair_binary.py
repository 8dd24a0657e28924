"""Every mutating binary opcode on one node of a pair reaches the other, in
both directions, with value, flags and absolute expiry, exactly as the text
commands do (test_pair_commands.py)."""

import socket
import struct
import time

import pytest

import pair_harness as ph
from conftest import _ours_binary_or_skip
from meta_binary_cases import NOOP, bincr, bp, bset
from test_pair_commands import DIRECTIONS, exp_of, expect_missing, expect_on, nodes


@pytest.fixture(scope="module")
def pair():
    pair = ph.Pair(binary=_ours_binary_or_skip())
    pair.start()
    yield pair
    pair.stop()


class BinaryClient:
    """Sends requests followed by a NOOP and returns the response packets
    before the NOOP's as (opcode, status, cas, extras, key, value)."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buffer = b""

    def close(self):
        self.sock.close()

    def _packet(self):
        while True:
            if len(self.buffer) >= 24:
                _, opcode, keylen, extlen, _, status, bodylen, _, cas = struct.unpack(
                    ">BBHBBHIIQ", self.buffer[:24])
                if len(self.buffer) >= 24 + bodylen:
                    body = self.buffer[24:24 + bodylen]
                    self.buffer = self.buffer[24 + bodylen:]
                    return (opcode, status, cas, body[:extlen], body[extlen:extlen + keylen],
                            body[extlen + keylen:])
            chunk = self.sock.recv(65536)
            assert chunk, "connection closed"
            self.buffer += chunk

    def call(self, *requests):
        self.sock.sendall(b"".join(requests) + NOOP)
        packets = []
        while True:
            packet = self._packet()
            if packet[0] == 0x0A:
                return packets
            packets.append(packet)


def statuses(packets):
    return [(opcode, status) for opcode, status, *_ in packets]


def touch(opcode, key, exptime):
    return bp(opcode, key, exptime.to_bytes(4, "big"))


@pytest.mark.timeout(90)
@pytest.mark.parametrize("direction", DIRECTIONS, ids=lambda d: "->".join(d))
def test_each_binary_mutation_crosses(pair, direction):
    src, dst = nodes(pair, direction)
    p = f"bin-{src.name}{dst.name}-"
    k = lambda name: (p + name).encode()
    now = int(time.time())
    c = BinaryClient(src.port)
    try:
        # SET and SETQ, with flags and a relative expiry
        assert statuses(c.call(bset(k("set"), b"hello", flags=5))) == [(0x01, 0)]
        expect_on(dst, p + "set", 5, b"hello", -1)
        assert c.call(bset(k("setq"), b"quiet", op=0x11, flags=6, exp=1000)) == []
        e = exp_of(src, p + "setq")
        assert now + 999 <= e <= now + 1010, e
        expect_on(dst, p + "setq", 6, b"quiet", e)

        # ADD and ADDQ: new keys stored, an existing one untouched
        assert statuses(c.call(bset(k("add"), b"first", op=0x02, flags=3))) == [(0x02, 0)]
        expect_on(dst, p + "add", 3, b"first", -1)
        assert c.call(bset(k("addq"), b"a", op=0x12)) == []
        expect_on(dst, p + "addq", 0, b"a", -1)
        assert statuses(c.call(bset(k("add"), b"second", op=0x02))) == [(0x02, 0x02)]

        # REPLACE and REPLACEQ
        assert statuses(c.call(bset(k("set"), b"replaced", op=0x03, flags=7, exp=2000))) == [(0x03, 0)]
        expect_on(dst, p + "set", 7, b"replaced", exp_of(src, p + "set"))
        assert c.call(bset(k("setq"), b"rq", op=0x13, flags=8)) == []
        expect_on(dst, p + "setq", 8, b"rq", -1)

        # APPEND(Q) and PREPEND(Q) keep flags and expiry
        assert c.call(bset(k("ap"), b"mid", flags=9, exp=3000, op=0x11)) == []
        e = exp_of(src, p + "ap")
        assert statuses(c.call(bp(0x0E, k("ap"), value=b"-end"))) == [(0x0E, 0)]
        assert statuses(c.call(bp(0x0F, k("ap"), value=b"start-"))) == [(0x0F, 0)]
        assert c.call(bp(0x19, k("ap"), value=b"!"), bp(0x1A, k("ap"), value=b"<")) == []
        expect_on(dst, p + "ap", 9, b"<start-mid-end!", e)

        # SET with the current CAS, then a stale one
        (_, _, unique, _, _, _), = c.call(bp(0x00, k("set")))
        assert statuses(c.call(bp(0x01, k("set"), b"\0\0\0\x0b\0\0\0\0", b"cas", cas=unique))) == [(0x01, 0)]
        expect_on(dst, p + "set", 11, b"cas", -1)
        assert statuses(c.call(bp(0x01, k("set"), b"\0" * 8, b"stale", cas=unique))) == [(0x01, 0x02)]

        # INCREMENT/DECREMENT and their quiet forms, including a created counter
        assert c.call(bset(k("n"), b"100", flags=12, exp=4000, op=0x11)) == []
        e = exp_of(src, p + "n")
        (_, status, _, _, _, value), = c.call(bincr(k("n"), 23))
        assert status == 0 and int.from_bytes(value, "big") == 123
        expect_on(dst, p + "n", 12, b"123", e)
        assert c.call(bincr(k("n"), 120, op=0x16)) == []
        expect_on(dst, p + "n", 12, b"3  ", e)
        assert c.call(bincr(k("n"), 2, op=0x15)) == []
        expect_on(dst, p + "n", 12, b"5  ", e)
        (_, status, _, _, _, value), = c.call(bincr(k("created"), 1, initial=40, exp=5000, op=0x06))
        assert status == 0 and int.from_bytes(value, "big") == 40
        expect_on(dst, p + "created", 0, b"40", exp_of(src, p + "created"))

        # TOUCH, GAT(Q), GATK(Q) set a new absolute expiry on both
        assert c.call(bset(k("t"), b"tt", flags=13, op=0x11)) == []
        assert statuses(c.call(touch(0x1C, k("t"), 6000))) == [(0x1C, 0)]
        e = exp_of(src, p + "t")
        assert e >= now + 5999, e
        expect_on(dst, p + "t", 13, b"tt", e)
        for opcode, exptime in ((0x1D, 7000), (0x1E, 7100), (0x23, 7200), (0x24, 7300)):
            packets = c.call(touch(opcode, k("t"), exptime))
            assert [value for *_, value in packets] == [b"tt"], (opcode, packets)
            e2 = exp_of(src, p + "t")
            assert e2 >= now + exptime - 1, (opcode, e2)
            expect_on(dst, p + "t", 13, b"tt", e2)

        # DELETE and DELETEQ, the latter with the current CAS
        assert statuses(c.call(bp(0x04, k("add")))) == [(0x04, 0)]
        expect_missing(dst, p + "add")
        (_, _, unique, _, _, _), = c.call(bp(0x00, k("addq")))
        assert statuses(c.call(bp(0x14, k("addq"), cas=unique + 1))) == [(0x14, 0x02)]
        assert c.call(bp(0x14, k("addq"), cas=unique)) == []
        expect_missing(dst, p + "addq")

        # A too-large SET removes the old item on both, as memcached's does
        assert c.call(bset(k("big"), b"small", op=0x11)) == []
        expect_on(dst, p + "big", 0, b"small", -1)
        assert statuses(c.call(bset(k("big"), b"v" * (2 << 20)))) == [(0x01, 0x03)]
        expect_missing(dst, p + "big")
    finally:
        c.close()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("opcode", [0x08, 0x18], ids=["flush", "flushq"])
def test_binary_flush_crosses(pair, opcode):
    src, dst = pair.a, pair.b
    p = f"binflush-{opcode}-"
    c = BinaryClient(src.port)
    try:
        assert c.call(bset((p + "1").encode(), b"one", op=0x11)) == []
        expect_on(dst, p + "1", 0, b"one", -1)
        time.sleep(0.01)
        assert statuses(c.call(bp(opcode))) == ([] if opcode == 0x18 else [(0x08, 0)])
        expect_missing(dst, p + "1")
        time.sleep(0.01)
        assert c.call(bset((p + "2").encode(), b"two", op=0x11)) == []
        expect_on(dst, p + "2", 0, b"two", -1)
    finally:
        c.close()
