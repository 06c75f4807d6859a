"""Shared helpers for the HTTP integration tests (Python stdlib only).

Starts the real `textclf serve` (and, through docker/serve, the real nginx) on loopback
ports chosen at runtime, talks to them over real sockets, and prints one
"PASS <name>" / "FAIL <name>: <why>" line per check (tests/run.sh counts them).
Expected predictions come from `textclf predict` on the same texts, a separate code
path through the CLI (the parity suites tie that to scikit-learn).
"""
import argparse
import atexit
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

_failures = 0
_passes = 0


def check(name, ok, why=""):
    global _failures, _passes
    if ok:
        _passes += 1
        print("PASS %s" % name, flush=True)
    else:
        _failures += 1
        print("FAIL %s: %s" % (name, why), flush=True)
    return ok


def finish():
    print("%d checks passed, %d failed" % (_passes, _failures), flush=True)
    sys.exit(1 if _failures else 0)


def _on_sigterm(signum, frame):
    # tests/run.sh's timeout: unwind (finally blocks stop their servers), then exit.
    raise SystemExit("stopped by SIGTERM (tests/run.sh timeout?): stopping the servers started")


def parse_args():
    signal.signal(signal.SIGTERM, _on_sigterm)
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(REPO, "build", "textclf"))
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    a = ap.parse_args()
    a.bin = os.path.abspath(a.bin)
    return a


