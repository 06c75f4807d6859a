"""Integration tests of `textclf serve` on its own (no nginx): the real daemon on a
loopback port chosen at runtime, real sockets, every bullet of the HTTP contract.

    /usr/bin/python3 tests/integration/test_http.py --bin build/textclf --build build
"""
import csv
import http.client
import io
import json
import os
import random
import signal
import socket
import sys
import tempfile
import threading
import time
import shutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402
from common import check  # noqa: E402

MiB = 1024 * 1024

TEXTS = [
    "a wonderful, moving film with great acting",
    "dull, lifeless and far too long",
    "",
    'the plot "twists" were, frankly, predictable',
    "café crème brûlée — naïve but charming 😀",
    "I didn't like it. Not at all!",
    "  leading and trailing spaces  ",
    "MIXED Case Words And NUMBERS 123",
]


def data_texts(n):
    """Up to n real sentences from $TEXTCLF_DATA (never committed), else synthetic ones."""
    root = os.environ.get("TEXTCLF_DATA", os.path.join(C.REPO, "..", "shared", "data"))
    if not os.path.isabs(root):
        root = os.path.join(C.REPO, root)
    path = os.path.join(root, "sst2", "dev.tsv")
    out = []
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as f:
            next(f)
            for line in f:
                parts = line.rstrip("\n").split("\t", 1)
                if len(parts) == 2 and "\r" not in parts[1]:
                    out.append(parts[1])
                if len(out) >= n:
                    break
    else:
        print("(no SST-2 data under %s: using synthetic sentences)" % root)
    rnd = random.Random(7)
    words = ["good", "bad", "great", "awful", "movie", "plot", "boring", "fun", "acting", "not"]
    while len(out) < n:
        out.append(" ".join(rnd.choice(words) for _ in range(rnd.randint(1, 12))))
    return out


def csv_quote(t):
    return '"' + t.replace('"', '""') + '"'


REQUEST_BUILDERS = [
    ("text/plain", "text/plain", lambda ts: "".join(t + "\n" for t in ts)),
    ("text/plain charset", "text/plain; charset=utf-8", lambda ts: "\n".join(ts)),
    ("text/plain CRLF", "text/plain", lambda ts: "".join(t + "\r\n" for t in ts)),
    ("no Content-Type", None, lambda ts: "".join(t + "\n" for t in ts)),
    ("form-urlencoded", "application/x-www-form-urlencoded", lambda ts: "\n".join(ts) + "\n"),
    ("csv", "text/csv", lambda ts: "".join(csv_quote(t) + ",%d\r\n" % i for i, t in enumerate(ts))),
    ("csv charset", "text/csv; charset=UTF-8", lambda ts: "".join(
        (csv_quote(t) if ('"' in t or "," in t or t == "") else t) + "\n" for t in ts)),
    ("json instances", "application/json", lambda ts: json.dumps({"instances": ts})),
    ("json inputs", "application/json", lambda ts: json.dumps({"inputs": [{"text": t} for t in ts]})),
    ("json array", "application/json; charset=utf-8", lambda ts: json.dumps(ts, ensure_ascii=False)),
    ("jsonlines", "application/jsonlines", lambda ts: "".join(
        json.dumps(t if i % 2 else {"text": t}) + "\n" for i, t in enumerate(ts))),
]

ACCEPTS = [
    (None, "json", "application/json"),
    ("*/*", "json", "application/json"),
    ("application/json", "json", "application/json"),
    ("application/jsonlines", "jsonlines", "application/jsonlines"),
    ("text/csv", "csv", "text/csv"),
    ("text/html;q=0.9, text/csv;q=0.8, application/json;q=0.5", "csv", "text/csv"),
    ("application/json;q=0, */*;q=0.1", "jsonlines", "application/jsonlines"),
]


def compare(name, body, fmt, expected, classes, key):
    try:
        got = C.parse_output(body, fmt, classes, key)
    except (ValueError, KeyError, IndexError) as e:
        return check(name, False, "cannot parse %r: %s" % (body[:200], e))
    if len(got) != len(expected):
        return check(name, False, "%d predictions for %d records" % (len(got), len(expected)))
    tol = 0 if fmt != "csv" else 1e-15
    for i, (g, w) in enumerate(zip(got, expected)):
        why = C.same_prediction(g, w, tol=max(tol, 1e-12))
        if why:
            return check(name, False, "record %d: %s" % (i, why))
    return check(name, True)


def test_formats(port, expected, classes, key):
    for rname, ctype, build in REQUEST_BUILDERS:
        body = build(TEXTS)
        for acc, fmt, mime in ACCEPTS:
            name = "formats/%s -> %s" % (rname, acc or "(no Accept)")
            st, hdr, data = C.invoke(port, body, ctype, acc)
            if not check(name + " status", st == 200, "status %d: %r" % (st, data[:300])):
                continue
            check(name + " content-type", hdr.get("content-type") == mime,
                  "Content-Type %r" % hdr.get("content-type"))
            compare(name + " predictions in order", data, fmt, expected, classes, key)
    # Single-record JSON shapes.
    for shape, body in [("object text", json.dumps({"text": TEXTS[0]})),
                        ("bare string", json.dumps(TEXTS[0])),
                        ("instances objects", json.dumps({"instances": [{"text": TEXTS[0], "id": 3}]}))]:
        st, _, data = C.invoke(port, body, "application/json")
        ok = st == 200
        if ok:
            preds = json.loads(data)["predictions"]
            why = "%d predictions" % len(preds) if len(preds) != 1 else C.same_prediction(preds[0], expected[0])
            ok = not why
        else:
            why = "status %d %r" % (st, data[:200])
        check("formats/json %s" % shape, ok, why)


