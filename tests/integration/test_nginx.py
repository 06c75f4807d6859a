"""Integration tests through the container entrypoint: docker/serve runs the real
`textclf serve` on a loopback port and Debian's real nginx (/usr/sbin/nginx) with the
project's nginx.conf in front, both on ports chosen at runtime.

    /usr/bin/python3 tests/integration/test_nginx.py --bin build/textclf --build build
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402
from common import check  # noqa: E402
import test_http as H  # noqa: E402
import test_streaming as S  # noqa: E402

SERVE = os.path.join(C.REPO, "docker", "serve")
NGINX = "/usr/sbin/nginx"


def stack_env(binary, model, nport, dport, **extra):
    """docker/serve's environment: nginx on nport, the daemon on dport."""
    env = {"TEXTCLF_BIN": binary, "SM_MODEL_DIR": model or "",
           "SAGEMAKER_BIND_TO_PORT": str(nport),
           "SAGEMAKER_SAFE_PORT_RANGE": "%d-%d" % (dport, dport), "TEXTCLF_NGINX": NGINX}
    env.update(extra)
    return env


def start_stack(binary, model, extra_env=None, timeout=30):
    """docker/serve serve; returns (proc, nginx_port, daemon_port) once nginx answers /ping."""
    nport, dport = C.free_ports(2)
    env = stack_env(binary, model, nport, dport, TEXTCLF_NGINX_WORKERS="2")
    env.update(extra_env or {})
    proc = C.Proc([SERVE, "serve"], env=env)
    if not C.wait_ping(nport, proc, timeout):
        err = proc.stderr()
        proc.cleanup()
        raise RuntimeError("stack not ready: %s" % err[-800:])
    return proc, nport, dport


def children(pid):
    r = subprocess.run(["ps", "-o", "pid=,comm=", "--ppid", str(pid)], capture_output=True, text=True)
    out = {}
    for line in r.stdout.splitlines():
        p, _, comm = line.strip().partition(" ")
        out[int(p)] = comm.strip()
    return out


pid_alive = C.pid_alive


def all_gone(pids, timeout=15):
    """Waits (bounded) for every pid to be gone; returns those still alive."""
    C.wait_for(lambda: not any(pid_alive(p) for p in pids), timeout)
    return [p for p in pids if pid_alive(p)]


def test_basic(port, dport, binary, model, expected, classes, key):
    st, hdr, data = C.request(port, "GET", "/ping")
    check("nginx/ping 200 empty body", st == 200 and data == b"", "%d %r" % (st, data))
    # Every request format and Accept through nginx.
    for rname, ctype, build in H.REQUEST_BUILDERS:
        for acc, fmt, mime in H.ACCEPTS[::2]:
            name = "nginx/%s -> %s" % (rname, acc or "(no Accept)")
            st, hdr, data = C.invoke(port, build(H.TEXTS), ctype, acc)
            if check(name + " status", st == 200, "%d %r" % (st, data[:200])):
                check(name + " content-type", hdr.get("content-type") == mime, repr(hdr.get("content-type")))
                H.compare(name + " predictions in order", data, fmt, expected, classes, key)
    st, hdr, data = C.request(port, "GET", "/execution-parameters")
    j = json.loads(data) if st == 200 else None
    check("nginx/execution-parameters", j is not None and j["MaxPayloadInMB"] == 6 and
          j["BatchStrategy"] == "MULTI_RECORD", "%d %r" % (st, data))
    attrs = "a=1,b=two"
    st, hdr, _ = C.invoke(port, "good", "text/plain", extra={"X-Amzn-SageMaker-Custom-Attributes": attrs})
    check("nginx/custom attributes echoed", hdr.get("x-amzn-sagemaker-custom-attributes") == attrs, repr(hdr))
    for method, path, want in [("GET", "/nope", 404), ("GET", "/invocations", 405), ("POST", "/ping", 405)]:
        st, hdr, data = C.request(port, method, path, body=b"x" if method == "POST" else None)
        why = "status %d" % st if st != want else C.json_error(data, want)
        check("nginx/%s %s -> %d JSON" % (method, path, want), not why, why)
    for name, body, ct, acc, want in [("malformed JSON", b"{", "application/json", None, 400),
                                      ("415", b"x", "image/png", None, 415),
                                      ("406", b"x", "text/plain", "text/html", 406),
                                      ("empty body", b"", "text/plain", None, 400)]:
        st, hdr, data = C.invoke(port, body, ct, acc)
        why = "status %d" % st if st != want else C.json_error(data, want)
        check("nginx/%s -> %d JSON" % (name, want), not why, why)
    # The daemon listens only on loopback at the safe-range port.
    st, _, _ = C.request(dport, "GET", "/ping")
    check("nginx/daemon on the bottom of SAGEMAKER_SAFE_PORT_RANGE", st == 200, "%d" % st)


