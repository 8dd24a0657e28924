"""Differential cases: (name, request bytes).

Each request is sent on a fresh connection, after `flush_all`, to memcached
and to ReplicaCache; the complete replies must be byte-identical after CAS
uniques and the version string are replaced by placeholders
(harness.normalise). Nothing here states an expected answer: memcached is the
reference.

Keys are short and plain unless the case is about keys. Cases must not stop
the server (no `shutdown`) and must not depend on wall-clock seconds
ticking over, except where a delay of at least 2 s leaves ample margin.
"""

CRLF = b"\r\n"

# Largest value memcached 1.6 stores with -I 1m is 1048517 - len(key) bytes
# (found by bisection against the reference; test_differential_text.py
# re-checks the boundary on both servers).
ITEM_LIMIT_SUM = 1048517


def st(cmd, key, data, flags=0, exp=0, extra=b""):
    """A storage command with its data block."""
    if isinstance(key, str):
        key = key.encode()
    line = b"%s %s %d %d %d" % (cmd, key, flags, exp, len(data))
    if extra:
        line += b" " + extra
    return line + CRLF + data + CRLF


def s(key, data, **kw):
    return st(b"set", key, data, **kw)


def L(*lines):
    """Command lines joined with CRLF, each terminated."""
    return b"".join(x + CRLF for x in lines)


K250 = b"k" * 250
K251 = b"k" * 251
BIN = bytes(range(256))
HUNDRED_KEYS = b" ".join(b"key%03d" % i for i in range(100))
LONG_GET_KEYS = b" ".join(b"longkey-%04d" % i for i in range(200))  # > 2048 bytes
assert len(LONG_GET_KEYS) > 2048


def big(key, n):
    return s(key, b"v" * n)