def test_text_lines(port, predict):
    st, _, data = C.invoke(port, "good\n", "text/plain", "application/jsonlines")
    check("text/final newline adds no record", st == 200 and data.count(b"\n") == 1, repr(data[:200]))
    st, _, data = C.invoke(port, "good\n\nbad\n", "text/plain", "application/jsonlines")
    lines = data.decode().splitlines() if st == 200 else []
    want = predict(["good", "", "bad"])
    ok = len(lines) == 3 and all(not C.same_prediction(json.loads(g), w) for g, w in zip(lines, want))
    check("text/empty middle line is a record", ok, repr(data[:300]))
    st, _, data = C.invoke(port, "x=1&y=%41+b", "application/x-www-form-urlencoded", "application/jsonlines")
    ok = st == 200 and not C.same_prediction(json.loads(data), predict(["x=1&y=%41+b"])[0])
    check("text/form body is not URL-decoded", ok, repr(data[:200]))


def test_csv_quoting(port, predict):
    texts = ['he said "hi", then left', "line one\nline two", "plain", ""]
    body = "".join(csv_quote(t) + ',x,"y, z"\n' for t in texts)
    st, _, data = C.invoke(port, body, "text/csv", "application/jsonlines")
    why = "" if st == 200 else "status %d %r" % (st, data[:200])
    if not why:
        got = [json.loads(line) for line in data.decode().splitlines()]
        # The line-based CLI cannot take a text with a newline: that record is compared
        # with the same text sent as JSON; the others with `textclf predict`.
        st2, _, d2 = C.invoke(port, json.dumps([texts[1]]), "application/json", "application/jsonlines")
        ref1 = json.loads(d2) if st2 == 200 else {}
        w = predict([texts[0], texts[2], texts[3]])
        if len(got) != 4:
            why = "%d predictions for 4 records" % len(got)
        else:
            why = (C.same_prediction(got[0], w[0]) or C.same_prediction(got[1], ref1) or
                   C.same_prediction(got[2], w[1]) or C.same_prediction(got[3], w[2]))
    check("csv/RFC 4180 quotes, doubled quotes, commas and newlines in quotes", not why, why)
    st, _, data = C.invoke(port, 'ok\n"never closed\n', "text/csv")
    check("csv/unterminated quote is 400", st == 400 and not C.json_error(data, 400), "%d %r" % (st, data[:200]))


_MODEL_DIR = [None]


def vocab_words(pred, n):
    """Up to n single-word terms of the served model's vocabulary satisfying pred."""
    path = os.path.join(_MODEL_DIR[0] or "", "vocab.tsv")
    out = []
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as f:
            next(f)
            for line in f:
                term = line.rstrip("\n").split("\t", 1)[-1]
                if " " not in term and pred(term):
                    out.append(term)
                    if len(out) >= n:
                        break
    return out


def test_decoding_differential(port, predict):
    """Random texts encoded by Python's json and csv modules (escapes, \\uXXXX, surrogate
    pairs, quotes, commas) must decode to the same texts: compared through the
    predictions of `textclf predict` on the original strings."""
    rnd = random.Random(11)
    words = ["good", "bad", "great", "awful", "boring", "wonderful", "not", "fun", "dull", "best"]
    # Vocabulary terms with non-ASCII letters: a mis-decoded escape turns them into
    # unknown tokens and changes the prediction.
    words += vocab_words(lambda w: any(ord(ch) > 127 for ch in w), 40)
    seps = [" ", ", ", "\"", "'", "\\", "/", "\t", " \x01 ", " \x1f ", "\u2028", " 😀 ", " 𝒜 ", ";", " \"\" "]
    texts = []
    for _ in range(150):
        parts = []
        for _ in range(rnd.randint(0, 12)):
            parts.append(rnd.choice(words))
            parts.append(rnd.choice(seps))
        texts.append("".join(parts))
    want = predict(texts)
    bodies = [
        ("json ensure_ascii", "application/json", json.dumps({"instances": texts})),
        ("json utf-8", "application/json", json.dumps(texts, ensure_ascii=False)),
        ("jsonlines", "application/jsonlines",
         "".join(json.dumps({"text": t}, ensure_ascii=bool(i % 2)) + "\n" for i, t in enumerate(texts))),
    ]
    for quoting in (csv.QUOTE_MINIMAL, csv.QUOTE_ALL):
        buf = io.StringIO()
        w = csv.writer(buf, quoting=quoting, lineterminator="\r\n")
        for i, t in enumerate(texts):
            w.writerow([t, i])
        bodies.append(("csv quoting=%d" % quoting, "text/csv", buf.getvalue()))
    for name, ct, body in bodies:
        st, _, data = C.invoke(port, body, ct, "application/jsonlines")
        why = "" if st == 200 else "status %d %r" % (st, data[:200])
        if not why:
            got = [json.loads(line) for line in data.decode().splitlines()]
            why = "" if len(got) == len(texts) else "%d predictions" % len(got)
            for i, (g, w_) in enumerate(zip(got, want)):
                why = why or (C.same_prediction(g, w_) and "text %d %r: %s" % (i, texts[i], C.same_prediction(g, w_)))
        check("decoding/%s of 150 random texts matches Python's encoder" % name, not why, why)