def test_nginx_limits(port):
    H.test_payload_limits(port, mb=6, label="via nginx")
    req = ("POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n"
           "Expect: 100-continue\r\n\r\n" % (6 * 1024 * 1024 + 1)).encode()
    st, hdr, body = C.parse_raw(C.raw_exchange(port, req))
    check("nginx/413 body is JSON", st == 413 and not C.json_error(body, 413), "%d %r" % (st, body[:200]))


def test_bodies_not_spilled(port, proc):
    """Bodies stream through nginx to the daemon: a 3.3 MB one is never written to a
    temp file (nginx warns "a client request body is buffered to a temporary file" when
    it does, as it did with request buffering on) and is answered record for record."""
    body = b"a great movie with a dull ending\n" * 100000
    st, _, out = C.invoke(port, body, "text/plain", "text/csv", timeout=120)
    check("nginx/a 3.3 MB body is answered (%d lines)" % out.count(b"\n"),
          st == 200 and out.count(b"\n") == 100000, "status %d" % st)
    log = proc.stderr()
    check("nginx/the body was not written to a temp file", "buffered to a temporary file" not in log,
          log[-300:])


def test_sigterm(binary, model):
    proc, port, dport = start_stack(binary, model)
    kids = children(proc.p.pid)
    body, n = H.big_body(4 * 1024 * 1024)
    rc = C.check_sigterm_midway("nginx/sigterm", port, proc, body, n, 40)
    check("nginx/sigterm: docker/serve exits 0", rc == 0, "exit %r: %s" % (rc, proc.stderr()[-600:]))
    left = all_gone(kids)
    check("nginx/sigterm: daemon and nginx are gone", not left, "still running: %r" % left)
    proc.cleanup()


def test_sighup(binary, model, tmp):
    """SIGHUP to docker/serve reaches the daemon, which reloads the model directory;
    the stack goes on serving through nginx (the new model's classes) and both
    processes stay up."""
    other = C.export_tiny_model(os.path.join(tmp, "hup-other"), classes=("dull", "lively"))
    live = os.path.join(tmp, "hup-live")
    os.symlink(model, live)
    proc, port, dport = start_stack(binary, live)
    try:
        kids = [p for p, comm in children(proc.p.pid).items() if comm in ("textclf", "nginx")]
        nxt = live + ".next"
        os.symlink(other, nxt)
        os.replace(nxt, live)
        proc.signal(signal.SIGHUP)
        t0 = time.monotonic()
        while "reload (SIGHUP): serving model" not in proc.stderr() and \
                time.monotonic() - t0 < 20:
            time.sleep(0.02)
        st, _, out = C.invoke(port, b"a fine film", "text/plain", "application/json")
        got = sorted(json.loads(out)["predictions"][0]["probabilities"]) if st == 200 else st
        check("nginx/sighup: the daemon reloads; nginx serves the new model",
              got == ["dull", "lively"], "%r; %s" % (got, proc.stderr()[-400:]))
        check("nginx/sighup: docker/serve, daemon and nginx still running",
              proc.alive() and len(kids) == 2 and all(pid_alive(p) for p in kids),
              "%r; %s" % (kids, proc.stderr()[-400:]))
    finally:
        rc = proc.stop()
        check("nginx/sighup: exits 0 on SIGTERM afterwards", rc == 0, "exit %r" % rc)
        proc.cleanup()


def test_child_death(binary, model):
    for victim in ("textclf", "nginx"):
        proc, port, dport = start_stack(binary, model)
        kids = children(proc.p.pid)
        target = [p for p, comm in kids.items() if comm.startswith(victim)]
        if not target:
            check("nginx/%s dies -> docker/serve exits non-zero" % victim, False, "no child %r in %r" % (victim, kids))
            proc.cleanup()
            continue
        os.kill(target[0], signal.SIGKILL)
        rc = proc.wait(30)
        check("nginx/%s dies -> docker/serve exits non-zero" % victim, rc not in (0, None),
              "exit %r: %s" % (rc, proc.stderr()[-400:]))
        left = all_gone(kids)
        check("nginx/%s dies -> the other process is stopped too" % victim, not left, "left %r" % left)
        open_ = C.wait_for(lambda: not C.accepts(port), 15)
        check("nginx/%s dies -> nginx's port is closed" % victim, open_,
              "something still accepts on nginx's port %d 15 s later (orphaned nginx workers?)" % port)
        proc.cleanup()


