"""Meta and binary protocol cases, verified against memcached 1.6.18.

META_CASES run in test_differential_meta.py. BINARY_CASES are not run yet:
the binary protocol work wires them into the differential test (and restores
`memccapable -b` and the binary garbage test) as it lands.
"""
import struct

from text_cases import ITEM_LIMIT_SUM, K250, K251, L, check_cases

O31 = b"O" + b"9" * 31
O32 = b"O" + b"9" * 32

META_CASES = [
    # ---- mn and dispatch
    ("meta noop", L(b"mn")),
    ("meta noop ignores arguments", L(b"mn foo bar", b"mn")),
    ("meta unknown two-letter m command", L(b"mz a", b"mx", b"mG a")),
    ("meta uppercase command", L(b"MG a v", b"MN")),
    ("meta one letter m", L(b"m", b"m a")),
    ("meta three letter m command", L(b"mgg a v")),
    ("meta bare newline endings", b"ms a 1\nx\r\nmg a v\nmn\n"),
    # ---- mg
    ("meta set and get value", L(b"ms a 2", b"hi", b"mg a v")),
    ("meta get miss", L(b"mg a v")),
    ("meta get miss echoes key and opaque", L(b"mg zz k O9 v", b"mg zz O1 k")),
    ("meta get no flags hit", L(b"ms a 1", b"x", b"mg a")),
    ("meta get flags size ttl key", L(b"ms a 3 T100 F7", b"abc", b"mg a s v f k t")),
    ("meta get return flags in request order", L(b"ms a 3 F7", b"abc", b"mg a k f s v", b"mg a v s f k")),
    ("meta get opaque", L(b"mg a v O123", b"ms a 1", b"x", b"mg a v O456")),
    ("meta get quiet miss then noop", L(b"mg a v q", b"mg b v q", b"mn")),
    ("meta get quiet hit still replies", L(b"ms a 1", b"x", b"mg a q", b"mg a q v k", b"mn")),
    ("meta get quiet miss with opaque", L(b"mg zz q O1 k", b"mn")),
    ("meta get with cas", L(b"ms a 1", b"x", b"mg a c v")),
    ("meta get ttl unlimited", L(b"ms a 1", b"x", b"mg a t")),
    ("meta get touch then ttl", L(b"ms a 1", b"x", b"mg a T50 t", b"mg a t")),
    ("meta get ttl before touch", L(b"ms a 1 T100", b"x", b"mg a t T50", b"mg a t")),
    ("meta get touch zero makes unlimited", L(b"ms a 1 T100", b"x", b"mg a T0 t", b"mg a t v")),
    ("meta get touch negative expires", L(b"ms a 1", b"x", b"mg a T-1", b"mg a v")),
    ("meta get touch miss", L(b"mg a T30 t v")),
    ("meta get hit before", L(b"ms a 1", b"x", b"mg a h", b"mg a h", b"mg a h v")),
    ("meta get no bump keeps hit unset", L(b"ms a 1", b"x", b"mg a h u", b"mg a h u", b"mg a h", b"mg a h")),
    ("meta get last access", L(b"ms a 1", b"x", b"mg a l", b"mg a l h t")),
    ("meta get opaque of 32 bytes", L(b"ms a 1", b"x", b"mg a " + O31 + b" v", b"mg b " + O31)),
    ("meta get opaque too long on hit", L(b"ms a 1", b"x", b"mg a v " + O32, b"mn")),
    ("meta get opaque too long on miss", L(b"mg a v " + O32, b"mg a q " + O32, b"mn")),
    ("meta get opaque too long after touch", L(b"ms a 1", b"x", b"mg a T0 " + O32, b"mg a t h")),
    ("meta get duplicate flag", L(b"mg a v v", b"mg a O1 O2", b"mn")),
    ("meta get bad flag", L(b"mg a !")),
    ("meta get unsupported E flag", L(b"mg a E5 c", b"ms a 1", b"x", b"mg a E5 v")),
    ("meta get x flag is invalid", L(b"mg a x", b"mg a S1")),
    ("meta get flag byte above 126", L(b"mg a \xff", b"mg a v \x7f")),
    ("meta get control byte flag", L(b"mg a \tv")),
    ("meta get bad numeric tokens", L(b"mg a Nx", b"mg a T", b"mg a R1x", b"mg a C-", b"mg a Jx", b"mg a Dx", b"mg a Fx")),
    ("meta get last error message wins", L(b"mg a Nx Fx", b"mg a Fx Jx", b"mg a Jx Dx", b"mg a Jx !", b"mg a Nx v v")),
    ("meta get mode token length", L(b"mg a M", b"mg a Mxx", b"mg a Mx v")),
    ("meta get ignores proxy tokens", L(b"ms a 1", b"x", b"mg a Pfoo Lbar v", b"mg a P L")),
    ("meta get accepts set and arithmetic flags", L(b"ms a 1", b"x", b"mg a F5 C1 I MZ D1 J1 v", b"mg b F5 I")),
    ("meta bare mg", L(b"mg")),
    ("meta mg with spaces only", L(b"mg   ", b"mn")),
    ("meta key too long", L(b"mg " + K251 + b" v")),
    ("meta get key of 250 bytes", L(b"ms " + K251[:250] + b" 1", b"x", b"mg " + K251[:250] + b" v k")),
    ("meta get 18 flags", L(b"ms a 1", b"x", b"mg a v k s t c f h l u q O1 Pa La I F1 C1 D1")),
    ("meta get 19 flags too long", L(b"mg a v k s t c f h l u q O1 Pa La I F1 C1 D1 J1", b"mn")),
    ("meta get many tokens", L(b"mg a " + b" ".join(b"P%d" % i for i in range(40)), b"mn")),
    ("meta get key with tab", L(b"ms a\tb 1", b"x", b"mg a\tb v k")),
    ("meta get nul ends line", b"ms a 1\r\nx\r\nmg a v\x00 c\r\nmn\r\n"),
    # ---- vivify, recache, stale
    ("meta vivify win then already won", L(b"mg a N30 v c s t", b"mg a N30 v t", b"mg a v", b"mg a h")),
    ("meta vivify quiet still replies", L(b"mg a N30 q", b"mg a N30 q", b"mn")),
    ("meta vivify ttl before N", L(b"mg a t N30 t")),
    ("meta vivify then set clears marks", L(b"mg a N30", b"ms a 1", b"x", b"mg a v N30")),
    ("meta vivify without value flag", L(b"mg a N0 s f", b"mg a N0 s f")),
    ("meta vivify then delete", L(b"mg a N30", b"md a", b"mg a N30 v")),
    ("meta recache wins below ttl", L(b"ms a 1 T10", b"x", b"mg a R30 v", b"mg a R30 v", b"mg a v")),
    ("meta recache loses above ttl", L(b"ms a 1 T100", b"x", b"mg a R30 v")),
    ("meta recache never for unlimited", L(b"ms a 1", b"x", b"mg a R30 v", b"mg a R0 v")),
    ("meta recache with vivify", L(b"mg a N30 R60 v", b"mg a N30 R60 v")),
    ("meta delete invalidate marks stale", L(b"ms a 1", b"x", b"md a I", b"mg a v", b"mg a v", b"mg a c")),
    ("meta delete invalidate with ttl", L(b"ms a 1 T100", b"x", b"md a I T30", b"mg a v t c", b"mg a v")),
    ("meta invalidate again resets win", L(b"ms a 1", b"x", b"md a I", b"mg a", b"md a I", b"mg a", b"mg a")),
    ("meta set over stale clears it", L(b"ms a 1", b"x", b"md a I", b"mg a", b"ms a 1 I", b"z", b"mg a v")),
    ("meta invalidate miss", L(b"md zz I", b"md zz I q")),
    ("meta stale with recache", L(b"ms a 1 T10", b"x", b"md a I", b"mg a R30 v", b"mg a R30 v")),
    # ---- base64 keys
    ("meta base64 key", L(b"ms YWJj 1 b", b"x", b"mg abc v", b"mg YWJj b v k")),
    ("meta base64 padded key", L(b"ms YQ== 1 b", b"x", b"mg a v k", b"mg YQ== b k v")),
    ("meta base64 binary bytes", L(b"ms AAEC 2 b k", b"hi", b"mg AAEC b k v s")),
    ("meta base64 plain item keeps plain key", L(b"ms abc 1", b"x", b"mg YWJj b k v")),
    ("meta base64 miss echoes encoded key", L(b"mg YWJj b k", b"mg YW Jj b k O1")),
    ("meta base64 invalid", L(b"mg !!!! b", b"mg YWJ b v", b"mg A=== b", b"mg ==== b")),
    ("meta base64 stops at padding", L(b"ms a 1", b"x", b"mg YQ==YWJj b k v")),
    ("meta base64 skips foreign bytes", L(b"ms abc 1", b"x", b"mg YW!Jj b k v", b"mg Y.W.J.j b")),
    ("meta base64 flag twice", L(b"mg YWJj b b")),
    # ---- ms
    ("meta set invalid mode", L(b"ms a 1 MZ", b"x")),
    ("meta set append mode", L(b"ms a 1", b"x", b"ms a 1 MA", b"y", b"mg a v")),
    ("meta set prepend mode", L(b"ms a 1", b"x", b"ms a 1 MP", b"y", b"mg a v")),
    ("meta set append and prepend missing", L(b"ms a 1 MA", b"x", b"ms a 1 MP", b"x", b"mg a v")),
    ("meta set add mode", L(b"ms a 1 ME", b"x", b"ms a 1 ME", b"y", b"mg a v")),
    ("meta set replace mode", L(b"ms a 1 MR", b"x", b"ms a 1", b"x", b"ms a 1 MR", b"y", b"mg a v")),
    ("meta set explicit set mode", L(b"ms a 1 MS", b"x", b"mg a v")),
    ("meta set lowercase mode", L(b"ms a 1 Ms", b"x", b"ms a 1 Ma", b"x", b"mn")),
    ("meta set mode token length", L(b"ms a 1 MEE", b"x", b"ms a 1 M", b"x", b"mn")),
    ("meta set bad length", L(b"ms a xx", b"x", b"mn")),
    ("meta set negative length", L(b"ms a -1", b"x", b"mn")),
    ("meta set length with sign", L(b"ms a +1", b"x", b"mg a v")),
    ("meta set missing length", L(b"ms a", b"mn")),
    ("meta bare ms", L(b"ms", b"mn")),
    ("meta set key too long keeps data", L(b"ms " + K251 + b" 1", b"x", b"mn")),
    ("meta set invalid flag swallows data", L(b"ms a 2 !", b"hi", b"mn")),
    ("meta set unsupported E flag swallows data", L(b"ms a 2 E999", b"hi", b"mg a c v")),
    ("meta set S flag is invalid", L(b"ms a 2 S2", b"hi", b"mn")),
    ("meta set bad client flags", L(b"ms a 1 Fx", b"x", b"ms a 1 F-1", b"x", b"mn")),
    ("meta set bad ttl", L(b"ms a 1 Tx", b"x", b"mg a v")),
    ("meta set client flags wrap", L(b"ms a 1 F4294967297", b"x", b"mg a f v")),
    ("meta set bad data chunk", L(b"ms a 2", b"abc", b"mn")),
    ("meta set bad data chunk under quiet", L(b"ms a 2 q", b"abcd", b"mn")),
    ("meta set quiet hides success only", L(b"ms a 1 q", b"x", b"ms a 1 q MR k", b"y", b"ms b 1 q MR k O4", b"y", b"mn")),
    ("meta set returns key opaque cas", L(b"ms a 1 k O5 c", b"x", b"ms a 1 c O6 k ME", b"y")),
    ("meta set ttl", L(b"ms a 1 T100", b"x", b"mg a t v")),
    ("meta set zero length", L(b"ms a 0", b"", b"mg a v s")),
    ("meta set compare cas mismatch", L(b"ms a 1", b"x", b"ms a 1 C999999 c", b"y", b"mg a v")),
    ("meta set compare cas zero", L(b"ms a 1", b"x", b"ms a 1 C0", b"y", b"mg a v")),
    ("meta set compare cas missing", L(b"ms a 1 C5", b"x", b"ms a 1 C5 MR", b"x", b"mg a v")),
    ("meta set compare cas on append", L(b"ms a 1", b"x", b"ms a 1 MA C999999", b"y", b"ms a 1 MA C0", b"z", b"mg a v")),
    ("meta set compare cas on add", L(b"ms a 1 ME C5", b"x", b"ms a 1 ME C5", b"y", b"mg a v")),
    ("meta set invalidate with newer cas", L(b"ms a 1", b"x", b"ms a 1 C999999 I", b"y", b"mg a v")),
    ("meta set opaque too long swallows", L(b"ms a 1 " + O32, b"x", b"mn")),
    ("meta set invalid mode before long opaque", L(b"ms a 1 MZ " + O32, b"x", b"mn")),
    ("meta set too many flags", L(b"ms a 1 k c q O1 Pa La I F1 C1 D1 J1 v s t f h l", b"x", b"mn")),
    ("meta set base64 key echoed", L(b"ms YWJj 1 b k", b"x", b"mg abc v k")),
    ("meta set base64 invalid swallows", L(b"ms !!!! 1 b", b"x", b"mn")),
    ("meta set data holding a CRLF", L(b"ms a 4", b"a\r\nb", b"mg a v")),
    ("meta set duplicate flag swallows", L(b"ms a 1 T1 T2", b"x", b"mn")),
    ("meta set too large", L(b"ms a 1", b"x", b"ms a %d" % (ITEM_LIMIT_SUM + 1), b"v" * (ITEM_LIMIT_SUM + 1), b"mg a v", b"mn")),
    ("meta set largest value", L(b"ms a %d" % (ITEM_LIMIT_SUM - 1), b"v" * (ITEM_LIMIT_SUM - 1), b"mg a s")),
    ("meta set then text get", L(b"ms a 2 F3 T0", b"hi", b"get a", b"touch a 10", b"mg a t f")),
    ("meta set after text set", L(b"set a 5 0 1", b"x", b"mg a f v", b"ms a 1 MA", b"y", b"get a")),
    # ---- md
    ("meta delete hit and miss", L(b"ms a 1", b"x", b"md a", b"md a")),
    ("meta delete quiet", L(b"ms a 1", b"x", b"md a q", b"md a q", b"mn")),
    ("meta delete echoes opaque and key", L(b"ms a 1", b"x", b"md a O1 k", b"md a k O2")),
    ("meta delete compare cas mismatch", L(b"ms a 1", b"x", b"md a C999999", b"md a C0 q", b"mg a v")),
    ("meta delete compare cas miss", L(b"md a C5")),
    ("meta delete invalid flag", L(b"md a !", b"md a x", b"md a E1", b"md a q q", b"md a Tx", b"md a Mxx")),
    ("meta delete ttl without invalidate", L(b"ms a 1", b"x", b"md a T30", b"mg a v")),
    ("meta delete opaque too long", L(b"ms a 1", b"x", b"md a " + O32, b"mg a v")),
    ("meta delete base64", L(b"ms abc 1", b"x", b"md YWJj b k", b"mg abc v")),
    ("meta delete key too long", L(b"md " + K251)),
    ("meta bare md", L(b"md", b"md  ")),
    ("meta delete too many flags", L(b"md a q k O1 Pa La I F1 C1 D1 J1 v s t f h l u c", b"mn")),
    ("meta delete ignores value flags", L(b"ms a 1", b"x", b"md a v s t c f")),
    # ---- ma
    ("meta arithmetic", L(b"ms n 2", b"10", b"ma n", b"ma n MD D3 v", b"ma zz")),
    ("meta arithmetic non-numeric", L(b"ms n 1", b"x", b"ma n")),
    ("meta arithmetic decrement floor", L(b"ms n 1", b"5", b"ma n MD D10 v", b"ma n M- v", b"ma n M+ D7 v", b"ma n MI v")),
    ("meta arithmetic invalid mode", L(b"ms n 1", b"5", b"ma n MX", b"ma n MDD", b"ma n M", b"mg n v")),
    ("meta arithmetic bad delta", L(b"ma n Dx", b"ma n D-1", b"ma n Jx N0", b"ma n !")),
    ("meta arithmetic vivify", L(b"ma n N0 J10 v", b"ma n N0 J10 v", b"mg n v f t")),
    ("meta arithmetic vivify default initial", L(b"ma n N0 v", b"ma n v")),
    ("meta arithmetic vivify with ttl", L(b"ma n t N100 t v", b"mg n t")),
    ("meta arithmetic vivify quiet still replies", L(b"ma n q N0 J5 v", b"ma n q v", b"ma n q", b"ma n", b"mn")),
    ("meta arithmetic miss quiet", L(b"ma n q", b"ma n q O1 k", b"mn")),
    ("meta arithmetic initial without vivify", L(b"ma n J5 v")),
    ("meta arithmetic wraps", L(b"ms n 20", b"18446744073709551615", b"ma n v", b"mg n v s")),
    ("meta arithmetic grows", L(b"ms n 1", b"9", b"ma n v", b"mg n v s")),
    ("meta arithmetic shrinks in place", L(b"ms n 2", b"10", b"ma n MD v", b"mg n v s", b"get n")),
    ("meta arithmetic touch in place", L(b"ms n 1 T100", b"5", b"ma n t T200 t", b"mg n t")),
    ("meta arithmetic touch lost when grown", L(b"ms n 1 T100", b"9", b"ma n T500 t v", b"mg n t v")),
    ("meta arithmetic compare cas", L(b"ms n 1", b"5", b"ma n C999999", b"ma n C0 v", b"ma zz C5")),
    ("meta arithmetic echoes opaque and key", L(b"ms n 1", b"5", b"ma n O5 k v", b"ma zz k O6", b"ma n c")),
    ("meta arithmetic opaque too long applies", L(b"ms n 1", b"5", b"ma n " + O32, b"mg n v", b"ma zz " + O32)),
    ("meta arithmetic empty value", L(b"ms n 0", b"", b"ma n", b"ma n N0")),
    ("meta arithmetic padded number", L(b"ms n 3", b"12 ", b"ma n v", b"ms m 3", b"1 2", b"ma m v")),
    ("meta arithmetic large delta", L(b"ms n 1", b"1", b"ma n D18446744073709551615 v", b"ma n v")),
    ("meta arithmetic base64 key", L(b"ms n 1", b"1", b"ma bg== b k v", b"ma bw== b k N0 v")),
    ("meta bare ma", L(b"ma", b"mn")),
    ("meta arithmetic key too long", L(b"ma " + K251 + b" v")),
    ("meta arithmetic too many flags", L(b"ma n q k O1 Pa La I F1 C1 D1 J1 v s t f h l u c", b"mn")),
    ("meta arithmetic then text incr", L(b"ma n N0 J7", b"incr n 3", b"decr n 100", b"ma n v")),
    # ---- me
    ("meta debug miss", L(b"me a")),
    ("meta debug hit", L(b"ms a 1 T100", b"x", b"me a")),
    ("meta debug unlimited and fetched", L(b"ms a 1", b"x", b"me a", b"mg a v", b"me a")),
    ("meta debug flags and size", L(b"ms a 10 F5", b"0123456789", b"me a")),
    ("meta debug larger class", L(b"ms a 3000", b"v" * 3000, b"me a")),
    ("meta bare me", L(b"me", b"me  ")),
    ("meta debug key too long", L(b"me " + K251)),
    ("meta debug base64", L(b"ms YWJj 1 b", b"x", b"me YWJj b", b"me abc", b"me YWJj")),
    ("meta debug base64 invalid", L(b"me !!!! b", b"me YWJj bb", b"mn")),
    ("meta debug ignores other tokens", L(b"ms a 1", b"x", b"me a x y z", b"me a v")),
    # ---- mixed with the text protocol
    ("meta pipelined quiet gets", L(b"ms a 1 q", b"x", b"ms b 2 q", b"yy", b"mg a q v k", b"mg b q v k", b"mg c q v k", b"mn")),
    ("meta and text interleaved", L(b"set a 0 0 1", b"x", b"mg a v", b"ms b 1", b"y", b"get a b", b"md a", b"get a")),
    ("meta vivified item seen by text get", L(b"mg a N30", b"get a", b"gets a")),
    ("meta vivify after expiry", L(b"ms a 1 T-1", b"x", b"mg a v", b"mg a N30 v", b"mg a N30 v")),
    ("meta vivify after flush", L(b"ms a 1", b"x", b"flush_all", b"mg a N30 v s")),
    ("meta vivify and touch order", L(b"mg a N30 T60 t", b"mg b T60 N30 t", b"mg a t", b"mg b t")),
    ("meta vivify stale item", L(b"ms a 1", b"x", b"md a I", b"mg a N30 v", b"mg a N30 v")),
    ("meta recache after win sent", L(b"ms a 1 T10", b"x", b"mg a R30", b"mg a R30", b"mg a N30 R30")),
    ("meta get no bump with touch", L(b"ms a 1", b"x", b"mg a u T100 t", b"mg a h t")),
    ("meta get hit after text get", L(b"ms a 1", b"x", b"get a", b"mg a h")),
    ("meta get hit after gat", L(b"ms a 1", b"x", b"gat 100 a", b"mg a h t")),
    ("meta get ttl after text touch", L(b"ms a 1", b"x", b"touch a 100", b"mg a t")),
    ("meta get extra spaces", b"  mg a   v  k   \r\nmg   a\r\n"),
    ("meta get key of 250 bytes with base64 flag", L(b"mg " + b"QUFB" * 62 + b"QQ== b k")),
    ("meta set append keeps flags and ttl", L(b"ms a 1 F5 T100", b"x", b"ms a 1 MA F9 T0", b"y", b"mg a f t v")),
    ("meta set prepend with base64 key", L(b"ms YQ== 1 b", b"x", b"ms YQ== 1 b MP k", b"y", b"mg a v k")),
    ("meta set add existing quiet", L(b"ms a 1", b"x", b"ms a 1 ME q", b"y", b"ms b 1 ME q", b"y", b"mn")),
    ("meta set invalid mode quiet", L(b"ms a 1 MZ q", b"x", b"mn")),
    ("meta set length with letters", L(b"ms a 2x", b"hi", b"mn")),
    ("meta set zero length quiet", L(b"ms a 0 q", b"", b"mg a v", b"mn")),
    ("meta set expired ttl", L(b"ms a 1 T-1", b"x", b"mg a v", b"ms b 1 T0", b"y", b"mg b t")),
    ("meta set data with nul", L(b"ms a 3", b"a\x00b", b"mg a v s")),
    ("meta delete quiet exists shown", L(b"ms a 1", b"x", b"md a q C999999", b"mn")),
    ("meta delete then vivify wins", L(b"ms a 1", b"x", b"md a", b"mg a N30 v")),
    ("meta arithmetic vivify then touch", L(b"ma n N100 T200 t v", b"mg n t")),
    ("meta arithmetic leading space number", L(b"ms n 3", b" 12", b"ma n v")),
    ("meta arithmetic on stale item", L(b"ms n 1", b"5", b"md n I", b"ma n v", b"mg n v")),
    ("meta debug after no bump get", L(b"ms a 1", b"x", b"mg a u", b"me a", b"mg a", b"me a")),
    ("meta debug vivified item", L(b"mg a N30", b"me a")),
    ("meta pipelined gets past the output high-water mark",
     L(b"ms a 2048", b"v" * 2048) + L(b"mg a v k O1", b"mg zz q k") * 600 + L(b"mn")),
    ("meta pipelined sets and deletes", b"".join(L(b"ms k%d 3 q" % i, b"%03d" % i, b"md k%d q" % (i - 1)) for i in range(300)) + L(b"mg k299 v", b"mg k298 v", b"mn")),
    ("meta quiet batch with errors", L(b"mg a q v", b"mg a q !", b"md a q", b"ma a q", b"ms a 1 q", b"x", b"mg a q v", b"mn")),
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
] + [
    # -- get family
    ("binary get hit flags and opaque", bset(b"a", b"xyz", flags=0xDEADBEEF) + bp(0x00, b"a", opaque=0xA1B2C3D4)),
    ("binary getk hit", bset(b"key", b"v", flags=3) + bp(0x0C, b"key", opaque=5)),
    ("binary getq hit is answered", bset(b"a", b"v") + bp(0x09, b"a", opaque=6)),
    ("binary getk miss echoes key", bp(0x0C, b"missing", opaque=7)),
    ("binary multiget getkq pipeline", bset(b"a", b"1") + bset(b"c", b"3") + bp(0x0D, b"a", opaque=1)
     + bp(0x0D, b"b", opaque=2) + bp(0x0D, b"c", opaque=3) + bp(0x0D, b"d", opaque=4) + NOOP),
    ("binary multiget getq pipeline", bset(b"x", b"1") + bp(0x09, b"x", opaque=1) + bp(0x09, b"y", opaque=2)
     + bp(0x09, b"x", opaque=3) + NOOP),
    ("binary getq alone is silent", bp(0x09, b"nothing")),
    ("binary get empty value", bset(b"e", b"") + bp(0x00, b"e")),
    ("binary value with crlf and nul", bset(b"a", b"x\r\nEND\r\n\0y") + bp(0x00, b"a")),
    ("binary key with spaces and controls", bset(b"a b\r\n\x01", b"v") + bp(0x0C, b"a b\r\n\x01")),
    ("binary key 250", bset(K250, b"v") + bp(0x0C, K250)),
    ("binary set key 251", bset(K251, b"v") + NOOP),
    ("binary get with extras", bp(0x00, b"a", extras=b"\0\0\0\0") + NOOP),
    ("binary get without key", bp(0x00) + NOOP),
    ("binary get body longer than key", bp(0x00, b"a", value=b"zz") + NOOP),
    ("binary big value", bset(b"big", b"0123456789" * 10000) + bp(0x00, b"big")),
    # -- set, add, replace
    ("binary set exptime then get", bset(b"a", b"v", exp=100) + bp(0x00, b"a")),
    ("binary set with stale cas", bset(b"a", b"1") + bp(0x01, b"a", b"\0" * 8, b"2", cas=12345) + bp(0x00, b"a")),
    ("binary set with cas on missing", bp(0x01, b"a", b"\0" * 8, b"2", cas=1) + bp(0x00, b"a")),
    ("binary set without extras", bp(0x01, b"a", value=b"v") + NOOP),
    ("binary set with short extras", bp(0x01, b"a", b"\0" * 4, b"v") + NOOP),
    ("binary set without key", bp(0x01, b"", b"\0" * 8, b"v") + NOOP),
    ("binary setq is silent", bset(b"a", b"1", op=0x11) + bset(b"b", b"2", op=0x11) + NOOP + bp(0x00, b"b")),
    ("binary setq stale cas is reported", bset(b"a", b"1") + bp(0x11, b"a", b"\0" * 8, b"2", cas=99, opaque=4) + NOOP),
    ("binary set empty value", bset(b"a", b"") + bp(0x0C, b"a")),
    ("binary set max flags", bset(b"a", b"v", flags=0xFFFFFFFF) + bp(0x00, b"a")),
    ("binary add missing", bset(b"a", b"1", op=0x02) + bp(0x00, b"a")),
    ("binary addq missing is silent", bset(b"a", b"1", op=0x12) + NOOP),
    ("binary add with cas on existing", bset(b"a", b"1") + bp(0x02, b"a", b"\0" * 8, b"x", cas=7)),
    ("binary add with cas on missing", bp(0x02, b"a", b"\0" * 8, b"x", cas=7)),
    ("binary replace existing", bset(b"a", b"1", flags=1) + bset(b"a", b"2", op=0x03, flags=2) + bp(0x00, b"a")),
    ("binary replaceq missing is reported", bset(b"a", b"1", op=0x13, opaque=3) + NOOP),
    ("binary replace with stale cas", bset(b"a", b"1") + bp(0x03, b"a", b"\0" * 8, b"2", cas=5)),
    ("binary setq too large is reported", bset(b"a", b"v" * (ITEM_LIMIT_SUM + 1), op=0x11) + NOOP),
    ("binary set too large drops old item", bset(b"a", b"old") + bset(b"a", b"v" * (ITEM_LIMIT_SUM + 1))
     + bp(0x00, b"a")),
    ("binary replace too large keeps old item", bset(b"a", b"old") + bset(b"a", b"v" * (ITEM_LIMIT_SUM + 1), op=0x03)
     + bp(0x00, b"a")),
    ("binary set at size limit", bset(b"a", b"v" * (ITEM_LIMIT_SUM - 1)) + bp(0x09, b"zz") + NOOP),
    ("binary flags push value over limit", bset(b"a", b"v" * (ITEM_LIMIT_SUM - 1), flags=1) + NOOP),
    # -- append, prepend
    ("binary append missing", bp(0x0E, b"a", value=b"x")),
    ("binary appendq missing is reported", bp(0x19, b"a", value=b"x", opaque=8) + NOOP),
    ("binary appendq is silent", bset(b"a", b"1") + bp(0x19, b"a", value=b"2") + bp(0x1A, b"a", value=b"0") + NOOP
     + bp(0x00, b"a")),
    ("binary append keeps flags", bset(b"a", b"1", flags=77) + bp(0x0E, b"a", value=b"2") + bp(0x00, b"a")),
    ("binary append with stale cas", bset(b"a", b"1") + bp(0x0E, b"a", value=b"2", cas=3) + bp(0x00, b"a")),
    ("binary prepend with stale cas", bset(b"a", b"1") + bp(0x0F, b"a", value=b"2", cas=3) + bp(0x00, b"a")),
    ("binary append with extras", bset(b"a", b"1") + bp(0x0E, b"a", extras=b"\0" * 8, value=b"2") + NOOP),
    ("binary append without key", bp(0x0E, b"", value=b"2") + NOOP),
    ("binary append to empty value", bset(b"a", b"") + bp(0x0E, b"a", value=b"tail") + bp(0x0C, b"a")),
    ("binary append past size limit", bset(b"a", b"v" * (ITEM_LIMIT_SUM - 1)) + bp(0x0E, b"a", value=b"xy")
     + bp(0x09, b"zz") + NOOP),
    ("binary append too large", bset(b"a", b"1") + bp(0x0E, b"a", value=b"v" * (ITEM_LIMIT_SUM + 1)) + bp(0x00, b"a")),
    # -- delete
    ("binary delete with stale cas", bset(b"a", b"1") + bp(0x04, b"a", cas=42) + bp(0x00, b"a")),
    ("binary deleteq hit is silent", bset(b"a", b"1") + bp(0x14, b"a") + NOOP + bp(0x00, b"a")),
    ("binary deleteq miss is reported", bp(0x14, b"a", opaque=11) + NOOP),
    ("binary deleteq stale cas is reported", bset(b"a", b"1") + bp(0x14, b"a", cas=42) + NOOP),
    ("binary delete with extras", bset(b"a", b"1") + bp(0x04, b"a", extras=b"\0\0\0\0") + NOOP),
    ("binary delete without key", bp(0x04) + NOOP),
    # -- increment, decrement
    ("binary incr existing", bset(b"n", b"41") + bincr(b"n", 1) + bp(0x00, b"n")),
    ("binary incr wraps", bset(b"n", b"18446744073709551615") + bincr(b"n", 2) + bp(0x00, b"n")),
    ("binary decr below zero", bset(b"n", b"5") + bincr(b"n", 9, op=0x06) + bp(0x00, b"n")),
    ("binary incr miss without create", bincr(b"n", 1, initial=5, exp=0xFFFFFFFF) + bp(0x00, b"n")),
    ("binary decr miss creates initial", bincr(b"n", 3, initial=50, op=0x06) + bp(0x00, b"n")),
    ("binary incrq is silent", bset(b"n", b"1") + bincr(b"n", 5, op=0x15) + bincr(b"n", 5, op=0x16) + NOOP
     + bp(0x00, b"n")),
    ("binary incrq miss without create is reported", bincr(b"n", 1, exp=0xFFFFFFFF, op=0x15) + NOOP),
    ("binary incr with stale cas", bset(b"n", b"1") + bp(0x05, b"n", (1).to_bytes(8, "big") + b"\0" * 12, cas=9)
     + bp(0x00, b"n")),
    ("binary incr empty value", bset(b"n", b"") + bincr(b"n", 1)),
    ("binary incr with short extras", bp(0x05, b"n", b"\0" * 8) + NOOP),
    ("binary incr without key", bp(0x05, b"", b"\0" * 20) + NOOP),
    ("binary decr shrinks value", bset(b"n", b"100") + bincr(b"n", 1, op=0x06) + bp(0x00, b"n")),
    ("binary incr grows value", bset(b"n", b"99", flags=4) + bincr(b"n", 1) + bp(0x00, b"n")),
    ("binary incr initial max", bincr(b"n", 1, initial=(1 << 64) - 1) + bincr(b"n", 1) + bp(0x00, b"n")),
    ("binary incr created item has flags zero", bincr(b"n", 1, initial=7, exp=100) + bp(0x0C, b"n")),
    ("binary incr leading spaces", bset(b"n", b" 5") + bincr(b"n", 1) + bp(0x00, b"n")),
    ("binary incr delta zero", bset(b"n", b"12") + bincr(b"n", 0)),
    ("binary decrq miss creates silently", bincr(b"n", 1, initial=9, op=0x16) + NOOP + bp(0x0C, b"n")),
    # -- quit, flush, noop, version
    ("binary quitq closes silently", bp(0x17) + NOOP),
    ("binary quit with key", bp(0x07, b"k") + NOOP),
    ("binary flushq is silent", bset(b"a", b"1") + bp(0x18) + NOOP + bp(0x00, b"a")),
    ("binary flush with future delay", bset(b"a", b"1") + bp(0x08, extras=(100).to_bytes(4, "big")) + bp(0x00, b"a")),
    ("binary flush with bad extras", bp(0x08, extras=b"\0\0\0") + NOOP),
    ("binary flush with key", bp(0x08, b"k") + NOOP),
    ("binary version", bp(0x0B, opaque=3)),
    ("binary version with extras", bp(0x0B, extras=b"\0\0\0\0") + NOOP),
    ("binary noop with body", bp(0x0A, value=b"x") + NOOP),
    ("binary noops keep opaques", bp(0x0A, opaque=1) + bp(0x0A, opaque=2) + bp(0x0A, opaque=0xFFFFFFFF)),
    # -- stat
    ("binary stat unknown group", bp(0x10, b"bogus", opaque=4)),
    ("binary stat reset", bp(0x10, b"reset", opaque=5)),
    ("binary stat detail without argument", bp(0x10, b"detail") + bp(0x10, b"detail bogus")),
    ("binary stat prefix matches", bp(0x10, b"resetxyz") + bp(0x10, b"items ")),
    ("binary stat sizes", bp(0x10, b"sizes")),
    ("binary stat conns", bp(0x10, b"conns")),
    ("binary stat with extras", bp(0x10, extras=b"\0\0\0\0") + NOOP),
    # -- touch, gat
    ("binary touch miss", bp(0x1C, b"a", (10).to_bytes(4, "big"))),
    ("binary gat miss", bp(0x1D, b"a", (10).to_bytes(4, "big"))),
    ("binary gatk hit and miss", bset(b"a", b"v", flags=2) + bp(0x23, b"a", (10).to_bytes(4, "big"))
     + bp(0x23, b"b", (10).to_bytes(4, "big"))),
    ("binary gatq miss is silent", bp(0x1E, b"a", (10).to_bytes(4, "big")) + NOOP),
    ("binary gatkq hit", bset(b"a", b"v") + bp(0x24, b"a", (10).to_bytes(4, "big")) + NOOP),
    ("binary touch without extras", bset(b"a", b"v") + bp(0x1C, b"a") + NOOP),
    ("binary gat without key", bp(0x1D, b"", (10).to_bytes(4, "big")) + NOOP),
    ("binary touch into the past expires", bset(b"a", b"v") + bp(0x1C, b"a", (1000000000).to_bytes(4, "big"))
     + bp(0x00, b"a")),
    ("binary touch then getk", bset(b"a", b"v", exp=5) + bp(0x1C, b"a", (0).to_bytes(4, "big")) + bp(0x0C, b"a")),
    # -- sasl and verbosity without -S
    ("binary sasl list mechs without sasl", bp(0x20, opaque=2) + NOOP),
    ("binary sasl auth without sasl", bp(0x21, b"PLAIN", value=b"\0u\0p") + NOOP),
    ("binary verbosity is unknown", bp(0x1B) + NOOP),
    # -- unknown opcodes and malformed headers
    ("binary unknown opcode without body", bp(0x50, opaque=1) + NOOP),
    ("binary unknown opcode with extras", bp(0x51, extras=b"\0" * 4) + NOOP + NOOP),
    ("binary unknown opcode with value", bp(0x52, value=b"abcd") + NOOP),
    ("binary key longer than body", bp(0x00, b"abc")[:8] + (1).to_bytes(4, "big") + bp(0x00, b"abc")[12:] + NOOP),
    ("binary extras longer than body", bp(0x01, b"a", b"\0" * 8, b"v")[:8] + (5).to_bytes(4, "big")
     + bp(0x01, b"a", b"\0" * 8, b"v")[12:] + NOOP),
    ("binary response magic as request", bytes([0x81]) + NOOP[1:]),
    ("binary header without its key", bp(0x00, b"abcdef")[:26]),
    ("binary set without all of its value", bset(b"a", b"hello")[:-2]),
    ("binary then text on one connection", bp(0x0A) + b"get a\r\n"),
    ("binary mixed quiet pipeline", bset(b"a", b"1") + bset(b"a", b"2", op=0x11) + bset(b"a", b"3", op=0x12)
     + bset(b"zz", b"4", op=0x13) + bp(0x14, b"a") + bincr(b"n", 1, initial=1, op=0x15) + NOOP + bp(0x0D, b"n")),
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
