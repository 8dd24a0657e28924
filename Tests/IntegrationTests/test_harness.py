"""The harness's own pieces: normalisation and reply reading. With both
servers being memcached, CAS uniques coincide, so normalisation mistakes
would otherwise go unnoticed."""

import socket
import threading

import harness


def test_normalise_value_lines():
    raw = b"VALUE a 3 1 728\r\nx\r\nVALUE b 0 16 9\r\nVALUE c 0 1 5\r\n\r\nEND\r\n"
    assert harness.normalise_text(raw) == (
        b"VALUE a 3 1 <cas>\r\nx\r\nVALUE b 0 16 <cas>\r\nVALUE c 0 1 5\r\n\r\nEND\r\n")
    # a get (no unique) is left alone
    assert harness.normalise_text(b"VALUE a 0 1\r\n1\r\nEND\r\n") == b"VALUE a 0 1\r\n1\r\nEND\r\n"


def test_normalise_meta_and_version():
    assert harness.normalise_text(b"VA 1 c728\r\nx\r\nHD c9 t-1\r\nVERSION 1.6.18\r\n") == \
        b"VA 1 c<cas>\r\nx\r\nHD c<cas> t-1\r\nVERSION <version>\r\n"
    # data that looks like a reply line is not rewritten
    assert harness.normalise_text(b"VA 9 c1\r\nHD c55555\r\n") == b"VA 9 c<cas>\r\nHD c55555\r\n"


def test_normalise_binary_zeroes_cas_only():
    pkt = bytes([0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 7]) + b"\x00" * 7 + b"\x2a" + b"z"
    out = harness.normalise_binary(pkt + pkt)
    assert out == (pkt[:16] + b"\x00" * 8 + b"z") * 2


def test_read_quiet_records_close_and_silence():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(2)
    port = srv.getsockname()[1]

    def serve():
        for reply, close in ((b"hello", True), (b"quiet", False)):
            conn, _ = srv.accept()
            conn.recv(100)
            conn.sendall(reply)
            if close:
                conn.close()
            else:
                threading.Event().wait(0.6)
                conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        assert harness.exchange(port, b"x") == b"hello" + harness.CLOSED
        assert harness.exchange(port, b"x") == b"quiet"
    finally:
        t.join(2)
        srv.close()