def test_labels_csv_output(binary, tmp):
    """CSV output quotes labels with commas and quotes (a model with such class names)."""
    try:
        model = C.export_tiny_model(os.path.join(tmp, "odd-labels"), classes=('neg, "really"', "pos"))
    except Exception as e:  # sklearn missing: the check cannot run here
        check("csv/label quoting", False, "cannot export a model: %s" % e)
        return
    proc, port, _ = C.start_daemon(binary, model)
    try:
        texts = ["good fun", "bad boring"]
        st, _, data = C.invoke(port, "\n".join(texts), "text/plain", "text/csv")
        want = C.predict_cli(binary, model, texts)
        rows = list(csv.reader(io.StringIO(data.decode(), newline=""))) if st == 200 else []
        why = "" if len(rows) == 2 else "status %d rows %r" % (st, data[:300])
        for row, w in zip(rows, want):
            names = list(w["probabilities"].keys())
            g = {"label": row[0], "probabilities": {n: float(v) for n, v in zip(names, row[1:])}}
            why = why or C.same_prediction(g, w) or ("" if len(row) == 3 else "row %r" % row)
        check("csv/labels with commas and quotes are quoted", not why and b'"neg, ""really"""' in data, why or repr(data))
    finally:
        proc.cleanup()


def test_errors(port):
    cases = [
        ("empty body", b"", "text/plain", None, 400),
        ("empty JSON", b"", "application/json", None, 400),
        ("malformed JSON", b'{"instances": ["a",', "application/json", None, 400),
        ("wrong JSON shape", b'{"foo": ["a"]}', "application/json", None, 400),
        ("JSON number", b"42", "application/json", None, 400),
        ("instances of numbers", b'{"instances": [1, 2]}', "application/json", None, 400),
        ("bad JSON Lines", b'"a"\n{"text": 1}\n', "application/jsonlines", None, 400),
        ("invalid UTF-8", b"good \xff\xfe movie", "text/plain", None, 400),
        ("invalid UTF-8 in JSON", b'["\xc0\xaf"]', "application/json", None, 400),
        ("lone surrogate", b'["\\ud800"]', "application/json", None, 400),
        ("malformed CSV", b'"a"b,c\n', "text/csv", None, 400),
        ("unsupported type", b"x", "application/x-npy", None, 415),
        ("unsupported charset", b"x", "text/plain; charset=iso-8859-1", None, 415),
        ("unacceptable Accept", b"x", "text/plain", "text/html", 406),
        ("Accept q=0 only", b"x", "text/plain", "application/json;q=0", 406),
    ]
    for name, body, ct, acc, want in cases:
        st, hdr, data = C.invoke(port, body, ct, acc)
        why = "status %d, expected %d: %r" % (st, want, data[:200]) if st != want else C.json_error(data, want)
        why = why or ("" if hdr.get("content-type") == "application/json" else "Content-Type %r" % hdr.get("content-type"))
        check("errors/%s -> %d" % (name, want), not why, why)
    for method, path, allow in [("GET", "/invocations", "POST"), ("PUT", "/invocations", "POST"),
                                ("POST", "/ping", "GET, HEAD"), ("DELETE", "/execution-parameters", "GET, HEAD")]:
        st, hdr, data = C.request(port, method, path, body=b"x" if method in ("POST", "PUT") else None)
        why = "status %d" % st if st != 405 else C.json_error(data, 405)
        why = why or ("" if hdr.get("allow") == allow else "Allow %r, expected %r" % (hdr.get("allow"), allow))
        check("errors/%s %s -> 405 with Allow" % (method, path), not why, why)
    for path in ["/", "/nope", "/invocations/x", "/ping2"]:
        st, hdr, data = C.request(port, "GET", path)
        why = "status %d" % st if st != 404 else C.json_error(data, 404)
        check("errors/GET %s -> 404" % path, not why, why)
    # The daemon keeps serving after all of that.
    st, _, _ = C.request(port, "GET", "/ping")
    check("errors/still serving after bad requests", st == 200, "ping %d" % st)


def test_ping_and_params(port, threads, payload_mb=6):
    st, hdr, data = C.request(port, "GET", "/ping")
    check("ping/200 with empty body", st == 200 and data == b"", "%d %r" % (st, data))
    st, hdr, data = C.request(port, "HEAD", "/ping")
    check("ping/HEAD 200", st == 200, "%d" % st)
    st, hdr, data = C.request(port, "GET", "/execution-parameters")
    try:
        j = json.loads(data)
    except ValueError:
        j = None
    want = {"MaxConcurrentTransforms": threads, "BatchStrategy": "MULTI_RECORD", "MaxPayloadInMB": payload_mb}
    check("execution-parameters", st == 200 and j == want and hdr.get("content-type") == "application/json",
          "%d %r, expected %r" % (st, data, want))