def test_bad_model_and_fallback(binary, model, tmp):
    missing = os.path.join(tmp, "no-such-model")
    env = stack_env(binary, missing, *C.free_ports(2))
    # Several times: nginx starts beside the daemon, and the daemon fails while nginx is
    # still starting; stopping nginx then must not hang (it did 2 times in 5 once).
    results = []
    for _ in range(6):
        p = C.Proc([SERVE, "serve"], env=env)
        rc = p.wait(30)
        results.append((rc, p.stderr()))
        p.cleanup()
    bad = [(rc, err) for rc, err in results if rc in (0, None) or missing not in err]
    check("nginx/bad model dir: docker/serve exits non-zero naming it (6 starts)", not bad,
          "%d of 6: exit %r: %s" % (len(bad), bad[0][0], bad[0][1][-400:]) if bad else "")
    empty = os.path.join(tmp, "empty-model-dir")
    os.makedirs(empty, exist_ok=True)
    try:
        proc, port, _ = start_stack(binary, empty, extra_env={"TEXTCLF_FALLBACK_MODEL": model})
        st, _, data = C.invoke(port, "good", "text/plain")
        err = proc.stderr()
        check("nginx/empty SM_MODEL_DIR + TEXTCLF_FALLBACK_MODEL serves the fallback, loudly",
              st == 200 and "fallback" in err and model in err, "%d %s" % (st, err[-400:]))
        proc.cleanup()
    except RuntimeError as e:
        check("nginx/empty SM_MODEL_DIR + TEXTCLF_FALLBACK_MODEL serves the fallback, loudly", False, str(e))


def test_env_limit(binary, model):
    s = C.or_fail("nginx/SAGEMAKER_MAX_PAYLOAD_IN_MB=1", start_stack, binary, model,
                  extra_env={"SAGEMAKER_MAX_PAYLOAD_IN_MB": "1"})
    if s is None:
        return
    proc, port, _ = s
    try:
        H.test_payload_limits(port, mb=1, label="via nginx, SAGEMAKER_MAX_PAYLOAD_IN_MB=1:")
        st, _, data = C.request(port, "GET", "/execution-parameters")
        check("nginx/execution-parameters follows SAGEMAKER_MAX_PAYLOAD_IN_MB", json.loads(data)["MaxPayloadInMB"] == 1,
              repr(data))
    finally:
        proc.cleanup()


def test_idle_upstream(binary, model):
    """Kept-alive daemon connections idle past the daemon's timeout are not reused
    (that would be a 502): SAGEMAKER_MODEL_SERVER_TIMEOUT=2, requests 3 s apart. A
    client that stalls mid-body is cut off by nginx before the daemon's timeout."""
    s = C.or_fail("nginx/idle upstream connections", start_stack, binary, model,
                  extra_env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "2"})
    if s is None:
        return
    proc, port, _ = s
    try:
        statuses = []
        for i in range(3):
            statuses.append(C.invoke(port, "good", "text/plain")[0])
            if i < 2:
                time.sleep(3)
        check("nginx/requests after the daemon's idle timeout still succeed", statuses == [200] * 3,
              repr(statuses))
    finally:
        proc.cleanup()
    # Bodies stream through to the daemon, so a client that stops mid-body must be cut
    # off by nginx (client_body_timeout: half the daemon's timeout) before the daemon
    # drops the idle upstream connection, which nginx would report as a 502 "model
    # server is not answering". Daemon timeout 6 s: nginx cuts at 3 s, with 3 s to spare.
    s = C.or_fail("nginx/stalled body", start_stack, binary, model,
                  extra_env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "6"})
    if s is None:
        return
    proc, port, _ = s
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=20)
        try:
            s.sendall(b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                      b"Content-Length: 100\r\n\r\nhalf a bo")
            t0 = time.monotonic()
            data = b""
            try:
                while True:
                    b = s.recv(65536)
                    if not b:
                        break
                    data += b
            except OSError as e:
                data += b" (no close: %r)" % e
            waited = time.monotonic() - t0
        finally:
            s.close()
        check("nginx/a body stalled for longer than half the daemon's timeout is closed by nginx "
              "after %.1f s (before the daemon's 6 s), not answered 502" % waited,
              b" 502 " not in data and waited < 6.0, "%.1f s: %r" % (waited, data[:200]))
        st, _, _ = C.invoke(port, "good", "text/plain")
        check("nginx/served after a stalled body", st == 200, "status %d" % st)
    finally:
        proc.cleanup()