CASES = [
    # ---------------------------------------------------------------- set
    ("set then get", s("a", b"hello") + L(b"get a")),
    ("set flags 123", s("a", b"x", flags=123) + L(b"get a")),
    ("set flags max u32", s("a", b"x", flags=4294967295) + L(b"get a")),
    ("set flags 2^32 overflow", L(b"set a 4294967296 0 1", b"x", b"get a")),
    ("set flags negative", L(b"set a -1 0 1", b"x", b"get a")),
    ("set flags non-numeric", L(b"set a zz 0 1", b"x", b"get a")),
    ("set exptime non-numeric", L(b"set a 0 zz 1", b"x", b"get a")),
    ("set length non-numeric", L(b"set a 0 0 zz", b"x", b"get a")),
    ("set negative length", L(b"set a 0 0 -1", b"x", b"get a")),
    ("set length with trailing garbage", L(b"set a 0 0 1x", b"x", b"get a")),
    ("set zero length", s("a", b"") + L(b"get a")),
    ("set overwrite", s("a", b"one") + s("a", b"two", flags=7) + L(b"get a")),
    ("set noreply", s("a", b"x", extra=b"noreply") + L(b"get a")),
    ("set sixth token not noreply", s("a", b"x", extra=b"foo") + L(b"get a")),
    ("set too many tokens", L(b"set a 0 0 1 noreply extra", b"x", b"get a")),
    ("set missing length", L(b"set a 0 0", b"x", b"get a")),
    ("set only key", L(b"set a", b"get a")),
    ("set bare", L(b"set", b"get a")),
    ("set data shorter than length", L(b"set a 0 0 5", b"abc", b"get a")),
    ("set data longer than length", L(b"set a 0 0 1", b"abc", b"get a")),
    ("set data missing crlf then command", b"set a 0 0 3\r\nabcget a\r\n"),
    ("set data terminated by lf only", b"set a 0 0 1\nx\nget a\n"),
    ("set header lf data crlf", b"set a 0 0 1\nx\r\nget a\n"),
    ("set data with embedded crlf", s("a", b"a\r\nb\r\nEND\r\n") + L(b"get a")),
    ("set binary data all bytes", s("a", BIN) + L(b"get a")),
    ("set key 250 bytes", s(K250, b"x") + L(b"get " + K250)),
    ("set key 251 bytes", s(K251, b"x") + L(b"get a")),
    ("set key with control char", s(b"k\x01y", b"x") + L(b"get k\x01y")),
    ("set key with DEL and high bytes", s(b"k\x7f\xff\xe9", b"x") + L(b"get k\x7f\xff\xe9")),
    ("set key with tab", L(b"set k\ty 0 0 1", b"x", b"get k\ty")),
    ("set negative exptime is expired", s("a", b"x", exp=-1) + L(b"get a")),
    ("set exptime absolute in the past", s("a", b"x", exp=2592001) + L(b"get a")),
    ("set exptime exactly 30 days relative", s("a", b"x", exp=2592000) + L(b"get a")),
    ("set exptime far future absolute", s("a", b"x", exp=4102444800) + L(b"get a")),
    ("set exptime huge", L(b"set a 0 99999999999 1", b"x", b"get a")),
    ("set multiple spaces", L(b"set  a  0  0  1", b"x", b"get  a")),
    ("set leading space", L(b" set a 0 0 1", b"x", b"get a")),
    ("set trailing spaces", L(b"set a 0 0 1   ", b"x", b"get a")),
    ("set uppercase", L(b"SET a 0 0 1", b"x", b"get a")),
    ("set value just under limit, 1-byte key", big("a", ITEM_LIMIT_SUM - 1) + L(b"get b")),
    ("set value just over limit, 1-byte key", big("a", ITEM_LIMIT_SUM - 1 + 1) + L(b"get a")),
    ("set value just under limit, 250-byte key",
     big(K250, ITEM_LIMIT_SUM - 250) + L(b"delete " + K250)),
    ("set value just over limit, 250-byte key",
     big(K250, ITEM_LIMIT_SUM - 250 + 1) + L(b"get " + K250)),
    ("set value 2 MB is swallowed", big("a", 2 * 1024 * 1024) + L(b"get a")),
    ("set too large removes old value", s("a", b"old") + big("a", ITEM_LIMIT_SUM) + L(b"get a")),
    ("set too large noreply", s("a", b"v" * ITEM_LIMIT_SUM, extra=b"noreply") + L(b"get a")),
    ("set length far beyond any limit", L(b"set a 0 0 4294967296", b"x", b"get a")),
    ("set length 2^31", L(b"set a 0 0 2147483648", b"x", b"get a")),
    ("set length 2^31-1", L(b"set a 0 0 2147483647", b"x", b"get a")),
    ("set key containing NUL", L(b"set a\x00b 0 0 1", b"x", b"get a")),

    # ---------------------------------------------------------------- add
    ("add new", st(b"add", "a", b"x") + L(b"get a")),
    ("add existing", s("a", b"old") + st(b"add", "a", b"new") + L(b"get a")),
    ("add noreply new and existing",
     st(b"add", "a", b"1", extra=b"noreply") + st(b"add", "a", b"2", extra=b"noreply") + L(b"get a")),
    ("add bad length", L(b"add a 0 0 x", b"y", b"get a")),
    ("add after expiry", s("a", b"x", exp=-1) + st(b"add", "a", b"y") + L(b"get a")),
    ("add too large keeps old value", s("a", b"old") + L(b"add a 0 0 %d" % ITEM_LIMIT_SUM) + b"v" * ITEM_LIMIT_SUM + CRLF + L(b"get a")),
    ("add too large", L(b"add a 0 0 %d" % (ITEM_LIMIT_SUM + 10)) + b"v" * (ITEM_LIMIT_SUM + 10) + CRLF + L(b"get a")),

    # ------------------------------------------------------------ replace
    ("replace missing", st(b"replace", "a", b"x") + L(b"get a")),
    ("replace existing", s("a", b"old", flags=1) + st(b"replace", "a", b"new", flags=2) + L(b"get a")),
    ("replace noreply", s("a", b"old") + st(b"replace", "a", b"new", extra=b"noreply") + L(b"get a")),
    ("replace missing noreply", st(b"replace", "a", b"new", extra=b"noreply") + L(b"get a")),

    # ----------------------------------------------------- append/prepend
    ("append missing", st(b"append", "a", b"x") + L(b"get a")),
    ("prepend missing", st(b"prepend", "a", b"x") + L(b"get a")),
    ("append existing keeps flags", s("a", b"mid", flags=5) + st(b"append", "a", b"end", flags=9) + L(b"get a")),
    ("prepend existing keeps flags", s("a", b"mid", flags=5) + st(b"prepend", "a", b"pre", flags=9) + L(b"get a")),
    ("append and prepend noreply",
     s("a", b"b") + st(b"append", "a", b"c", extra=b"noreply") + st(b"prepend", "a", b"a", extra=b"noreply") + L(b"get a")),
    ("append empty", s("a", b"x") + st(b"append", "a", b"") + L(b"get a")),
    ("append ignores exptime", s("a", b"x") + st(b"append", "a", b"y", exp=-1) + L(b"get a")),
    ("append to expired", s("a", b"x", exp=-1) + st(b"append", "a", b"y") + L(b"get a")),
    ("append bad length", s("a", b"x") + L(b"append a 0 0 -5", b"yy", b"get a")),
    ("replace too large", s("a", b"old") + L(b"replace a 0 0 %d" % ITEM_LIMIT_SUM) + b"v" * ITEM_LIMIT_SUM + CRLF + L(b"get a")),
    ("append too large", s("a", b"old") + L(b"append a 0 0 %d" % ITEM_LIMIT_SUM) + b"v" * ITEM_LIMIT_SUM + CRLF + L(b"get a")),
    ("append beyond item limit", big("a", ITEM_LIMIT_SUM - 1 - 5) + st(b"append", "a", b"0123456789") + L(b"get b")),
    ("append then incr", s("a", b"1") + st(b"append", "a", b"0") + L(b"incr a 1", b"get a")),

    # ---------------------------------------------------------------- cas
    ("cas missing key", L(b"cas a 0 0 1 12345", b"x", b"get a")),
    ("cas stale unique", s("a", b"x") + L(b"cas a 0 0 1 999999999", b"y", b"get a")),
    ("cas unique zero", s("a", b"x") + L(b"cas a 0 0 1 0", b"y", b"get a")),
    ("cas missing unique", s("a", b"x") + L(b"cas a 0 0 1", b"y", b"get a")),
    ("cas non-numeric unique", s("a", b"x") + L(b"cas a 0 0 1 abc", b"y", b"get a")),
    ("cas negative unique", s("a", b"x") + L(b"cas a 0 0 1 -1", b"y", b"get a")),
    ("cas noreply stale", s("a", b"x") + L(b"cas a 0 0 1 999999999 noreply", b"y", b"get a")),
    ("cas noreply missing", L(b"cas a 0 0 1 5 noreply", b"y", b"get a")),
    ("cas bad length", s("a", b"x") + L(b"cas a 0 0 z 1", b"y", b"get a")),
    ("cas too large", s("a", b"x") + L(b"cas a 0 0 %d 1" % (ITEM_LIMIT_SUM + 1)) + b"v" * (ITEM_LIMIT_SUM + 1) + CRLF + L(b"get a")),
    ("cas too many tokens", s("a", b"x") + L(b"cas a 0 0 1 1 noreply x", b"y", b"get a")),

    # ---------------------------------------------------------------- get
    ("get miss", L(b"get nothere")),
    ("get no key", L(b"get")),
    ("get no key trailing space", L(b"get ")),
    ("get multi with misses", s("a", b"1") + s("c", b"3") + L(b"get a b c d")),
    ("get duplicate keys", s("a", b"1") + L(b"get a a a")),
    ("get 100 keys", b"".join(s(b"key%03d" % i, b"%d" % i) for i in range(0, 100, 3)) + L(b"get " + HUNDRED_KEYS)),
    ("get line over 2048 bytes", b"".join(s(b"longkey-%04d" % i, b"v") for i in range(0, 200, 7)) + L(b"get " + LONG_GET_KEYS)),
    ("get key 251 bytes", L(b"get " + K251)),
    ("get 251-byte key among others", s("a", b"x") + L(b"get a " + K251 + b" a")),
    # memcached drops replies queued earlier in the same read batch when a
    # retrieval command fails on a too-long key
    ("too-long get key drops pipelined STORED", s("a", b"x") + L(b"get " + K251)),
    ("too-long get key after unknown command", L(b"get a", b"foo", b"get " + K251)),
    ("too-long touch key keeps pipelined replies", s("a", b"x") + L(b"get a", b"touch " + K251 + b" 1")),
    ("get multiple spaces and trailing space", s("a", b"x") + s("b", b"y") + L(b"get   a    b  ")),
    ("get tab separated", s("a", b"x") + L(b"get\ta")),
    ("get uppercase", s("a", b"x") + L(b"GET a")),
    ("get after delete", s("a", b"x") + L(b"delete a", b"get a")),
    ("gets single", s("a", b"x", flags=3) + L(b"gets a")),
    ("gets multi with misses", s("a", b"1") + s("b", b"2") + L(b"gets a zz b")),
    ("gets no key", L(b"gets")),
    ("gets miss", L(b"gets a")),
    ("get large value", big("a", 500000) + L(b"get a")),
    ("get same key 30 times", s("a", b"x") + L(b"get " + b" ".join([b"a"] * 30))),

    # ---------------------------------------------------------------- gat
    ("gat hit", s("a", b"x", flags=4) + L(b"gat 100 a")),
    ("gat miss", L(b"gat 100 a")),
    ("gat multi", s("a", b"1") + s("c", b"3") + L(b"gat 100 a b c")),
    ("gats hit", s("a", b"x") + L(b"gats 100 a")),
    ("gats multi", s("a", b"1") + s("b", b"2") + L(b"gats 0 a b zz")),
    ("gat no key", L(b"gat 100")),
    ("gat bare", L(b"gat")),
    ("gat non-numeric exptime", s("a", b"x") + L(b"gat abc a", b"get a")),
    ("gat negative exptime expires", s("a", b"x") + L(b"gat -1 a", b"get a")),
    ("gat zero clears expiry", s("a", b"x", exp=100) + L(b"gat 0 a", b"get a")),
    ("gat 251-byte key", L(b"gat 10 " + K251)),
    ("gats no key", L(b"gats 5")),

    # -------------------------------------------------------------- touch
    ("touch hit", s("a", b"x") + L(b"touch a 100", b"get a")),
    ("touch miss", L(b"touch a 100")),
    ("touch noreply", s("a", b"x") + L(b"touch a 100 noreply", b"touch b 1 noreply", b"get a")),
    ("touch negative expires", s("a", b"x") + L(b"touch a -1", b"get a")),
    ("touch non-numeric exptime", s("a", b"x") + L(b"touch a abc", b"get a")),
    ("touch missing exptime", s("a", b"x") + L(b"touch a", b"get a")),
    ("touch bare", L(b"touch")),
    ("touch too many tokens", s("a", b"x") + L(b"touch a 10 noreply extra")),
    ("touch key 251 bytes", L(b"touch " + K251 + b" 10")),

    # ------------------------------------------------------------- delete
    ("delete hit", s("a", b"x") + L(b"delete a", b"get a")),
    ("delete miss", L(b"delete a")),
    ("delete with zero time", s("a", b"x") + L(b"delete a 0", b"get a")),
    ("delete with nonzero time", s("a", b"x") + L(b"delete a 1", b"get a")),
    ("delete noreply", s("a", b"x") + L(b"delete a noreply", b"delete a noreply", b"get a")),
    ("delete zero noreply", s("a", b"x") + L(b"delete a 0 noreply", b"get a")),
    ("delete extra tokens", s("a", b"x") + L(b"delete a b c", b"get a")),
    ("delete bare", L(b"delete")),
    ("delete key 251 bytes", L(b"delete " + K251)),
    ("delete key 250 bytes", s(K250, b"x") + L(b"delete " + K250)),
    ("delete twice", s("a", b"x") + L(b"delete a", b"delete a")),

    # ------------------------------------------------------- incr / decr
    ("incr basic", s("n", b"1") + L(b"incr n 5", b"get n")),
    ("incr miss", L(b"incr n 1")),
    ("decr miss", L(b"decr n 1")),
    ("incr non-numeric value", s("n", b"x") + L(b"incr n 1")),
    ("decr non-numeric value", s("n", b"abc") + L(b"decr n 1")),
    ("incr value with trailing letters", s("n", b"12ab") + L(b"incr n 1")),
    ("incr value with leading space", s("n", b" 12") + L(b"incr n 1")),
    ("incr value with trailing space", s("n", b"12 ") + L(b"incr n 1", b"get n")),
    ("incr empty value", s("n", b"") + L(b"incr n 1")),
    ("incr negative value", s("n", b"-5") + L(b"incr n 1")),
    ("incr leading zeros", s("n", b"007") + L(b"incr n 1", b"get n")),
    ("incr wraps at 2^64", s("n", b"18446744073709551615") + L(b"incr n 1", b"get n")),
    ("incr wraps by 2", s("n", b"18446744073709551615") + L(b"incr n 2", b"get n")),
    ("incr value 2^64 overflowing", s("n", b"18446744073709551616") + L(b"incr n 1")),
    ("incr max delta", s("n", b"1") + L(b"incr n 18446744073709551615", b"get n")),
    ("incr delta 2^64", s("n", b"1") + L(b"incr n 18446744073709551616", b"get n")),
    ("incr huge delta", s("n", b"1") + L(b"incr n 99999999999999999999999", b"get n")),
    ("incr negative delta", s("n", b"5") + L(b"incr n -1", b"get n")),
    ("incr non-numeric delta", s("n", b"5") + L(b"incr n abc", b"get n")),
    ("incr delta with trailing letters", s("n", b"5") + L(b"incr n 1a")),
    ("incr missing delta", s("n", b"5") + L(b"incr n")),
    ("incr bare", L(b"incr")),
    ("incr noreply", s("n", b"5") + L(b"incr n 1 noreply", b"decr n 3 noreply", b"get n")),
    ("incr noreply on miss and non-numeric",
     s("t", b"x") + L(b"incr n 1 noreply", b"incr t 1 noreply", b"get n t")),
    ("incr too many tokens", s("n", b"5") + L(b"incr n 1 noreply x")),
    ("incr grows length", s("n", b"9") + L(b"incr n 1", b"get n")),
    ("incr grows length in place of flags", s("n", b"99", flags=42) + L(b"incr n 1", b"gets n")),
    ("decr basic", s("n", b"10") + L(b"decr n 3", b"get n")),
    ("decr shrinks length", s("n", b"10") + L(b"decr n 1", b"get n")),
    ("decr shrinks a lot", s("n", b"1000000") + L(b"decr n 999999", b"get n")),
    ("decr floor zero", s("n", b"5") + L(b"decr n 100", b"get n")),
    ("decr zero stays", s("n", b"0") + L(b"decr n 1", b"get n")),
    ("decr max delta", s("n", b"18446744073709551615") + L(b"decr n 18446744073709551615", b"get n")),
    ("decr then incr back", s("n", b"100") + L(b"decr n 1", b"incr n 1", b"get n")),
    ("incr then get keeps flags", s("n", b"7", flags=99) + L(b"incr n 3", b"get n")),
    ("incr on 20-digit value", s("n", b"10000000000000000000") + L(b"incr n 1", b"get n")),
    ("incr key 251 bytes", L(b"incr " + K251 + b" 1")),
    ("incr uppercase", s("n", b"5") + L(b"INCR n 1")),
    ("incr on expired", s("n", b"5", exp=-1) + L(b"incr n 1")),
    ("incr delta zero", s("n", b"5") + L(b"incr n 0", b"get n")),

    # ---------------------------------------------------------- flush_all
    ("flush_all plain", s("a", b"x") + L(b"flush_all", b"get a")),
    ("flush_all zero", s("a", b"x") + L(b"flush_all 0", b"get a")),
    ("flush_all noreply", s("a", b"x") + L(b"flush_all noreply", b"get a")),
    ("flush_all zero noreply", s("a", b"x") + L(b"flush_all 0 noreply", b"get a")),
    ("flush_all delayed keeps items for now", s("a", b"x") + L(b"flush_all 30", b"get a")),
    ("flush_all non-numeric", s("a", b"x") + L(b"flush_all abc", b"get a")),
    ("flush_all negative", s("a", b"x") + L(b"flush_all -1", b"get a")),
    ("flush_all too many tokens", L(b"flush_all 0 noreply x")),
    ("set after flush_all same connection", L(b"flush_all") + s("a", b"x") + L(b"get a")),
    ("flush_all uppercase", L(b"FLUSH_ALL")),

    # ---------------------------------------------------------- verbosity
    ("verbosity 1", L(b"verbosity 1")),
    ("verbosity 0", L(b"verbosity 0")),
    ("verbosity noreply", L(b"verbosity 1 noreply", b"verbosity 0 noreply")),
    ("verbosity bare", L(b"verbosity")),
    ("verbosity non-numeric", L(b"verbosity abc")),
    ("verbosity too many tokens", L(b"verbosity 1 2 3")),

    # ------------------------------------------------------------ version
    ("version", L(b"version")),
    ("version extra token", L(b"version x")),
    ("version uppercase", L(b"VERSION")),

    # ------------------------------------------------------ line handling
    ("unknown command", L(b"foo")),
    ("unknown command with args", L(b"foo bar baz")),
    ("empty line", CRLF),
    ("several empty lines", CRLF * 3),
    ("bare lf empty line", b"\n"),
    ("bare lf command", b"get a\n"),
    ("cr only is not a line end", b"get a\rget a\r\n"),
    ("only spaces", L(b"     ")),
    ("tab only", L(b"\t")),
    ("NUL bytes line", L(b"\x00\x00\x00")),
    ("pipeline of many commands", b"".join(s(b"p%d" % i, b"%d" % i) for i in range(50))
     + L(*[b"incr p%d 1" % i for i in range(50)]) + L(b"get " + b" ".join(b"p%d" % i for i in range(50)))),
    ("pipeline mixed commands", s("a", b"1") + L(b"get a", b"incr a 1", b"touch a 10", b"delete a", b"get a", b"foo", b"version")),
    ("pipeline of 200 gets", L(*[b"get a"] * 200)),
    ("command split without final newline", L(b"get a") + b"get"),
    ("line of 2048 bytes without newline", b"x" * 2048),
    ("line of 2049 bytes without newline", b"x" * 2049),
    ("line over 2048 bytes without newline", b"x" * 5000),
    ("line over 2048 bytes with newline", L(b"x" * 5000)),
    ("set header over 2048 bytes", L(b"set " + b"k" * 3000 + b" 0 0 1", b"x")),
    ("get line over 2048 bytes without newline", b"get " + b"k" * 5000),
    ("gets line over 2048 bytes without newline", b"gets " + b"k" * 5000),
    ("line over 2048 bytes, command after", b"y" * 3000 + CRLF + L(b"version")),
    ("quit", L(b"quit")),
    ("quit then more", L(b"quit", b"get a")),
    ("commands before quit", s("a", b"x") + L(b"get a", b"quit")),
    ("quit with argument", L(b"quit now")),
    ("quit uppercase", L(b"QUIT")),
    ("shutdown with argument typo", L(b"shutdowns")),

    # ---------------------------------------------- other ascii commands
    ("stats unknown subcommand", L(b"stats nosuchthing")),
    ("stats detail bad", L(b"stats detail whatever")),
    ("cache_memlimit bare", L(b"cache_memlimit")),
    ("lru_crawler bad subcommand", L(b"lru_crawler nosuch")),
    ("slabs bad subcommand", L(b"slabs nosuch")),

    # ------------------------------------------------ number parsing edges
    ("set flags with plus sign", L(b"set a +3 0 1", b"x", b"get a")),
    ("set exptime with plus sign", L(b"set a 0 +100 1", b"x", b"get a")),
    ("set length with leading zeros", L(b"set a 0 0 01", b"x", b"get a")),
    ("set length with plus sign", L(b"set a 0 0 +1", b"x", b"get a")),
    ("set flags hex", L(b"set a 0x10 0 1", b"x", b"get a")),
    ("incr delta with plus sign", s("n", b"5") + L(b"incr n +1", b"get n")),
    ("incr value with plus sign", s("n", b"+5") + L(b"incr n 1", b"get n")),
    ("incr value 21 digits", s("n", b"000000000000000000001") + L(b"incr n 1", b"get n")),
    ("touch exptime absolute past", s("a", b"x") + L(b"touch a 2592001", b"get a")),
    ("gat with noreply token", s("a", b"x") + L(b"gat 0 a noreply")),
    ("delete noreply extra token", s("a", b"x") + L(b"delete a noreply x", b"get a")),
    ("verbosity noreply only", L(b"verbosity noreply", b"version")),
    ("flush_all huge delay", s("a", b"x") + L(b"flush_all 99999999999", b"get a")),
    ("get 250-byte key miss", L(b"get " + K250)),
    ("cas noreply non-numeric unique", s("a", b"x") + L(b"cas a 0 0 1 zz noreply", b"y", b"get a")),
    ("noreply on get is a key", s("noreply", b"x") + L(b"get noreply")),

]





def check_cases(cases):
    names = [c[0] for c in cases]
    dupes = {n for n in names if names.count(n) > 1}
    assert not dupes, dupes
    for name, data in cases:
        assert isinstance(data, bytes) and data, name


check_cases(CASES)
