"""Meta and binary protocol cases, verified against memcached 1.6.18.

Not run yet: the server speaks the text protocol only. The binary and meta
protocol work wires META_CASES and BINARY_CASES into the differential test (and
restores `memccapable -b` and the binary garbage test) as it lands.
"""
import struct

from text_cases import ITEM_LIMIT_SUM, K251, L, check_cases

META_CASES = [
    ("meta noop", L(b"mn")),
    ("meta set and get value", L(b"ms a 2", b"hi", b"mg a v")),
    ("meta get miss", L(b"mg a v")),
    ("meta get no flags hit", L(b"ms a 1", b"x", b"mg a")),
    ("meta get flags size ttl key", L(b"ms a 3 T100 F7", b"abc", b"mg a s v f k t")),
    ("meta get opaque", L(b"mg a v O123", b"ms a 1", b"x", b"mg a v O456")),
    ("meta get quiet miss then noop", L(b"mg a v q", b"mg b v q", b"mn")),
    ("meta delete hit and miss", L(b"ms a 1", b"x", b"md a", b"md a")),
    ("meta arithmetic", L(b"ms n 2", b"10", b"ma n", b"ma n MD D3 v", b"ma zz")),
    ("meta arithmetic non-numeric", L(b"ms n 1", b"x", b"ma n")),
    ("meta set invalid mode", L(b"ms a 1 MZ", b"x")),
    ("meta set append mode", L(b"ms a 1", b"x", b"ms a 1 MA", b"y", b"mg a v")),
    ("meta set bad length", L(b"ms a xx", b"x", b"mn")),
    ("meta get bad flag", L(b"mg a !")),
    ("meta get with cas", L(b"ms a 1", b"x", b"mg a c v")),
    ("meta bare mg", L(b"mg")),
    ("meta key too long", L(b"mg " + K251 + b" v")),
    ("meta base64 key", L(b"ms YWJj 1 b", b"x", b"mg abc v", b"mg YWJj b v k")),
]

# ------------------------------------------------------ binary protocol
# The first byte 0x80 makes harness.normalise zero the CAS field of every
# response packet instead of rewriting text.

def bp(opcode, key=b"", extras=b"", value=b"", opaque=0, cas=0):
    body = extras + key + value
    return (bytes([0x80, opcode]) + len(key).to_bytes(2, "big") + bytes([len(extras), 0])
            + b"\0\0" + len(body).to_bytes(4, "big") + opaque.to_bytes(4, "big")
            + cas.to_bytes(8, "big") + body)


def bset(key, value, op=0x01, flags=0, exp=0, opaque=0):
    return bp(op, key, flags.to_bytes(4, "big") + exp.to_bytes(4, "big"), value, opaque)


def bincr(key, delta, initial=0, exp=0, op=0x05):
    return bp(op, key, delta.to_bytes(8, "big") + initial.to_bytes(8, "big") + exp.to_bytes(4, "big"))


NOOP = bp(0x0A, opaque=77)

BINARY_CASES = [
    ("binary noop", NOOP),
    ("binary get miss", bp(0x00, b"a", opaque=1)),
    ("binary set then get", bset(b"a", b"hello", flags=5) + bp(0x00, b"a", opaque=2)),
    ("binary getk hit and miss", bset(b"a", b"v") + bp(0x0C, b"a") + bp(0x0C, b"b")),
    ("binary getq miss then noop", bp(0x09, b"a", opaque=3) + bp(0x09, b"b", opaque=4) + NOOP),
    ("binary getkq hit and miss then noop", bset(b"a", b"v") + bp(0x0D, b"a", opaque=5) + bp(0x0D, b"zz", opaque=6) + NOOP),
    ("binary add existing", bset(b"a", b"1") + bset(b"a", b"2", op=0x02)),
    ("binary replace missing", bset(b"a", b"1", op=0x03)),
    ("binary setq then get", bset(b"a", b"quiet", op=0x11) + bp(0x00, b"a")),
    ("binary addq existing is reported", bset(b"a", b"1") + bset(b"a", b"2", op=0x12) + NOOP),
    ("binary delete hit and miss", bset(b"a", b"1") + bp(0x04, b"a") + bp(0x04, b"a")),
    ("binary incr with initial", bincr(b"n", 5, initial=10) + bincr(b"n", 5, initial=10) + bp(0x00, b"n")),
    ("binary decr floor", bincr(b"n", 0, initial=3) + bincr(b"n", 100, op=0x06)),
    ("binary incr non-numeric", bset(b"n", b"x") + bincr(b"n", 1)),
    ("binary append prepend", bset(b"a", b"mid") + bp(0x0E, b"a", value=b"end") + bp(0x0F, b"a", value=b"pre") + bp(0x00, b"a")),
    ("binary unknown opcode", bp(0x7F, b"a", opaque=9)),
    ("binary key too long", bp(0x00, K251)),
    ("binary flush", bset(b"a", b"1") + bp(0x08) + bp(0x00, b"a")),
    ("binary quit", bp(0x07, opaque=8) + NOOP),
    ("binary touch and gat", bset(b"a", b"v") + bp(0x1C, b"a", (100).to_bytes(4, "big")) + bp(0x1D, b"a", (100).to_bytes(4, "big")) + bp(0x1C, b"zz", (1).to_bytes(4, "big"))),
    ("binary truncated header", b"\x80\x00\x00"),
    ("binary value too large", bset(b"a", b"v" * (ITEM_LIMIT_SUM + 1)) + bp(0x00, b"a")),
]


check_cases(META_CASES)
check_cases(BINARY_CASES)


def _binary_garbage(rng):
    # Read-only opcodes (get, getq, noop, getk, getkq) with random header
    # fields and body: no garbage may change stored data on purpose.
    opcode = rng.choice([0x00, 0x09, 0x0A, 0x0C, 0x0D])
    keylen = rng.choice([0, 1, 5, 250, 251, rng.randrange(65536)])
    extlen = rng.choice([0, 0, 4, rng.randrange(256)])
    bodylen = rng.choice([keylen + extlen, rng.randrange(300), 0])
    body = bytes(rng.randrange(256) for _ in range(min(bodylen, rng.randrange(400))))
    header = struct.pack(">BBHBBHIIQ", 0x80, opcode, keylen, extlen, rng.choice([0, 1]), 0,
                         bodylen, rng.randrange(1 << 32), 0)
    return header + body