def rendered_timeouts(binary, model, tmp, name, env):
    """Starts the stack with env and TMPDIR in tmp; returns (nginx.conf as docker/serve
    rendered it, the daemon's argv, docker/serve's stderr), or raises RuntimeError."""
    rt = os.path.join(tmp, name)
    os.makedirs(rt)
    proc, port, dport = start_stack(binary, model, extra_env=dict(env, TMPDIR=rt))
    try:
        confs = [os.path.join(rt, d, "nginx.conf") for d in os.listdir(rt) if d.startswith("textclf-nginx.")]
        with open(confs[0]) as f:
            conf = f.read()
        daemon = [p for p, comm in children(proc.p.pid).items() if comm == "textclf"]
        with open("/proc/%d/cmdline" % daemon[0], "rb") as f:
            argv = f.read().decode().split("\0")
        C.wait_for(lambda: "ready:" in proc.stderr())
        return conf, argv, proc.stderr()
    except (OSError, IndexError) as e:
        raise RuntimeError("cannot read the rendered config or the daemon's argv: %r" % e)
    finally:
        proc.cleanup()


def test_rendered_timeouts(binary, model, tmp):
    """nginx waits 10 s longer than the daemon (proxy and send timeouts = daemon timeout
    + 10 s), and idles half as long; SAGEMAKER_BATCH=true makes the daemon's timeout
    600 s. Read from the nginx.conf docker/serve rendered, the daemon's argv and its
    ready line."""
    for name, env, t in [("t37", {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "37"}, 37),
                         ("batch", {"SAGEMAKER_BATCH": "true"}, 600),
                         ("default", {}, 60)]:
        try:
            conf, argv, err = rendered_timeouts(binary, model, tmp, "render-" + name, env)
        except RuntimeError as e:
            check("nginx/timeouts %s" % name, False, str(e))
            continue
        want = ["proxy_read_timeout %ds;" % (t + 10), "proxy_send_timeout %ds;" % (t + 10),
                "send_timeout            %ds;" % (t + 10), "client_body_timeout     %ds;" % (t // 2),
                "keepalive_timeout %ds;" % (t // 2)]
        missing = [w for w in want if w not in conf]
        check("nginx/%s: nginx timeouts = daemon timeout %d s + 10 s (idle: half)" % (name, t),
              not missing, "missing %r" % missing)
        i = argv.index("--timeout") if "--timeout" in argv else -1
        check("nginx/%s: the daemon runs with --timeout %d and reports it" % (name, t),
              i >= 0 and argv[i + 1] == str(t) and "timeout %d s)" % t in err,
              "argv %r; %s" % (argv, err[-300:]))


def test_bad_env(binary, model):
    for var, val in [("SAGEMAKER_BIND_TO_PORT", "abc"), ("SAGEMAKER_SAFE_PORT_RANGE", "9-3"),
                     ("SAGEMAKER_MAX_PAYLOAD_IN_MB", "0"), ("SAGEMAKER_MODEL_SERVER_TIMEOUT", "-1")]:
        p = C.Proc([SERVE, "serve"], env={"TEXTCLF_BIN": binary, "SM_MODEL_DIR": model, var: val})
        rc = p.wait(20)
        err = p.stderr()
        p.cleanup()
        check("nginx/docker/serve rejects %s=%s naming it" % (var, val),
              rc not in (0, None) and var in err, "exit %r: %s" % (rc, err[-300:]))


def test_setup_failure(binary, model, tmp):
    """The daemon starts before nginx's run directory is made (it loads the model
    meanwhile); a failure after that must not leave the daemon running."""
    not_a_dir = os.path.join(tmp, "tmpdir-is-a-file")
    open(not_a_dir, "w").close()
    # The daemon through a wrapper that records its pid (exec keeps it), so the check
    # below knows the daemon was started and looks at that process, not at a port it
    # may not have bound yet.
    pidfile = os.path.join(tmp, "setup-failure-daemon.pid")
    wrapper = os.path.join(tmp, "textclf-pid-wrapper")
    with open(wrapper, "w") as f:
        f.write('#!/bin/sh\necho $$ > "%s"\nexec "%s" "$@"\n' % (pidfile, binary))
    os.chmod(wrapper, 0o755)
    nport, dport = C.free_ports(2)
    p = C.Proc([SERVE, "serve"], env=stack_env(wrapper, model, nport, dport, TMPDIR=not_a_dir))
    rc = p.wait(20)
    err = p.stderr()
    p.cleanup()
    check("nginx/no run directory: docker/serve exits non-zero saying so",
          rc not in (0, None) and "cannot create a run directory" in err, "exit %r: %s" % (rc, err[-300:]))
    try:
        with open(pidfile) as f:
            dpid = int(f.read())
    except (OSError, ValueError):
        dpid = None
    left = all_gone([dpid]) if dpid else []
    check("nginx/no run directory: the daemon it had started (pid %s) is stopped" % dpid,
          dpid is not None and not left and not C.accepts(dport),
          "no daemon was started" if dpid is None else "pid %d still running" % dpid)


def test_unix_upstream(binary, model, expected):
    """TEXTCLF_UPSTREAM=unix: nginx reaches the daemon over a unix socket."""
    s = C.or_fail("nginx/unix upstream", start_stack, binary, model, extra_env={"TEXTCLF_UPSTREAM": "unix"})
    if s is None:
        return
    proc, port, _ = s
    try:
        st, _, data = C.invoke(port, json.dumps(H.TEXTS), "application/json", "application/jsonlines")
        got = [json.loads(line) for line in data.decode().splitlines()] if st == 200 else []
        why = "" if len(got) == len(expected) else "status %d, %d predictions" % (st, len(got))
        for g, w in zip(got, expected):
            why = why or C.same_prediction(g, w)
        check("nginx/TEXTCLF_UPSTREAM=unix serves through a unix socket", not why and
              "listening on unix:" in proc.stderr(), why or proc.stderr()[-300:])
    finally:
        rc = proc.stop()
        check("nginx/unix upstream: clean exit", rc == 0, "exit %r" % rc)
        proc.cleanup()


def main():
    args = C.parse_args()
    if not os.access(NGINX, os.X_OK):
        print("FAIL nginx: %s not installed (apt-get install nginx, or make deps-test)" % NGINX)
        sys.exit(1)
    tmp = tempfile.mkdtemp(prefix="textclf-nginx-it-")
    try:
        model = C.find_model(args.bin, tmp)
        expected = C.predict_cli(args.bin, model, H.TEXTS)
        classes, key = C.classes_of(expected[0])
        t0 = time.monotonic()
        try:
            proc, port, dport = start_stack(args.bin, model)
        except RuntimeError as e:
            check("nginx/stack ready", False, str(e))
            C.finish()
        ready_ms = (time.monotonic() - t0) * 1000
        said = ["nginx on port %d -> daemon on 127.0.0.1:%d" % (port, dport),
                "listening on http://127.0.0.1:%d/" % dport]
        check("nginx/stack ready after %.0f ms: docker/serve reports nginx on %d -> daemon on %d"
              % (ready_ms, port, dport), C.wait_for(lambda: all(w in proc.stderr() for w in said)),
              proc.stderr()[-400:])
        try:
            test_basic(port, dport, args.bin, model, expected, classes, key)
            test_nginx_limits(port)
            H.test_concurrency(port, args.bin, model, label="via nginx")
            S.test_slow_client(port, label="via nginx")
            S.test_streamed_uploads(port, label="via nginx")
            test_bodies_not_spilled(port, proc)
            check("nginx/stack alive after the tests", proc.alive(), proc.stderr()[-400:])
        finally:
            rc = proc.stop()
            check("nginx/docker/serve exits 0 on SIGTERM", rc == 0, "exit %r: %s" % (rc, proc.stderr()[-400:]))
            proc.cleanup()
        test_sigterm(args.bin, model)
        test_sighup(args.bin, model, tmp)
        test_child_death(args.bin, model)
        test_bad_model_and_fallback(args.bin, model, tmp)
        test_env_limit(args.bin, model)
        test_idle_upstream(args.bin, model)
        test_rendered_timeouts(args.bin, model, tmp)
        test_bad_env(args.bin, model)
        test_setup_failure(args.bin, model, tmp)
        test_unix_upstream(args.bin, model, expected)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    C.finish()


if __name__ == "__main__":
    main()