def test_custom_attributes(port):
    attrs = "trace-id=abc123,tfs-model-name=x;v=1"
    h = {"X-Amzn-SageMaker-Custom-Attributes": attrs}
    st, hdr, _ = C.invoke(port, "good", "text/plain", extra=h)
    check("custom attributes echoed on 200", st == 200 and
          hdr.get("x-amzn-sagemaker-custom-attributes") == attrs, "%d %r" % (st, hdr))
    st, hdr, _ = C.invoke(port, "x", "image/png", extra=h)
    check("custom attributes echoed on errors", st == 415 and
          hdr.get("x-amzn-sagemaker-custom-attributes") == attrs, "%d %r" % (st, hdr))
    st, hdr, _ = C.invoke(port, "good", "text/plain")
    check("no custom attributes header when none sent",
          "x-amzn-sagemaker-custom-attributes" not in hdr, repr(hdr))


def big_body(size, line_len=100):
    """A text/plain body of exactly `size` bytes: lines of line_len bytes."""
    line = ("great movie, truly a wonderful and moving film; " * 4)[: line_len - 1] + "\n"
    n = size // len(line)
    body = line * n
    rest = size - len(body)
    if rest:
        body += "x" * rest
    return body.encode(), n + (1 if rest else 0)


def test_payload_limits(port, mb=6, label="direct"):
    limit = mb * MiB
    body, n = big_body(limit)
    t0 = time.monotonic()
    st, _, data = C.invoke(port, body, "text/plain", "application/jsonlines", timeout=120)
    dt = time.monotonic() - t0
    check("limits/%s %d MiB body accepted (%d records, %.2f s)" % (label, mb, n, dt),
          st == 200 and data.count(b"\n") == n, "status %d, %d lines" % (st, data.count(b"\n")))
    body += b"y"
    try:
        st, _, data = C.invoke(port, body, "text/plain", timeout=120)
        why = "status %d" % st if st != 413 else C.json_error(data, 413)
    except OSError as e:
        why = "connection error instead of a 413: %s" % e
    check("limits/%s %d MiB + 1 byte refused with 413" % (label, mb), not why, why)


def test_payload_limits_raw(port, mb=6):
    limit = mb * MiB
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


