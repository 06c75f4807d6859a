"""Integration tests of bodies as they arrive (no nginx; test_nginx runs the same
checks through nginx): chunked uploads under and over the limit, 413 before the body
with Expect: 100-continue or a huge Content-Length, clients that stall mid-request
while others are served, and bodies cut into pieces anywhere answered exactly as the
same body sent at once.

    /usr/bin/python3 tests/integration/test_streaming.py --bin build/textclf --build build
"""
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402
from common import check  # noqa: E402
import test_http as H  # noqa: E402


def test_payload_limits_raw(port, mb=6):
    limit = mb * H.MiB
    # Expect: 100-continue: the 413 comes before any body byte is sent.
    req = ("POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
           "Content-Length: %d\r\nExpect: 100-continue\r\n\r\n" % (limit + 1)).encode()
    st, _, body = C.parse_raw(C.raw_exchange(port, req))
    check("limits/Expect: 100-continue over the limit -> immediate 413",
          st == 413 and not C.json_error(body, 413), "%d %r" % (st, body[:200]))
    # A Content-Length far over the limit is refused from the headers alone.
    req = ("POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\nabc" % (limit * 100)).encode()
    st, _, body = C.parse_raw(C.raw_exchange(port, req))
    check("limits/huge Content-Length -> 413 without reading the body", st == 413, "%d %r" % (st, body[:200]))
    # Chunked upload without a length: counted as it arrives.
    chunk = b"a" * 65536 + b"\n"
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        s.sendall(b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n")
        sent = 0
        while sent <= limit:
            s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
        s.sendall(b"0\r\n\r\n")
        st, _, body = C.read_response(s)
    except OSError as e:
        st, body = 0, str(e).encode()
    finally:
        s.close()
    check("limits/chunked body over the limit -> 413", st == 413 and not C.json_error(body, 413),
          "%d %r" % (st, body[:200]))
    # Chunked under the limit works and gives one prediction per line.
    body = b"good\nbad\n"
    req = (b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
           b"Accept: application/jsonlines\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
           b"5\r\ngood\n\r\n4\r\nbad\n\r\n0\r\n\r\n")
    st, _, out = C.parse_raw(C.raw_exchange(port, req))
    check("limits/chunked body under the limit", st == 200 and out.count(b"\n") == 2, "%d %r" % (st, out[:200]))


def test_slow_client(port, label="direct"):
    """A client that sends half a request and stalls must not delay others: a server
    thread blocked on it would hold them until its 60 s idle timeout, far beyond the
    10 s these requests wait (no tighter bound: the machine may be loaded)."""
    body = b"a slow but fine movie\n"
    slow = socket.create_connection(("127.0.0.1", port), timeout=30)
    slow2 = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        slow.sendall(b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body[:5]))
        slow2.sendall(b"POST /invocations HTTP/1.1\r\nHo")  # headers cut short
        time.sleep(0.2)  # let both reach the server before the others
        worst = 0.0
        why = ""
        for _ in range(20):
            t0 = time.monotonic()
            try:
                st, _, _ = C.invoke(port, "quick one", "text/plain", timeout=10)
            except OSError as e:
                st = repr(e)
            worst = max(worst, time.monotonic() - t0)
            why = why or ("" if st == 200 else "got %s" % st)
        check("slow client/%s others served meanwhile (worst %.1f ms)" % (label, worst * 1000),
              not why, why)
        slow.sendall(body[5:])
        st, _, out = C.read_response(slow)
        check("slow client/%s its own request completes" % label, st == 200 and b"predictions" in out,
              "%d %r" % (st, out[:200]))
    finally:
        slow.close()
        slow2.close()


def send_in_slices(port, head, body, cuts, chunked):
    """POSTs body to /invocations over one connection, each slice its own write with a
    pause after it (TCP_NODELAY), so the daemon receives the body in those pieces;
    returns (status, headers, body) of the response."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        te = b"Transfer-Encoding: chunked\r\n" if chunked else b"Content-Length: %d\r\n" % len(body)
        s.sendall(b"POST /invocations HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + head + te + b"\r\n")
        prev = 0
        for cut in list(cuts) + [len(body)]:
            piece = body[prev:cut]
            prev = cut
            if not piece:
                continue
            s.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            time.sleep(0.002)
        if chunked:
            s.sendall(b"0\r\n\r\n")
        return C.read_response(s)
    finally:
        s.close()


def test_streamed_uploads(port, label="direct"):
    """Bodies that arrive in pieces (the daemon predicts each record as it completes)
    answer exactly what the same body sent at once answers: pieces that end inside a
    multi-byte character, between \\r and \\n, inside a quoted CSV field, and errors
    whose positions must count from the start of the whole body."""
    text = "\r\n".join(H.TEXTS + [t.upper() for t in H.TEXTS]) + "\r\n"
    csv_body = "".join('"%s",%d\n' % (t.replace('"', '""') + "\nsecond line", i) for i, t in enumerate(H.TEXTS))
    cases = [
        ("text", b"Content-Type: text/plain\r\n", text.encode()),
        ("csv", b"Content-Type: text/csv\r\n", csv_body.encode()),
        ("jsonlines", b"Content-Type: application/jsonlines\r\n",
         ("\n".join(json.dumps({"text": t}) for t in H.TEXTS) + "\n").encode()),
        ("json", b"Content-Type: application/json\r\n", json.dumps({"instances": H.TEXTS}).encode()),
        ("bad UTF-8 in line 6", b"Content-Type: text/plain\r\n",
         text.encode().replace(b"I didn", b"I did\xffn")),
        ("CSV error in record 4", b"Content-Type: text/csv\r\n",
         csv_body.encode().replace(b'predictable\nsecond line"', b'predictable\nsecond line"x')),
    ]
    for name, head, body in cases:
        ctype = head.split(b":", 1)[1].strip().decode()
        st0, _, want = C.invoke(port, body, ctype, "application/jsonlines")
        # cut everywhere a record, character or line end could be split
        cuts = sorted({i for i in range(1, len(body)) if body[i] >= 0x80 or body[i - 1:i + 1] in (b"\r\n", b'"\n')} |
                      set(range(7, len(body), 13)))
        for chunked in (False, True):
            st, _, got = send_in_slices(port, head + b"Accept: application/jsonlines\r\n", body, cuts,
                                        chunked)
            check("streamed/%s %s in %d pieces (%s) = sent at once (%d)" % (
                      label, name, len(cuts) + 1, "chunked" if chunked else "Content-Length", st0),
                  st == st0 and got == want and (st == 200) == ("error" not in name and "bad" not in name),
                  "%d %r, at once %d %r" % (st, got[:300], st0, want[:300]))
    st, _, got = send_in_slices(port, b"Content-Type: text/plain\r\n", b"fine\r\nfine\r\nbad \xff\r\n", [3, 9, 15], True)
    check("streamed/%s error names the byte and line in the whole body" % label,
          st == 400 and b"invalid UTF-8 at byte 16 (line 3)" in got, "%d %r" % (st, got[:300]))



def tests(args, model, tmp):
    proc, port, _ = C.start_daemon(args.bin, model, extra=["--threads", "2"])
    try:
        test_payload_limits_raw(port)
        test_slow_client(port)
        test_streamed_uploads(port)
        check("daemon alive after all tests", proc.alive(), proc.stderr()[-300:])
    finally:
        rc = proc.stop()
        check("daemon exits 0 on SIGTERM", rc == 0, "exit %r" % rc)
        proc.cleanup()


def main():
    C.run_main("textclf-streaming-", tests)


if __name__ == "__main__":
    main()
