"""Every meta write (ms in each mode, md, md I, ma, ma N, mg N, mg T) on one
node of a pair reaches the other, in both directions, with value, flags and
absolute expiry: meta writes go through the same storage calls and `changed`
reports as the text commands."""

import base64
import time

import pytest

import pair_harness as ph
from conftest import _ours_binary_or_skip
from test_pair_commands import DIRECTIONS, exp_of, expect_missing, expect_on


@pytest.fixture(scope="module")
def pair():
    pair = ph.Pair(binary=_ours_binary_or_skip())
    pair.start()
    yield pair
    pair.stop()


def ms(c, key, value, flags=b""):
    line = b"ms %s %d%s\r\n" % (key.encode(), len(value), (b" " + flags) if flags else b"")
    return c.cmd(line + value + b"\r\n")


def unique(c, key):
    reply = c.cmd(b"mg %s c\r\n" % key.encode())
    assert reply.startswith(b"HD c"), reply
    return int(reply.split(b" ")[1][1:])


@pytest.mark.timeout(60)
@pytest.mark.parametrize("direction", DIRECTIONS, ids=lambda d: "->".join(d))
def test_each_meta_write_crosses(pair, direction):
    src, dst = (getattr(pair, name) for name in direction)
    p = f"meta-{src.name}{dst.name}-"
    now = int(time.time())
    with ph.Client(src.port) as c:
        # ms: set with flags and a relative ttl, the same absolute expiry on both
        assert ms(c, p + "set", b"hello", b"F5 T1000") == b"HD"
        e = exp_of(src, p + "set")
        assert now + 999 <= e <= now + 1010, e
        expect_on(dst, p + "set", 5, b"hello", e)

        # ms quiet: no reply, still replicated
        c.send(b"ms %s 2 q F9\r\nqq\r\nmn\r\n" % (p + "quiet").encode())
        assert c.line() == b"MN"
        expect_on(dst, p + "quiet", 9, b"qq", -1)

        # ms ME (add), MR (replace), MA (append), MP (prepend)
        assert ms(c, p + "add", b"first", b"ME F3") == b"HD"
        expect_on(dst, p + "add", 3, b"first", -1)
        assert ms(c, p + "add", b"second", b"ME") == b"NS"
        assert ms(c, p + "set", b"replaced", b"MR F6") == b"HD"
        expect_on(dst, p + "set", 6, b"replaced", -1)
        assert ms(c, p + "ap", b"mid", b"F7 T3000") == b"HD"
        e = exp_of(src, p + "ap")
        assert ms(c, p + "ap", b"-end", b"MA") == b"HD"
        assert ms(c, p + "ap", b"start-", b"MP") == b"HD"
        expect_on(dst, p + "ap", 7, b"start-mid-end", e)

        # ms C (compare and set), and I storing an older unique as a stale item
        old = unique(c, p + "ap")
        assert ms(c, p + "ap", b"swapped", b"C%d F8" % old) == b"HD"
        expect_on(dst, p + "ap", 8, b"swapped", -1)
        assert ms(c, p + "ap", b"refused", b"C%d" % old) == b"EX"
        assert ms(c, p + "ap", b"stale", b"C%d I F8" % old) == b"HD"
        expect_on(dst, p + "ap", 8, b"stale", -1)

        # ms with a base64 key: the peer stores the decoded key
        encoded = base64.b64encode((p + "b64").encode())
        assert c.cmd(b"ms %s 3 b\r\nbin\r\n" % encoded) == b"HD"
        expect_on(dst, p + "b64", 0, b"bin", -1)

        # md, md with a compare CAS, md quiet
        assert ms(c, p + "del", b"x") == b"HD"
        expect_on(dst, p + "del", 0, b"x", -1)
        assert c.cmd(b"md %s C%d\r\n" % ((p + "del").encode(), unique(c, p + "del") + 1000)) == b"EX"
        assert c.cmd(b"md %s C%d\r\n" % ((p + "del").encode(), unique(c, p + "del"))) == b"HD"
        expect_missing(dst, p + "del")
        assert ms(c, p + "delq", b"x") == b"HD"
        expect_on(dst, p + "delq", 0, b"x", -1)
        c.send(b"md %s q\r\nmn\r\n" % (p + "delq").encode())
        assert c.line() == b"MN"
        expect_missing(dst, p + "delq")

        # md I T: the item stays with its new expiry on both
        assert ms(c, p + "inv", b"keep", b"F2 T5000") == b"HD"
        assert c.cmd(b"md %s I T2000\r\n" % (p + "inv").encode()) == b"HD"
        e = exp_of(src, p + "inv")
        assert now + 1999 <= e <= now + 2010, e
        expect_on(dst, p + "inv", 2, b"keep", e)

        # ma: incr, decr, in place and growing, with T
        assert ms(c, p + "n", b"99", b"F11 T4000") == b"HD"
        e = exp_of(src, p + "n")
        assert c.cmd(b"ma %s D2 v\r\n" % (p + "n").encode()) == b"VA 3"
        assert c.line() == b"101"
        expect_on(dst, p + "n", 11, b"101", e)
        assert c.cmd(b"ma %s MD D100 T6000\r\n" % (p + "n").encode()) == b"HD"
        e = exp_of(src, p + "n")
        assert e >= now + 5999, e
        value = c.get(p + "n")[p + "n"][1]
        assert value.rstrip(b" ") == b"1", value
        expect_on(dst, p + "n", 11, value, e)

        # ma N J: a miss creates the counter on both
        assert c.cmd(b"ma %s N3000 J40 v\r\n" % (p + "new").encode()) == b"VA 2"
        assert c.line() == b"40"
        e = exp_of(src, p + "new")
        expect_on(dst, p + "new", 0, b"40", e)

        # mg N: the vivified empty item and its expiry reach the peer
        assert c.cmd(b"mg %s N2500 s\r\n" % (p + "viv").encode()) == b"HD s0 W"
        e = exp_of(src, p + "viv")
        assert now + 2499 <= e <= now + 2510, e
        expect_on(dst, p + "viv", 0, b"", e)

        # mg T: a touch through mg, then T0 clearing the expiry
        assert c.cmd(b"mg %s T7000 v\r\n" % (p + "set").encode()) == b"VA 8"
        assert c.line() == b"replaced"
        e = exp_of(src, p + "set")
        assert e >= now + 6999, e
        expect_on(dst, p + "set", 6, b"replaced", e)
        assert c.cmd(b"mg %s T0\r\n" % (p + "set").encode()) == b"HD"
        expect_on(dst, p + "set", 6, b"replaced", -1)