def run_main(prefix, body):
    """An integration test program: its arguments, a temporary directory, the committed
    model, then body(args, model, tmp), then the closing count."""
    args = parse_args()
    tmp = tempfile.mkdtemp(prefix=prefix)
    try:
        body(args, find_model(args.bin, tmp), tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    finish()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def free_ports(n):
    """n distinct free ports (held open together so they differ)."""
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def wait_for(cond, timeout=20, interval=0.02):
    """Polls cond() until it returns a true value or `timeout` s have passed; returns its
    last value. (Instead of sleeping a fixed time on a machine of unknown load.)"""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v or time.monotonic() >= deadline:
            return v
        time.sleep(interval)


def accepts(port):
    """True if something accepts TCP connections on 127.0.0.1:port."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    # a zombie (exited, not yet reaped) is not alive
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


# ---- model -----------------------------------------------------------------------------

TINY_TEXTS = ["good movie great fun", "bad film awful boring", "great acting, lovely",
              "terrible plot, bad acting", "fun and lovely", "boring and awful",
              "wonderful great", "horrible bad"]


def export_tiny_model(out_dir, classes=("negative", "positive")):
    """Trains and exports a tiny TF-IDF + LogisticRegression with scikit-learn."""
    py = os.environ.get("PYTHON") or "/usr/bin/python3"
    work = tempfile.mkdtemp(prefix="textclf-tiny-")
    try:
        labels = [classes[1], classes[0]] * 4
        script = (
            "import sys, json, joblib\n"
            "from sklearn.feature_extraction.text import TfidfVectorizer\n"
            "from sklearn.linear_model import LogisticRegression\n"
            "from sklearn.pipeline import Pipeline\n"
            "t, y = json.load(open(sys.argv[1]))\n"
            "p = Pipeline([('tfidf', TfidfVectorizer(ngram_range=(1, 2))),"
            " ('clf', LogisticRegression())]).fit(t, y)\n"
            "joblib.dump(p, sys.argv[2])\n")
        data = os.path.join(work, "data.json")
        with open(data, "w") as f:
            json.dump([TINY_TEXTS, labels], f)
        pipe = os.path.join(work, "pipe.joblib")
        subprocess.run([py, "-c", script, data, pipe], check=True)
        golden = os.path.join(work, "golden.txt")
        with open(golden, "w") as f:
            f.write("good fun\nbad boring\n\nhello world\n")
        subprocess.run([py, os.path.join(REPO, "tools", "export_sklearn.py"), "--pipeline", pipe,
                        "--out", out_dir, "--golden", golden], check=True,
                       stderr=subprocess.DEVNULL)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out_dir


def find_model(binary, tmp):
    """The committed models/sentiment-en. It is part of the repository, so if it does not
    load that is a failure (a loader regression), never a reason to test something
    smaller: FAIL and exit."""
    m = os.path.join(REPO, "models", "sentiment-en")
    r = subprocess.run([binary, "check", "--model", m], capture_output=True)
    if check("model/committed models/sentiment-en loads (textclf check)", r.returncode == 0,
             "exit %d: %s" % (r.returncode, r.stderr.decode("utf-8", "replace")[-400:])):
        return m
    finish()


def predict_cli(binary, model, texts):
    """Expected outputs: `textclf predict` on the same texts (one per line)."""
    data = "".join(t + "\n" for t in texts).encode("utf-8")
    r = subprocess.run([binary, "predict", "--model", model], input=data, capture_output=True,
                       check=True)
    out = [json.loads(line) for line in r.stdout.decode("utf-8").splitlines()]
    assert len(out) == len(texts), "predict returned %d lines for %d texts" % (len(out), len(texts))
    return out


def same_prediction(got, want, tol=1e-12):
    """got/want: {"label":..,"probabilities"|"scores":{...}}. Returns '' or a reason."""
    if got.get("label") != want.get("label"):
        return "label %r, expected %r" % (got.get("label"), want.get("label"))
    key = "probabilities" if "probabilities" in want else "scores"
    g, w = got.get(key), want[key]
    if not isinstance(g, dict) or list(g.keys()) != list(w.keys()):
        return "%s keys %r, expected %r" % (key, g and list(g.keys()), list(w.keys()))
    for k in w:
        if abs(g[k] - w[k]) > tol:
            return "%s[%s] = %r, expected %r" % (key, k, g[k], w[k])
    return ""


def classes_of(pred):
    key = "probabilities" if "probabilities" in pred else "scores"
    return list(pred[key].keys()), key


# ---- processes -------------------------------------------------------------------------

_procs = []


@atexit.register
def _kill_leftovers():
    """Servers still running when the test exits (an exception, a timeout) are killed
    with their process groups, so none outlives the suite."""
    for p in _procs:
        if p.p.poll() is None:
            try:
                os.killpg(p.p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


class Proc:
    """A server process (in a session of its own) with stdout/stderr captured to files."""

    def __init__(self, argv, env=None, cwd=REPO):
        self.dir = tempfile.mkdtemp(prefix="textclf-it-")
        self.out_path = os.path.join(self.dir, "stdout")
        self.err_path = os.path.join(self.dir, "stderr")
        self._out = open(self.out_path, "wb")
        self._err = open(self.err_path, "wb")
        full_env = dict(os.environ)
        for k in list(full_env):
            if k.startswith("SAGEMAKER_") or k in ("SM_MODEL_DIR", "TEXTCLF_HOST",
                                                   "TEXTCLF_LOG_LEVEL", "TEXTCLF_MAX_RECORDS"):
                del full_env[k]
        full_env.update(env or {})
        self.p = subprocess.Popen(argv, stdout=self._out, stderr=self._err, env=full_env,
                                  cwd=cwd, start_new_session=True)
        _procs.append(self)

    def stderr(self):
        with open(self.err_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stdout(self):
        with open(self.out_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def alive(self):
        return self.p.poll() is None

    def wait(self, timeout):
        try:
            return self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def signal(self, sig):
        if self.alive():
            self.p.send_signal(sig)

    def stop(self, timeout=15):
        """SIGTERM, wait; SIGKILL the whole group if it hangs. Returns the exit status."""
        self.signal(signal.SIGTERM)
        rc = self.wait(timeout)
        if rc is None:
            try:
                os.killpg(self.p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            rc = self.wait(5)
        self._out.close()
        self._err.close()
        return rc

    def cleanup(self):
        if self.alive():
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def start_daemon(binary, model, extra=(), env=None, port=0, timeout=30):
    """Starts `textclf serve` on 127.0.0.1 (port 0 = any); returns (proc, port, seconds
    from start to the first 200 on /ping). Raises RuntimeError if it does not get ready."""
    argv = [binary, "serve", "--host", "127.0.0.1"]
    if model is not None:
        argv += ["--model-dir", model]
    if port is not None:
        argv += ["--port", str(port)]
    argv += list(extra)
    t0 = time.monotonic()
    proc = Proc(argv, env=env)
    bound = None
    while time.monotonic() - t0 < timeout:
        if not proc.alive():
            raise RuntimeError("daemon exited with %s: %s" % (proc.p.returncode, proc.stderr()))
        if bound is None:
            for line in proc.stderr().splitlines():
                if "listening on http://127.0.0.1:" in line:
                    bound = int(line.split("listening on http://127.0.0.1:")[1].split("/")[0])
        if bound is not None:
            try:
                st, _, _ = request(bound, "GET", "/ping", timeout=2)
                if st == 200:
                    return proc, bound, time.monotonic() - t0
            except OSError:
                pass
        time.sleep(0.005)
    proc.cleanup()
    raise RuntimeError("daemon not ready after %d s" % timeout)


def or_fail(label, start, *args, **kw):
    """start(*args, **kw) (start_daemon, test_nginx's start_stack), or a FAIL line naming
    label and None when the server does not get ready."""
    try:
        return start(*args, **kw)
    except RuntimeError as e:
        check(label, False, str(e))
        return None


def check_sigterm_midway(label, port, proc, body, n, wait):
    """Uploads body (n lines) in slices, sending SIGTERM midway, and checks that the
    request completes; returns the exit status of proc (None if it has not exited after
    `wait` s)."""
    result = upload_and_signal(port, body, proc)
    rc = proc.wait(wait)
    st, _, out = result.get("resp", (0, {}, b""))
    check("%s: request in flight completes" % label, st == 200 and out.count(b"\n") == n,
          "status %d, %d lines, err %s" % (st, out.count(b"\n"), result.get("err")))
    return rc


def wait_ping(port, proc, timeout=30):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if not proc.alive():
            return False
        try:
            if request(port, "GET", "/ping", timeout=2)[0] == 200:
                return True
        except OSError:
            pass
        time.sleep(0.02)
    return False


def rss_kb(pid, field="VmRSS"):
    """A memory figure of /proc/PID/status in KiB (VmRSS, RssAnon, ...); 0 if absent."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


# ---- HTTP ------------------------------------------------------------------------------

def request(port, method, path, body=None, headers=None, timeout=30, conn=None):
    """One request; returns (status, {lowercase header: value}, body bytes)."""
    own = conn is None
    if own:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        if own:
            conn.close()


def invoke(port, body, content_type=None, accept=None, extra=None, timeout=60, conn=None):
    h = dict(extra or {})
    if content_type is not None:
        h["Content-Type"] = content_type
    if accept is not None:
        h["Accept"] = accept
    if isinstance(body, str):
        body = body.encode("utf-8")
    return request(port, "POST", "/invocations", body=body, headers=h, timeout=timeout, conn=conn)


def raw_exchange(port, data, read_timeout=10, shut=False):
    """Sends raw bytes, reads until the server closes or read_timeout; returns bytes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=read_timeout)
    try:
        s.sendall(data)
        if shut:
            s.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            try:
                b = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not b:
                break
            chunks.append(b)
            if _complete_response(b"".join(chunks)):
                break
        return b"".join(chunks)
    finally:
        s.close()


def _complete_response(buf):
    head, sep, rest = buf.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            return len(rest) >= int(v.strip())
    return False


def read_response(sock):
    """Reads one HTTP response from sock (until its Content-Length is complete or the
    peer closes); returns parse_raw's (status, headers, body)."""
    buf = b""
    while not _complete_response(buf):
        b = sock.recv(1 << 20)
        if not b:
            break
        buf += b
    return parse_raw(buf)


def parse_raw(resp):
    head, _, body = resp.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        status = 0
    hdr = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        hdr[k.strip().lower().decode()] = v.strip().decode()
    return status, hdr, body


def upload_and_signal(port, body, proc, sig=signal.SIGTERM, slices=20, signal_after=5):
    """POSTs body (text/plain, Accept: application/jsonlines) to /invocations in
    `slices` pieces 50 ms apart, sending `sig` to proc after piece `signal_after`, then
    reads the whole response. Returns {"resp": (status, headers, body)} or {"err": why}."""
    result = {}
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=60)
        s.sendall(b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                  b"Accept: application/jsonlines\r\nContent-Length: %d\r\n\r\n" % len(body))
        step = len(body) // slices
        for i in range(slices):
            s.sendall(body[i * step:(i + 1) * step if i < slices - 1 else len(body)])
            if i == signal_after:
                proc.signal(sig)
            time.sleep(0.05)
        result["resp"] = read_response(s)
        s.close()
    except OSError as e:
        result["err"] = str(e)
    return result


def json_error(body, status):
    """'' if body is {"error": "...", "status": status, ...}, else a reason."""
    try:
        j = json.loads(body)
    except ValueError:
        return "body is not JSON: %r" % body[:200]
    if not isinstance(j, dict) or not isinstance(j.get("error"), str) or not j["error"]:
        return "no \"error\" string in %r" % body[:200]
    if j.get("status") != status:
        return "\"status\" %r, expected %d" % (j.get("status"), status)
    return ""


def parse_output(body, accept_fmt, classes, key):
    """Decodes a 200 body in json / jsonlines / csv into a list of prediction dicts."""
    text = body.decode("utf-8")
    if accept_fmt == "json":
        return json.loads(text)["predictions"]
    if accept_fmt == "jsonlines":
        return [json.loads(line) for line in text.split("\n") if line]
    import csv
    import io
    rows = list(csv.reader(io.StringIO(text, newline="")))
    out = []
    for row in rows:
        out.append({"label": row[0], key: {c: float(v) for c, v in zip(classes, row[1:])}})
    return out
