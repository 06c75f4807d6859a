"""Integration tests of `textclf serve`'s configuration through the real daemon (no
nginx): every flag and environment variable that changes behaviour is checked by what
the daemon does or reports (/execution-parameters, responses, its thread count, its log
lines), bad values and bad models are refused before the port opens, naming the value's
source or the model's file and line.

    /usr/bin/python3 tests/integration/test_config.py --bin build/textclf --build build
"""
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402
from common import check  # noqa: E402
import test_http as H  # noqa: E402


def rewrite_line(model, out, name, index, edit):
    """A copy of model in out whose file `name` has line `index` (0-based) replaced by
    edit(line), with the manifest's checksum and size updated (so the loader reaches the
    text). Returns out."""
    shutil.copytree(model, out)
    path = os.path.join(out, name)
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    lines[index] = edit(lines[index])
    data = b"\n".join(lines)
    with open(path, "wb") as f:
        f.write(data)
    mpath = os.path.join(out, "manifest.json")
    with open(mpath) as f:
        manifest = json.load(f)
    manifest["files"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    with open(mpath, "w") as f:
        json.dump(manifest, f, indent=2)
    return out


def started(binary, model, label, extra=(), env=None):
    return C.or_fail("%s: daemon starts" % label, C.start_daemon, binary, model, extra=list(extra), env=env)


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
        H.test_payload_limits(port, mb=1, label="env SAGEMAKER_MAX_PAYLOAD_IN_MB=1:")
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
                     ("SAGEMAKER_BATCH_STRATEGY", "SOMETIMES"), ("TEXTCLF_LOG_LEVEL", "loud"),
                     ("TEXTCLF_MAX_RECORDS", "0"), ("SAGEMAKER_MODEL_SERVER_WORKERS", "0"),
                     ("SAGEMAKER_MODEL_SERVER_TIMEOUT", "-1")]:
        p = C.Proc([binary, "serve", "--model-dir", model], env={var: val})
        rc = p.wait(20)
        err = p.stderr()
        p.cleanup()
        check("env/bad %s=%s exits 2 naming it" % (var, val), rc == 2 and var in err,
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
    # Files whose checksums are right but whose text is not: the error names the file
    # and the line.
    cases.append(("vocab.tsv line 5 with a third column",
                  rewrite_line(model, os.path.join(tmp, "bad-vocab-line"), "vocab.tsv", 4,
                               lambda l: l + b"\textra"), "vocab.tsv:5:"))
    cases.append(("linear.tsv line 9 not a number",
                  rewrite_line(model, os.path.join(tmp, "bad-linear-line"), "linear.tsv", 8,
                               lambda l: b"zero"), "linear.tsv:9:"))
    for name, d, needle in cases:
        port, = C.free_ports(1)
        p = C.Proc([binary, "serve", "--model-dir", d, "--host", "127.0.0.1", "--port", str(port)])
        rc = p.wait(30)
        err = p.stderr()
        p.cleanup()
        check("bad model/%s: exits non-zero naming %s" % (name, needle),
              rc not in (0, None) and needle in err, "exit %r: %s" % (rc, err[-400:]))


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



def test_max_records(binary, model):
    """--max-records / TEXTCLF_MAX_RECORDS: a request with one record more than the limit
    gets 413 naming it (text and JSON bodies); one at the limit is answered."""
    for label, extra, env, limit in [
            ("--max-records 3", ["--max-records", "3"], {}, 3),
            ("TEXTCLF_MAX_RECORDS=2", [], {"TEXTCLF_MAX_RECORDS": "2"}, 2),
            ("--max-records 4 over TEXTCLF_MAX_RECORDS=2", ["--max-records", "4"],
             {"TEXTCLF_MAX_RECORDS": "2"}, 4)]:
        s = started(binary, model, "records/" + label, extra, env)
        if s is None:
            continue
        proc, port, _ = s
        try:
            st, _, data = C.invoke(port, "good\n" * limit, "text/plain", "application/jsonlines")
            check("records/%s: %d records answered" % (label, limit),
                  st == 200 and data.count(b"\n") == limit, "%d %r" % (st, data[:200]))
            for name, body, ct in [("text", "good\n" * (limit + 1), "text/plain"),
                                   ("json", json.dumps({"instances": ["good"] * (limit + 1)}),
                                    "application/json")]:
                st, _, data = C.invoke(port, body, ct)
                why = "status %d %r" % (st, data[:200]) if st != 413 else C.json_error(data, 413)
                why = why or ("" if b"more than %d records" % limit in data else repr(data[:200]))
                check("records/%s: %d %s records -> 413 naming the limit" % (label, limit + 1, name),
                      not why, why)
        finally:
            proc.cleanup()


def test_timeout(binary, model):
    """The idle connection timeout: --timeout 2 closes an idle kept-alive connection
    after 2 s (what the ready line reports is what the daemon enforces); then the
    defaults as the ready line reports them: 60 s, 600 s with SAGEMAKER_BATCH=true
    (Batch Transform), and an explicit SAGEMAKER_MODEL_SERVER_TIMEOUT over both."""
    s = started(binary, model, "timeout/--timeout 2", ["--timeout", "2"])
    if s is not None:
        proc, port, _ = s
        try:
            conn = socket.create_connection(("127.0.0.1", port), timeout=30)
            conn.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
            st, _, _ = C.read_response(conn)
            t0 = time.monotonic()
            try:
                closed = conn.recv(1) == b""
            except OSError:
                closed = False
            idle = time.monotonic() - t0
            conn.close()
            check("timeout/--timeout 2: an idle kept-alive connection is closed after %.1f s" % idle,
                  st == 200 and closed and 1.0 <= idle < 30 and "timeout 2 s)" in proc.stderr(),
                  "status %d, closed %s after %.1f s; %s" % (st, closed, idle, proc.stderr()[-200:]))
        finally:
            proc.cleanup()
    for label, env, want in [("default", {}, 60), ("SAGEMAKER_BATCH=true", {"SAGEMAKER_BATCH": "true"}, 600),
                             ("SAGEMAKER_BATCH=true + SAGEMAKER_MODEL_SERVER_TIMEOUT=5",
                              {"SAGEMAKER_BATCH": "true", "SAGEMAKER_MODEL_SERVER_TIMEOUT": "5"}, 5)]:
        s = started(binary, model, "timeout/" + label, env=env)
        if s is None:
            continue
        proc, port, _ = s
        err = proc.stderr()
        proc.cleanup()
        check("timeout/%s: the daemon's timeout is %d s" % (label, want),
              "timeout %d s)" % want in err, err[-300:])


def test_default_accept_flag(binary, model):
    """--default-accept: the response type for a missing Accept and for */*; an explicit
    Accept still wins; the flag beats SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT; a type the
    daemon cannot produce is refused at start-up (exit 2, naming the flag)."""
    want = C.predict_cli(binary, model, H.TEXTS)
    body = "\n".join(H.TEXTS) + "\n"
    s = started(binary, model, "accept/--default-accept application/jsonlines",
                ["--default-accept", "application/jsonlines"],
                {"SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "text/csv"})
    if s is not None:
        proc, port, _ = s
        try:
            for acc, mime, fmt in [(None, "application/jsonlines", "jsonlines"),
                                   ("*/*", "application/jsonlines", "jsonlines"),
                                   ("application/json", "application/json", "json")]:
                st, hdr, data = C.invoke(port, body, "text/plain", acc)
                ok = st == 200 and hdr.get("content-type") == mime
                name = "accept/--default-accept application/jsonlines, Accept %s -> %s" % (acc, mime)
                if check(name, ok, "%d %r %r" % (st, hdr.get("content-type"), data[:200])):
                    H.compare(name + ": predictions", data, fmt, want, *C.classes_of(want[0]))
        finally:
            proc.cleanup()
    p = C.Proc([binary, "serve", "--model-dir", model, "--port", "0", "--default-accept", "text/html"])
    rc = p.wait(20)
    err = p.stderr()
    p.cleanup()
    check("accept/--default-accept text/html refused at start-up (exit 2, naming the flag)",
          rc == 2 and '--default-accept: "text/html" is not application/json, application/jsonlines '
          'or text/csv' in err and "ready" not in err, "exit %r: %s" % (rc, err[-300:]))


def run_logged(binary, model, tmp, name, extra=(), env=None):
    """A daemon on a fixed port serving a symlink to model: 3 requests, then the link
    points at nothing and SIGHUP makes the reload fail (an error line), then SIGTERM.
    Returns (exit status, stderr, stdout) after the exit (the access log is flushed at
    exit) or raises RuntimeError."""
    live = os.path.join(tmp, "log-" + name)
    os.symlink(model, live)
    port, = C.free_ports(1)
    proc = C.Proc([binary, "serve", "--model-dir", live, "--host", "127.0.0.1", "--port", str(port)]
                  + list(extra), env=env)
    try:
        if not C.wait_ping(port, proc):
            raise RuntimeError("not ready: %s" % proc.stderr()[-300:])
        for _ in range(3):
            C.invoke(port, "good", "text/plain")
        os.unlink(live)
        proc.signal(signal.SIGHUP)
        if not C.wait_for(lambda: "reload (SIGHUP): cannot load" in proc.stderr()):
            raise RuntimeError("no reload error logged: %s" % proc.stderr()[-300:])
        rc = proc.stop()
        return rc, proc.stderr(), proc.stdout()
    finally:
        proc.cleanup()


def test_log_level(binary, model, tmp):
    """--log-level / TEXTCLF_LOG_LEVEL: error and warn keep error lines and drop the info
    lines and the access log; info (the default) and debug have both."""
    for name, extra, env, quiet in [("--log-level error", ["--log-level", "error"], None, True),
                                    ("TEXTCLF_LOG_LEVEL=warn", [], {"TEXTCLF_LOG_LEVEL": "warn"}, True),
                                    ("default (info)", [], None, False),
                                    ("--log-level debug over TEXTCLF_LOG_LEVEL=error",
                                     ["--log-level", "debug"], {"TEXTCLF_LOG_LEVEL": "error"}, False)]:
        try:
            rc, err, out = run_logged(binary, model, tmp, name.split()[0].strip("-") + str(len(name)),
                                      extra, env)
        except RuntimeError as e:
            check("log level/%s" % name, False, str(e))
            continue
        lines = [l for l in err.splitlines() if l.startswith("textclf serve: ")]
        infos = [l for l in lines if l.startswith("textclf serve: info: ")]
        access = [l for l in out.splitlines() if '"path":"/invocations"' in l]
        errors = [l for l in lines if "error: reload (SIGHUP): cannot load" in l]
        if quiet:
            ok = rc == 0 and errors and not infos and not access
        else:
            ok = rc == 0 and errors and any("info: ready:" in l for l in infos) and len(access) == 3
        check("log level/%s: %s" % (name, "errors only, no access log" if quiet else
                                    "info lines and the access log"),
              ok, "exit %r, %d info lines, %d access lines, %d errors: %s" % (
                  rc, len(infos), len(access), len(errors), err[-300:]))


def test_execution_parameters_defaults(binary, model):
    """Without --threads or SAGEMAKER_MODEL_SERVER_WORKERS the daemon runs one server
    thread per online CPU and says so in /execution-parameters (MaxConcurrentTransforms);
    SAGEMAKER_MODEL_SERVER_WORKERS=3 gives 3. Threads counted in /proc (the pool plus
    the main thread)."""
    ncpu = os.sysconf("SC_NPROCESSORS_ONLN")
    for label, env, threads in [("defaults", None, ncpu),
                                ("SAGEMAKER_MODEL_SERVER_WORKERS=3", {"SAGEMAKER_MODEL_SERVER_WORKERS": "3"}, 3)]:
        s = started(binary, model, "execution-parameters/" + label, env=env)
        if s is None:
            continue
        proc, port, _ = s
        try:
            st, _, data = C.request(port, "GET", "/execution-parameters")
            j = json.loads(data) if st == 200 else None
            want = {"MaxConcurrentTransforms": threads, "BatchStrategy": "MULTI_RECORD", "MaxPayloadInMB": 6}
            tasks = len(os.listdir("/proc/%d/task" % proc.p.pid))
            check("execution-parameters/%s: %r, %d server threads" % (label, want, threads),
                  j == want and tasks == threads + 1 and "threads %d," % threads in proc.stderr(),
                  "%d %r; %d tasks; %s" % (st, data, tasks, proc.stderr()[-200:]))
        finally:
            proc.cleanup()


def tests(args, model, tmp):
    test_help(args.bin)
    test_env_config(args.bin, model)
    test_execution_parameters_defaults(args.bin, model)
    test_max_records(args.bin, model)
    test_timeout(args.bin, model)
    test_default_accept_flag(args.bin, model)
    test_log_level(args.bin, model, tmp)
    test_bad_model(args.bin, model, tmp)


def main():
    C.run_main("textclf-config-", tests)


if __name__ == "__main__":
    main()