def rss_kb(pid, field="VmRSS"):
    """A memory figure of /proc/PID/status in KiB (VmRSS, RssAnon, ...); 0 if absent."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def test_memory_returned(proc, port, rss0, binary):
    """Large requests do not pin memory: after several concurrent 6 MiB requests the RSS
    is back within 16 MiB of where it was (skipped for sanitizer builds, whose
    allocator keeps freed memory on purpose)."""
    if "asan" in binary or "san/" in binary:
        print("(memory check skipped for a sanitizer build)")
        return
    item = 'caf\u00e9 "quoted" and a great movie'
    n = int(6 * MiB * 0.97 / len(json.dumps(item) + ", "))
    body = json.dumps({"instances": [item] * n}).encode()
    errors = []

    def one():
        st, _, _ = C.invoke(port, body, "application/json", timeout=120)
        if st != 200:
            errors.append(st)

    ts = [threading.Thread(target=one) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    rss1 = rss_kb(proc.p.pid)
    check("memory/RSS after 4 concurrent %.1f MiB JSON requests: %d -> %d KiB" % (len(body) / MiB, rss0, rss1),
          not errors and rss1 - rss0 <= 16 * 1024, "errors %r, grew %d KiB" % (errors, rss1 - rss0))


def test_idle_trim(binary, model):
    """After a burst of mid-sized requests (100-line bodies of ~130 KiB, below the mmap
    threshold, so their buffers come from the server threads' malloc arenas) from 64
    kept-alive clients, the idle daemon gives the memory back: its anonymous RSS is
    within 640 KiB of where it was before the burst (without the idle trim ~1.3 MiB
    stays; more under heavier load)."""
    if "asan" in binary or "san/" in binary:
        print("(idle trim check skipped for a sanitizer build)")
        return
    proc, port, _ = C.start_daemon(binary, model, extra=["--threads", "2"])
    try:
        rnd = random.Random(7)
        words = ["film", "movie", "great", "bad", "acting", "plot", "boring", "wonderful",
                 "the", "a", "and", "of", "cast", "story", "director", "scene", "ending"]
        lines = [" ".join(rnd.choice(words) + ("" if rnd.random() < 0.8 else str(rnd.randrange(1000)))
                          for _ in range(220)) for _ in range(100)]
        body = ("\n".join(lines) + "\n").encode()
        for _ in range(5):
            C.invoke(port, body[:2000], "text/plain")
        anon0 = rss_kb(proc.p.pid, "RssAnon")
        errors = []

        def client():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                for _ in range(15):
                    conn.request("POST", "/invocations", body, {"Content-Type": "text/plain"})
                    r = conn.getresponse()
                    r.read()
                    if r.status != 200:
                        errors.append(r.status)
            except OSError as e:
                errors.append(repr(e))
            finally:
                conn.close()

        peak = [anon0]
        sampling = threading.Event()

        def sample():
            while not sampling.is_set():
                peak[0] = max(peak[0], rss_kb(proc.p.pid, "RssAnon"))
                time.sleep(0.005)

        sampler = threading.Thread(target=sample)
        sampler.start()
        ts = [threading.Thread(target=client) for _ in range(64)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(120)
        sampling.set()
        sampler.join()
        # 64 bodies in flight are 64 x 130 KiB = 8.3 MiB; the daemon predicts each
        # record as it arrives and holds none of them (what grows: a 16 KiB read buffer
        # per connection, the encoded responses, a partial record each).
        check("memory/peak anonymous RSS during the burst: %d -> %d KiB (bodies in flight: %d KiB)"
              % (anon0, peak[0], 64 * len(body) // 1024),
              not errors and peak[0] - anon0 <= 4096,
              "errors %r, grew %d KiB" % (errors[:3], peak[0] - anon0))
        anon_busy = rss_kb(proc.p.pid, "RssAnon")
        deadline = time.time() + 1.0
        anon1 = anon_busy
        while time.time() < deadline and anon1 - anon0 > 640:
            time.sleep(0.05)
            anon1 = rss_kb(proc.p.pid, "RssAnon")
        check("memory/idle trim after 64 clients x 15 requests of %d KiB: anonymous RSS %d -> %d -> %d KiB"
              % (len(body) // 1024, anon0, anon_busy, anon1),
              not errors and anon1 - anon0 <= 640,
              "errors %r, still %d KiB above the start 1 s after the burst" % (errors[:3], anon1 - anon0))
    finally:
        proc.cleanup()


def test_concurrency(port, binary, model, label="direct", clients=64, per_client=15):
    texts = data_texts(300)
    expected = C.predict_cli(binary, model, texts)
    errors = []
    lock = threading.Lock()

    def client(k):
        rnd = random.Random(k)
        conn = C.http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            for _ in range(per_client):
                idx = rnd.sample(range(len(texts)), rnd.randint(1, 5))
                body = json.dumps({"instances": [texts[i] for i in idx]})
                st, _, data = C.invoke(port, body, "application/json", conn=conn)
                if st != 200:
                    raise RuntimeError("status %d %r" % (st, data[:200]))
                preds = json.loads(data)["predictions"]
                if len(preds) != len(idx):
                    raise RuntimeError("%d predictions for %d" % (len(preds), len(idx)))
                for p, i in zip(preds, idx):
                    why = C.same_prediction(p, expected[i])
                    if why:
                        raise RuntimeError("text %d: %s" % (i, why))
        except Exception as e:  # reported below
            with lock:
                errors.append("client %d: %s" % (k, e))
        finally:
            conn.close()

    t0 = time.monotonic()
    ts = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    dt = time.monotonic() - t0
    check("concurrency/%s %d clients x %d requests all correct (%.2f s)" % (label, clients, per_client, dt),
          not errors and not any(t.is_alive() for t in ts), "; ".join(errors[:3]))


def test_slow_client(port, label="direct"):
    """A client that sends half a request and stalls must not delay others."""
    body = b"a slow but fine movie\n"
    slow = socket.create_connection(("127.0.0.1", port), timeout=30)
    slow2 = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        slow.sendall(b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body[:5]))
        slow2.sendall(b"POST /invocations HTTP/1.1\r\nHo")  # headers cut short
        time.sleep(0.2)
        worst = 0.0
        ok = True
        for _ in range(20):
            t0 = time.monotonic()
            st, _, _ = C.invoke(port, "quick one", "text/plain", timeout=5)
            worst = max(worst, time.monotonic() - t0)
            ok = ok and st == 200
        check("slow client/%s others served meanwhile (worst %.1f ms)" % (label, worst * 1000),
              ok and worst < 1.0, "ok=%s worst %.3f s" % (ok, worst))
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
    text = "\r\n".join(TEXTS + [t.upper() for t in TEXTS]) + "\r\n"
    csv_body = "".join('"%s",%d\n' % (t.replace('"', '""') + "\nsecond line", i) for i, t in enumerate(TEXTS))
    cases = [
        ("text", b"Content-Type: text/plain\r\n", text.encode()),
        ("csv", b"Content-Type: text/csv\r\n", csv_body.encode()),
        ("jsonlines", b"Content-Type: application/jsonlines\r\n",
         ("\n".join(json.dumps({"text": t}) for t in TEXTS) + "\n").encode()),
        ("json", b"Content-Type: application/json\r\n", json.dumps({"instances": TEXTS}).encode()),
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


def test_sigterm_during_request(binary, model):
    proc, port, _ = C.start_daemon(binary, model)
    body, n = big_body(4 * MiB)
    # Blocks until the response is read (socket timeout 60 s); signals proc midway.
    result = C.upload_and_signal(port, body, proc)
    rc = proc.wait(30)
    st, _, out = result.get("resp", (0, {}, b""))
    check("sigterm/request in flight completes", st == 200 and out.count(b"\n") == n,
          "status %d, %d lines, err %s" % (st, out.count(b"\n"), result.get("err")))
    check("sigterm/exit status 0", rc == 0, "exit %r; stderr %s" % (rc, proc.stderr()[-500:]))
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        refused = False
    except OSError:
        refused = True
    check("sigterm/port closed after exit", refused, "still accepting")
    proc.cleanup()

    # SIGINT on an idle daemon: quick clean exit.
    proc, port, _ = C.start_daemon(binary, model)
    C.request(port, "GET", "/ping")
    t0 = time.monotonic()
    proc.signal(signal.SIGINT)
    rc = proc.wait(10)
    check("sigint/idle daemon exits 0 quickly (%.0f ms)" % ((time.monotonic() - t0) * 1000),
          rc == 0 and time.monotonic() - t0 < 5, "exit %r" % rc)
    proc.cleanup()


def test_access_log(proc, port):
    marker = "zq%dsecretbodymarker" % os.getpid()
    C.invoke(port, marker + "\n" + marker, "text/plain", extra={"X-Amzn-SageMaker-Custom-Attributes": marker})
    C.raw_exchange(port, b'GET /a"b\\c\xff\x7f HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    time.sleep(0.4)  # the log is flushed every ~100 ms
    lines = [l for l in proc.stdout().splitlines() if l.strip()]
    parsed, bad = [], []
    for l in lines:
        try:
            parsed.append(json.loads(l))
        except ValueError:
            bad.append(l)
    check("access log/every line is JSON", lines and not bad, "bad lines %r" % bad[:2])
    fields = {"method", "path", "status", "records", "bytes_in", "bytes_out", "latency_us", "time"}
    inv = [p for p in parsed if p.get("path") == "/invocations" and p.get("records") == 2 and
           p.get("bytes_in") == 2 * len(marker) + 1]
    check("access log/one line per request with method, path, status, records, bytes, latency",
          inv and fields <= set(inv[-1]) and inv[-1]["status"] == 200 and inv[-1]["bytes_out"] > 0,
          "no matching line among %d: %r" % (len(parsed), parsed[-3:]))
    check("access log/request bodies never logged", marker not in proc.stdout(), "marker found")


def consecutive_free_ports():
    """Two free ports p, p+1."""
    for _ in range(50):
        p, = C.free_ports(1)
        try:
            s1, s2 = socket.socket(), socket.socket()
            s1.bind(("127.0.0.1", p))
            s2.bind(("127.0.0.1", p + 1))
            s1.close()
            s2.close()
            return p
        except OSError:
            s1.close()
            s2.close()
    raise RuntimeError("no two consecutive free ports")


def test_env_config(binary, model):
    nginx_port, port = C.free_ports(2)
    env = {"SAGEMAKER_BIND_TO_PORT": str(nginx_port), "SM_MODEL_DIR": model,
           "SAGEMAKER_MAX_PAYLOAD_IN_MB": "1", "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "text/csv",
           "SAGEMAKER_MAX_CONCURRENT_TRANSFORMS": "7", "SAGEMAKER_BATCH_STRATEGY": "SINGLE_RECORD",
           "SAGEMAKER_SAFE_PORT_RANGE": "%d-%d" % (port, port)}
    try:
        proc, bound, _ = C.start_daemon(binary, None, env=env, port=None)
    except RuntimeError as e:
        check("env/daemon starts from environment only", False, str(e))
        return
    try:
        check("env/daemon port = bottom of SAGEMAKER_SAFE_PORT_RANGE", bound == port,
              "bound %d, wanted %d" % (bound, port))
        st, _, data = C.request(port, "GET", "/execution-parameters")
        want = {"MaxConcurrentTransforms": 7, "BatchStrategy": "SINGLE_RECORD", "MaxPayloadInMB": 1}
        check("env/execution-parameters from SAGEMAKER_* variables", st == 200 and json.loads(data) == want, repr(data))
        st, hdr, data = C.invoke(port, "good", "text/plain")
        check("env/SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT=text/csv for a missing Accept",
              st == 200 and hdr.get("content-type") == "text/csv", "%d %r" % (st, hdr.get("content-type")))
        st, hdr, data = C.invoke(port, "good", "text/plain", "*/*")
        check("env/default Accept also for */*", hdr.get("content-type") == "text/csv", repr(hdr.get("content-type")))
        test_payload_limits(port, mb=1, label="env SAGEMAKER_MAX_PAYLOAD_IN_MB=1:")
    finally:
        proc.cleanup()
    # The bottom of the range is nginx's port: the daemon takes the next one.
    p = consecutive_free_ports()
    try:
        proc, bound, _ = C.start_daemon(binary, model, port=None, env={
            "SAGEMAKER_BIND_TO_PORT": str(p), "SAGEMAKER_SAFE_PORT_RANGE": "%d-%d" % (p, p + 1)})
        check("env/daemon skips SAGEMAKER_BIND_TO_PORT in the safe range", bound == p + 1,
              "bound %d, wanted %d" % (bound, p + 1))
        proc.cleanup()
    except RuntimeError as e:
        check("env/daemon skips SAGEMAKER_BIND_TO_PORT in the safe range", False, str(e))
    # Flags beat the environment.
    env2 = dict(env, SAGEMAKER_SAFE_PORT_RANGE="1-1")  # --port 0 wins over it
    try:
        proc, bound, _ = C.start_daemon(binary, model, extra=["--max-payload-mb", "2", "--threads", "3"],
                                        env=dict(env2, SAGEMAKER_MAX_CONCURRENT_TRANSFORMS=""))
        st, _, data = C.request(bound, "GET", "/execution-parameters")
        j = json.loads(data)
        check("env/flags override environment", j["MaxPayloadInMB"] == 2 and j["MaxConcurrentTransforms"] == 3,
              repr(j))
        proc.cleanup()
    except RuntimeError as e:
        check("env/flags override environment", False, str(e))
    # Bad values name their source and exit non-zero before binding.
    for var, val in [("SAGEMAKER_MAX_PAYLOAD_IN_MB", "lots"), ("SAGEMAKER_BIND_TO_PORT", "70000"),
                     ("SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT", "text/html"),
                     ("SAGEMAKER_SAFE_PORT_RANGE", "9000"), ("SAGEMAKER_SAFE_PORT_RANGE", "8080-8080"),
                     ("SAGEMAKER_BATCH_STRATEGY", "SOMETIMES")]:
        p = C.Proc([binary, "serve", "--model-dir", model], env={var: val})
        rc = p.wait(20)
        err = p.stderr()
        p.cleanup()
        check("env/bad %s=%s exits non-zero naming it" % (var, val), rc not in (0, None) and var in err,
              "exit %r: %s" % (rc, err[-300:]))


def test_bad_model(binary, model, tmp):
    cases = []
    missing = os.path.join(tmp, "does-not-exist")
    cases.append(("missing model dir", missing, missing))
    empty = os.path.join(tmp, "empty-model")
    os.makedirs(empty, exist_ok=True)
    cases.append(("empty model dir", empty, empty))
    broken = os.path.join(tmp, "broken-model")
    shutil.copytree(model, broken)
    with open(os.path.join(broken, "manifest.json")) as f:
        manifest = json.load(f)
    victim = "vocab.tsv" if os.path.exists(os.path.join(broken, "vocab.tsv")) else sorted(manifest["files"])[0]
    with open(os.path.join(broken, victim), "r+b") as f:
        f.seek(10)
        b = f.read(1)
        f.seek(10)
        f.write(bytes([b[0] ^ 0x01]))
    cases.append(("corrupted %s" % victim, broken, victim))
    for name, d, needle in cases:
        port, = C.free_ports(1)
        p = C.Proc([binary, "serve", "--model-dir", d, "--host", "127.0.0.1", "--port", str(port)])
        rc = p.wait(30)
        err = p.stderr()
        p.cleanup()
        check("bad model/%s: exits non-zero naming %s" % (name, needle),
              rc not in (0, None) and needle in err, "exit %r: %s" % (rc, err[-400:]))


def test_reload(binary, model, tmp):
    """SIGHUP reloads the model directory: requests keep being answered throughout (none
    fails), a request already running finishes on the model it began with, a model
    that does not load is refused with its file named while the old one keeps serving,
    and the replaced models are freed."""
    other = C.export_tiny_model(os.path.join(tmp, "reload-other"), classes=("dull", "lively"))
    broken = os.path.join(tmp, "reload-broken")
    shutil.copytree(other, broken)
    with open(os.path.join(broken, "vocab.tsv"), "r+b") as f:
        f.seek(-3, os.SEEK_END)
        f.write(b"\t\t\n")
    live = os.path.join(tmp, "reload-live")

    def point(target):
        """live -> target, atomically (what a deployment swapping directories does)."""
        nxt = live + ".next"
        if os.path.lexists(nxt):
            os.unlink(nxt)
        os.symlink(target, nxt)
        os.replace(nxt, live)

    def classes_now(port):
        st, _, out = C.invoke(port, b"a fine film", "text/plain", "application/json")
        if st != 200:
            return None
        return sorted(json.loads(out)["predictions"][0]["probabilities"])

    def log_has(proc, needle, timeout=20):
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if needle in proc.stderr():
                return True
            time.sleep(0.02)
        return False

    first = sorted(C.classes_of(C.predict_cli(binary, model, ["x"])[0])[0])
    point(model)
    proc, port, _ = C.start_daemon(binary, live, extra=["--threads", "2"])
    stop = threading.Event()
    failures, answered = [], [0]

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while not stop.is_set():
            try:
                st, _, out = C.invoke(port, b"great fun\nawful\n", "text/plain", conn=conn)
                if st != 200 or out.count(b"label") != 2:
                    failures.append("status %d: %r" % (st, out[:200]))
                answered[0] += 1
            except (OSError, http.client.HTTPException) as e:
                failures.append(repr(e))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    clients = [threading.Thread(target=client) for _ in range(4)]
    try:
        for t in clients:
            t.start()
        check("reload/before: serves the first model", classes_now(port) == first,
              "%r" % classes_now(port))

        # A request uploading while the reload happens is answered by the first model.
        body, n = big_body(512 * 1024)
        point(other)
        result = C.upload_and_signal(port, body, proc, sig=signal.SIGHUP)
        st, _, out = result.get("resp", (0, {}, b""))
        lines = out.splitlines()
        in_flight_first = st == 200 and len(lines) == n and all(
            sorted(json.loads(l)["probabilities"]) == first for l in lines)
        check("reload/request in flight finishes on the model it began with",
              in_flight_first, "status %d, %d lines of %d, %r" % (st, len(lines), n, out[:200]))
        check("reload/logged", log_has(proc, "reload (SIGHUP): serving model"),
              proc.stderr()[-400:])
        check("reload/after: serves the new model", classes_now(port) == ["dull", "lively"],
              "%r" % classes_now(port))

        point(broken)
        proc.signal(signal.SIGHUP)
        refused = log_has(proc, "reload (SIGHUP): cannot load")
        err = proc.stderr()
        check("reload/bad model refused, naming the file and line",
              refused and "vocab.tsv:" in err and "still serving" in err, err[-400:])
        check("reload/bad model: the previous model keeps serving",
              classes_now(port) == ["dull", "lively"] and proc.alive(), "%r" % classes_now(port))

        # Replaced models are freed once their requests are done: reloading back and
        # forth must not grow memory by a model each time.
        rss = []
        for k in range(8):
            point(model if k % 2 == 0 else other)
            before = proc.stderr().count("reload (SIGHUP): serving model")
            proc.signal(signal.SIGHUP)
            t0 = time.monotonic()
            while proc.stderr().count("reload (SIGHUP): serving model") == before and \
                    time.monotonic() - t0 < 20:
                time.sleep(0.02)
            time.sleep(0.2)
            rss.append(rss_kb(proc.p.pid))
        # after each: the first model, the other, ... (compare like with like)
        grow = max(rss[6] - rss[2], rss[7] - rss[1]) / 1024.0
        check("reload/8 reloads: replaced models freed (RSS %+.1f MB from reloads 2-3 to "
              "6-7)" % grow, grow < 3.0, "RSS KiB after each: %r" % rss)
    finally:
        stop.set()
        for t in clients:
            t.join(30)
    check("reload/clients answered throughout (%d requests), none failed" % answered[0],
          not failures and answered[0] > 0, "%d failures, first %s" % (len(failures),
                                                                      failures[:1]))
    rc = proc.stop()
    check("reload/exit 0 on SIGTERM afterwards", rc == 0, "exit %r" % rc)
    proc.cleanup()


def test_unix_socket(binary, model, tmp, expected):
    path = os.path.join(tmp, "d.sock")
    with open(path, "w") as f:
        f.write("not a socket")
    p = C.Proc([binary, "serve", "--model-dir", model, "--unix-socket", path])
    rc = p.wait(20)
    err = p.stderr()
    p.cleanup()
    check("unix socket/refuses to replace a regular file", rc not in (0, None) and "not a socket" in err,
          "exit %r: %s" % (rc, err[-300:]))
    os.unlink(path)
    p = C.Proc([binary, "serve", "--model-dir", model, "--unix-socket", path])
    t0 = time.monotonic()
    while not os.path.exists(path) and p.alive() and time.monotonic() - t0 < 20:
        time.sleep(0.01)
    body = json.dumps(TEXTS).encode()
    why = ""
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(path)
        s.sendall(b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Accept: application/jsonlines\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        st, _, out = C.read_response(s)
        s.close()
        got = [json.loads(line) for line in out.decode().splitlines()] if st == 200 else []
        why = "" if len(got) == len(expected) else "status %d %r" % (st, out[:200])
        for g, w in zip(got, expected):
            why = why or C.same_prediction(g, w)
    except OSError as e:
        why = str(e)
    check("unix socket/--unix-socket serves /invocations", not why, why)
    rc = p.stop()
    check("unix socket/clean exit removes the socket", rc == 0 and not os.path.exists(path),
          "exit %r, exists %s" % (rc, os.path.exists(path)))
    p.cleanup()


def test_help(binary):
    import subprocess
    r = subprocess.run([binary, "serve", "--help"], capture_output=True, text=True)
    out = r.stdout
    ok = r.returncode == 0 and all(s in out for s in ["--model-dir", "/opt/ml/model", "--port", "8080",
                                                       "--max-payload-mb", "default 6", "--threads",
                                                       "SAGEMAKER_MAX_PAYLOAD_IN_MB"])
    check("cli/serve --help shows flags, environment and defaults", ok, out[:300])
    r = subprocess.run([binary, "serve", "--bogus"], capture_output=True, text=True)
    check("cli/unknown flag exits non-zero", r.returncode != 0 and "--bogus" in r.stderr, r.stderr)


def main():
    args = C.parse_args()
    tmp = tempfile.mkdtemp(prefix="textclf-http-")
    try:
        model = C.find_model(args.bin, tmp)
        _MODEL_DIR[0] = model
        expected = C.predict_cli(args.bin, model, TEXTS)
        classes, key = C.classes_of(expected[0])

        def predict(ts):
            return C.predict_cli(args.bin, model, ts)

        proc, port, startup = C.start_daemon(args.bin, model, extra=["--threads", "2"])
        check("startup/first 200 on /ping after %.0f ms" % (startup * 1000), startup < 10, "%.1f s" % startup)
        try:
            test_ping_and_params(port, threads=2)
            test_formats(port, expected, classes, key)
            test_text_lines(port, predict)
            test_csv_quoting(port, predict)
            test_decoding_differential(port, predict)
            test_errors(port)
            test_custom_attributes(port)
            rss0 = rss_kb(proc.p.pid)
            test_payload_limits(port)
            test_payload_limits_raw(port)
            test_memory_returned(proc, port, rss0, args.bin)
            test_concurrency(port, args.bin, model)
            test_slow_client(port)
            test_streamed_uploads(port)
            test_access_log(proc, port)
            check("daemon alive after all tests", proc.alive(), proc.stderr()[-300:])
        finally:
            rc = proc.stop()
            check("daemon exits 0 on SIGTERM", rc == 0, "exit %r" % rc)
            proc.cleanup()
        test_idle_trim(args.bin, model)
        test_labels_csv_output(args.bin, tmp)
        test_sigterm_during_request(args.bin, model)
        test_env_config(args.bin, model)
        test_bad_model(args.bin, model, tmp)
        test_reload(args.bin, model, tmp)
        test_help(args.bin)
        test_unix_socket(args.bin, model, tmp, expected)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    C.finish()


if __name__ == "__main__":
    main()
