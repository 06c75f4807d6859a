"""Integration tests of `textclf lambda` under the real AWS Lambda Runtime Interface Emulator
(aws-lambda-rie, built from its pinned Go module by tools/rie.sh): events POSTed to the
emulator's /2015-03-31/functions/function/invocations on loopback ports chosen at runtime.

Every HTTP event's answer is compared with what the real `textclf serve` answers the same
request on /invocations (status, content type, body bytes: the same codec, negotiation,
limits and error texts), and predictions with `textclf predict`. A few things the emulator
cannot do (send Lambda-Runtime-Trace-Id, answer 500 on /next) are checked against a stub
Runtime API written here; those checks are named "stub:".

    /usr/bin/python3 tests/integration/test_lambda.py --bin build/textclf --build build
Environment: TEXTCLF_RIE (the emulator binary; default: tools/rie.sh builds or finds it).
Without the emulator every check FAILs: it is not optional.
"""
import base64
import http.client
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402
from common import check  # noqa: E402

INVOKE_PATH = "/2015-03-31/functions/function/invocations"
TEXTS = ["a wonderful, moving film with great acting", "dull, lifeless and far too long", "",
         'the plot "twists" were, frankly, predictable', "café crème brûlée — naïve 😀"]


def find_rie():
    rie = os.environ.get("TEXTCLF_RIE")
    if rie:
        return rie, ""
    r = subprocess.run([os.path.join(C.REPO, "tools", "rie.sh")], capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout.strip():
        return None, (r.stderr or r.stdout).strip()[-500:]
    return r.stdout.strip().splitlines()[-1], ""


class Rie:
    """aws-lambda-rie running `textclf lambda ARGS` on free loopback ports."""

    def __init__(self, rie, binary, args, env=None, command="lambda"):
        self.port, api = C.free_ports(2)
        argv = [rie, "--runtime-interface-emulator-address", "127.0.0.1:%d" % self.port,
                "--runtime-api-address", "127.0.0.1:%d" % api, binary, command] + list(args)
        e = {"AWS_LAMBDA_FUNCTION_TIMEOUT": "30"}
        e.update(env or {})
        self.proc = C.Proc(argv, env=e)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if not self.proc.alive():
                raise RuntimeError("the emulator exited: %s" % self.proc.stderr()[-500:])
            try:
                C.socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.01)
        self.proc.cleanup()
        raise RuntimeError("the emulator does not listen after 20 s")

    def invoke(self, event, headers=None, timeout=60):
        """POSTs event (dict -> JSON, or bytes) and returns (http status, body bytes)."""
        body = event if isinstance(event, bytes) else json.dumps(event).encode("utf-8")
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("POST", INVOKE_PATH, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def log(self):
        return self.proc.stdout() + self.proc.stderr()

    def stop(self):
        self.proc.cleanup()


def v2_event(body, ctype=None, accept=None, method="POST", path="/invocations", b64=False,
             stage="$default", extra_headers=None):
    h = dict(extra_headers or {})
    if ctype is not None:
        h["content-type"] = ctype
    if accept is not None:
        h["accept"] = accept
    if isinstance(body, bytes):
        body = base64.b64encode(body).decode() if b64 else body.decode("utf-8")
    elif b64:
        body = base64.b64encode(body.encode("utf-8")).decode()
    return {"version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": "",
            "headers": h, "requestContext": {"http": {"method": method, "path": path},
                                             "stage": stage, "requestId": "r1"},
            "body": body, "isBase64Encoded": b64}


def v1_event(body, ctype=None, accept=None, method="POST", path="/invocations", b64=False):
    h = {}
    if ctype is not None:
        h["Content-Type"] = ctype
    if accept is not None:
        h["Accept"] = accept
    if b64:
        body = base64.b64encode(body.encode("utf-8") if isinstance(body, str) else body).decode()
    return {"resource": "/{proxy+}", "path": path, "httpMethod": method, "headers": h,
            "multiValueHeaders": {}, "requestContext": {"stage": "prod"}, "body": body,
            "isBase64Encoded": b64}


def answer_of(status, raw):
    """(statusCode, headers, body) of an HTTP event's answer, or a reason string."""
    if status != 200:
        return "the emulator answered HTTP %d: %r" % (status, raw[:300])
    try:
        a = json.loads(raw)
    except ValueError:
        return "answer is not JSON: %r" % raw[:300]
    if set(a) != {"statusCode", "headers", "body", "isBase64Encoded"} or \
            a["isBase64Encoded"] is not False or not isinstance(a["body"], str):
        return "answer does not have the proxy shape: %r" % raw[:300]
    return a["statusCode"], a["headers"], a["body"].encode("utf-8")


def same_as_serve(name, rie, daemon_port, event, body, ctype, accept):
    """The HTTP event's answer equals serve's answer to the same request."""
    st, hd, want = C.invoke(daemon_port, body, content_type=ctype, accept=accept)
    got = answer_of(*rie.invoke(event))
    if isinstance(got, str):
        return check(name, False, got)
    code, headers, gbody = got
    ok = code == st and headers.get("content-type") == hd.get("content-type") and gbody == want
    return check(name, ok, "answer %d %r %r; serve %d %r %r" % (
        code, headers.get("content-type"), gbody[:200], st, hd.get("content-type"), want[:200]))


def function_error(status, raw):
    """(errorType, errorMessage) of a function error answer, or None."""
    try:
        a = json.loads(raw)
    except ValueError:
        return None
    if isinstance(a, dict) and set(a) == {"errorMessage", "errorType", "stackTrace"}:
        return a["errorType"], a["errorMessage"]
    return None


def test_http_events(rie, port, model, binary):
    plain = "".join(t + "\n" for t in TEXTS)
    want = C.predict_cli(binary, model, TEXTS)
    got = answer_of(*rie.invoke(v2_event(plain, "text/plain", "application/jsonlines")))
    if isinstance(got, str):
        check("lambda/v2 text/plain predictions", False, got)
    else:
        preds = [json.loads(x) for x in got[2].decode("utf-8").splitlines()]
        why = "" if len(preds) == len(want) else "%d predictions for %d texts" % (len(preds), len(want))
        for g, w in zip(preds, want):
            why = why or C.same_prediction(g, w)
        check("lambda/v2 text/plain: %d predictions equal textclf predict's" % len(want), not why, why)

    csv_body = "".join('"%s",%d\r\n' % (t.replace('"', '""'), i) for i, t in enumerate(TEXTS))
    json_body = json.dumps({"instances": TEXTS}, ensure_ascii=False)
    jl_body = "".join(json.dumps({"text": t}) + "\n" for t in TEXTS)
    bodies = [("text/plain", plain), ("text/csv", csv_body), ("application/json", json_body),
              ("application/jsonlines", jl_body), (None, plain)]
    for ctype, body in bodies:
        for accept in (None, "application/json", "application/jsonlines", "text/csv",
                       "text/csv;q=0.4, application/jsonlines;q=0.9", "*/*"):
            same_as_serve("lambda/v2 %s, Accept %s = serve's /invocations" % (ctype, accept),
                          rie, port, v2_event(body, ctype, accept), body, ctype, accept)
    for ctype, body in bodies[:4]:
        same_as_serve("lambda/v1 (REST) %s = serve's" % ctype, rie, port,
                      v1_event(body, ctype, "application/jsonlines"), body, ctype,
                      "application/jsonlines")
        same_as_serve("lambda/v2 base64 %s = serve's" % ctype, rie, port,
                      v2_event(body, ctype, "text/csv", b64=True), body, ctype, "text/csv")
        same_as_serve("lambda/v1 base64 %s = serve's" % ctype, rie, port,
                      v1_event(body, ctype, None, b64=True), body, ctype, None)
    furl = v2_event(json_body, "application/json", None, path="/")
    furl["requestContext"]["domainName"] = "abcdefgh.lambda-url.eu-west-1.on.aws"
    same_as_serve("lambda/Function URL event (POST /) = serve's", rie, port, furl, json_body,
                  "application/json", None)
    same_as_serve("lambda/v2 stage prefix /prod/invocations = serve's", rie, port,
                  v2_event(plain, "text/plain", path="/prod/invocations", stage="prod"), plain,
                  "text/plain", None)
    big = "".join("%s %d\n" % (TEXTS[i % 4], i) for i in range(40000)).encode("utf-8")
    same_as_serve("lambda/v2 base64 body of %d bytes = serve's" % len(big), rie, port,
                  v2_event(big, "text/plain", "application/jsonlines", b64=True), big,
                  "text/plain", "application/jsonlines")

    errors = [("bad JSON", "application/json", None, '{"instances": ["a",]}'),
              ("wrong JSON shape", "application/json", None, '{"instances": 3}'),
              ("bad CSV", "text/csv", None, '"unterminated,1\n'),
              ("empty body", "text/plain", None, ""),
              ("415 Content-Type", "application/xml", None, "<a/>"),
              ("415 charset", "text/plain; charset=latin-1", None, "x"),
              ("406 Accept", "text/plain", "text/html", "x")]
    for name, ctype, accept, body in errors:
        same_as_serve("lambda/error %s: same status and error text as serve" % name, rie, port,
                      v2_event(body, ctype, accept), body, ctype, accept)
    bad = b"good\nbad \xff\xfe byte\n"
    same_as_serve("lambda/error bad UTF-8 (base64 body): same 400 and byte offset as serve",
                  rie, port, v2_event(bad, "text/plain", b64=True), bad, "text/plain", None)

    for method, path, code, allow in (("GET", "/ping", 200, None), ("HEAD", "/ping", 200, None),
                                      ("GET", "/invocations", 405, "POST"),
                                      ("POST", "/ping", 405, "GET, HEAD"),
                                      ("POST", "/models", 404, None)):
        got = answer_of(*rie.invoke(v2_event("x", method=method, path=path)))
        ok = not isinstance(got, str) and got[0] == code and \
            (allow is None or got[1].get("allow") == allow) and \
            (code != 200 or got[2] == b"") and (code == 200 or b'"status":%d' % code in got[2])
        check("lambda/%s %s -> %d%s" % (method, path, code, " (allow: %s)" % allow if allow else ""),
              ok, repr(got)[:300])
    got = answer_of(*rie.invoke(v2_event("great", "text/plain", extra_headers={
        "x-amzn-sagemaker-custom-attributes": "trace=1"})))
    check("lambda/custom attributes header echoed", not isinstance(got, str) and
          got[1].get("x-amzn-sagemaker-custom-attributes") == "trace=1", repr(got)[:300])
    got = answer_of(*rie.invoke({"httpMethod": "POST", "path": "/", "headers": {"accept": 1}}))
    check("lambda/malformed REST event (a header that is not a string) -> 400 naming it",
          not isinstance(got, str) and got[0] == 400 and b"accept" in got[2], repr(got)[:300])


def test_direct(rie, port):
    for body in ('{"instances":["superb",{"text":"awful"}]}', '{"text":"a quiet masterpiece"}',
                 '"superb"', '["superb","awful"]'):
        st, hd, want = C.invoke(port, body, content_type="application/json")
        status, raw = rie.invoke(body.encode("utf-8"))
        check("lambda/direct %s = serve's application/json answer" % body[:30],
              status == 200 and st == 200 and raw == want, "%d %r; serve %r" % (status, raw[:200], want[:200]))
    for name, body in (("bad JSON", b'{"instances": [1,'), ("wrong shape", b'{"instances": [1]}'),
                       ("bad UTF-8", b'"bad \xff"'), ("not JSON at all", b"hello there")):
        st, hd, want = C.invoke(port, body, content_type="application/json")
        status, raw = rie.invoke(body)
        fe = function_error(status, raw)
        ok = fe is not None and fe[0] == "ClientError" and fe[1] == json.loads(want)["error"]
        check("lambda/direct %s -> ClientError with serve's error text" % name, ok,
              "%r; serve %r" % (raw[:300], want[:200]))


def test_limits(rie_path, binary, model):
    """SAGEMAKER_MAX_PAYLOAD_IN_MB=1, TEXTCLF_MAX_RECORDS=5: the same 413s as serve."""
    env = {"SAGEMAKER_MAX_PAYLOAD_IN_MB": "1", "TEXTCLF_MAX_RECORDS": "5"}
    d, port, _ = C.start_daemon(binary, model, env=env)
    rie = Rie(rie_path, binary, ["--model-dir", model], env=env)
    try:
        six = "".join("fine %d\n" % i for i in range(6))
        same_as_serve("lambda/413 more records than TEXTCLF_MAX_RECORDS = serve's", rie, port,
                      v2_event(six, "text/plain"), six, "text/plain", None)
        big = ("x" * 99 + "\n") * 15000
        got = answer_of(*rie.invoke(v2_event(big, "text/plain", b64=True)))
        want = "request body of %d bytes exceeds the limit of 1 MiB" % len(big)
        check("lambda/413 body over SAGEMAKER_MAX_PAYLOAD_IN_MB (base64): serve's message",
              not isinstance(got, str) and got[0] == 413 and want.encode() in got[2], repr(got)[:300])
        status, raw = rie.invoke(json.dumps(["a"] * 6).encode())
        fe = function_error(status, raw)
        check("lambda/direct over TEXTCLF_MAX_RECORDS -> ClientError", fe is not None and
              fe[0] == "ClientError" and "5" in fe[1], repr(raw[:300]))
    finally:
        rie.stop()
        d.cleanup()


def test_response_cap(rie):
    """An answer over Lambda's 6 MB response cap is a clear 413, not a runtime failure."""
    body = "ok\n" * 150000
    got = answer_of(*rie.invoke(v2_event(body, "text/plain", "application/json")))
    check("lambda/answer over the 6 MB response cap -> 413 saying so",
          not isinstance(got, str) and got[0] == 413 and b"response limit" in got[2], repr(got)[:300])
    status, raw = rie.invoke(json.dumps(["ok"] * 150000).encode())
    fe = function_error(status, raw)
    check("lambda/direct answer over the cap -> ClientError saying so",
          fe is not None and fe[0] == "ClientError" and "response limit" in fe[1], repr(raw[:300]))
    got = answer_of(*rie.invoke(v2_event("great", "text/plain")))
    check("lambda/the runtime answers the next event after those",
          not isinstance(got, str) and got[0] == 200, repr(got)[:300])


def test_init_errors(rie_path, binary, tmp, model):
    bad = os.path.join(tmp, "bad-model")
    shutil.copytree(model, bad)
    with open(os.path.join(bad, "vocab.tsv"), "a") as f:
        f.write("extra\t1.0\n")
    for name, args, env, want_type, want_text, want_rc in (
            ("corrupt model", ["--model-dir", bad], {}, "Runtime.ModelLoadError", "vocab.tsv", 1),
            ("missing model", ["--model-dir", os.path.join(tmp, "nope")], {},
             "Runtime.ModelLoadError", "nope", 1),
            ("bad setting", ["--model-dir", model], {"TEXTCLF_MAX_RECORDS": "0"},
             "Runtime.ConfigError", "TEXTCLF_MAX_RECORDS", 2)):
        rie = Rie(rie_path, binary, args, env=env)
        try:
            status, raw = rie.invoke(v2_event("great", "text/plain"))
            fe = function_error(status, raw)
            deadline = time.monotonic() + 10
            while "exited" not in rie.log() and time.monotonic() < deadline:
                time.sleep(0.02)
            log = rie.log()
            check("lambda/init error, %s: reported as %s naming %s" % (name, want_type, want_text),
                  fe is not None and fe[0] == want_type and want_text in fe[1],
                  "HTTP %d %r" % (status, raw[:300]))
            check("lambda/init error, %s: the runtime exits %d" % (name, want_rc),
                  "exited: exit status %d" % want_rc in log, log[-600:])
        finally:
            rie.stop()


def test_model_from_env_and_warm(rie_path, binary, model):
    rie = Rie(rie_path, binary, [], env={"TEXTCLF_MODEL_DIR": model})
    try:
        answers = [answer_of(*rie.invoke(v2_event("great", "text/plain"))) for _ in range(5)]
        ok = all(not isinstance(a, str) and a[0] == 200 for a in answers)
        check("lambda/TEXTCLF_MODEL_DIR chooses the model (no --model-dir)", ok, repr(answers[0])[:300])
        deadline = time.monotonic() + 5
        while rie.proc.stdout().count('"request_id"') < 5 and time.monotonic() < deadline:
            time.sleep(0.02)
        log = rie.log()
        lines = [json.loads(x) for x in rie.proc.stdout().splitlines() if x.startswith('{"request_id"')]
        check("lambda/5 events answered by one warm process (one init, one log line each)",
              log.count("textclf lambda: info: ready:") == 1 and len(lines) == 5 and
              all(x["status"] == 200 and x["kind"] == "http-v2" for x in lines), log[-800:])
    finally:
        rie.stop()


def test_entrypoint(rie_path, binary, model, tmp):
    """docker/serve (the image's entrypoint) under the emulator: Lambda mode, model rule."""
    empty = os.path.join(tmp, "empty")
    os.makedirs(empty, exist_ok=True)
    serve = os.path.join(C.REPO, "docker", "serve")
    base = {"TEXTCLF_BIN": binary, "SM_MODEL_DIR": empty, "TEXTCLF_FALLBACK_MODEL": model}
    for name, env, want_log in (
            ("empty /opt/ml/model -> the bundled model, logged", {}, "bundled fallback model"),
            ("TEXTCLF_MODEL_DIR wins", {"TEXTCLF_MODEL_DIR": model}, None)):
        e = dict(base)
        e.update(env)
        # The image's ENTRYPOINT and CMD: `serve serve`.
        rie = Rie(rie_path, serve, [], env=e, command="serve")
        try:
            got = answer_of(*rie.invoke(v2_event("great", "text/plain")))
            log = rie.log()
            ok = not isinstance(got, str) and got[0] == 200 and "textclf lambda: info: ready" in log \
                and (want_log is None or want_log in log) and "nginx" not in log.lower()
            check("lambda/docker/serve with AWS_LAMBDA_RUNTIME_API: %s, no nginx" % name, ok,
                  "%r; log: %s" % (got, log[-600:]))
        finally:
            rie.stop()


# ---- stub Runtime API: only for what the emulator cannot do -------------------------------

class Stub:
    """A minimal Runtime API: serves the queued events, records what the runtime posts, then
    answers /next with `final_status`."""

    def __init__(self, events, final_status=500):
        self.events = list(events)
        self.posts = []
        stub = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                if self.path.endswith("/runtime/invocation/next") and stub.events:
                    rid, trace, body = stub.events.pop(0)
                    self.send_response(200)
                    self.send_header("Lambda-Runtime-Aws-Request-Id", rid)
                    self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30000))
                    if trace:
                        self.send_header("Lambda-Runtime-Trace-Id", trace)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    self.send_response(final_status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                stub.posts.append((self.path, dict(self.headers), self.rfile.read(n)))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_stub(binary, model):
    trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    stub = Stub([("id-1", trace, json.dumps(v2_event("great film", "text/plain")).encode()),
                 ("id-2", None, b'"superb"')])
    p = C.Proc([binary, "lambda", "--model-dir", model],
               env={"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:%d" % stub.port})
    try:
        rc = p.wait(15)
        lines = [json.loads(x) for x in p.stdout().splitlines() if x.startswith("{")]
        check("stub: Lambda-Runtime-Trace-Id is in _X_AMZN_TRACE_ID while the event is answered",
              len(lines) == 2 and lines[0].get("trace_id") == trace and "trace_id" not in lines[1],
              p.stdout()[-500:])
        paths = [x[0] for x in stub.posts]
        check("stub: answers posted to /2018-06-01/runtime/invocation/{id}/response",
              paths == ["/2018-06-01/runtime/invocation/id-1/response",
                        "/2018-06-01/runtime/invocation/id-2/response"] and
              all(x[1].get("Content-Type") == "application/json" for x in stub.posts), repr(paths))
        check("stub: GET .../next answered 500 -> exit 1 at once, with a message",
              rc == 1 and "answered 500" in p.stderr(), "rc %r: %s" % (rc, p.stderr()[-300:]))
    finally:
        p.cleanup()
        stub.close()
    port = C.free_port()
    p = C.Proc([binary, "lambda", "--model-dir", model],
               env={"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:%d" % port})
    rc = p.wait(15)
    check("unreachable Runtime API -> exit 1 with a message", rc == 1 and
          "cannot be reached" in p.stderr(), "rc %r: %s" % (rc, p.stderr()[-300:]))
    p.cleanup()
    env = dict(os.environ)
    env.pop("AWS_LAMBDA_RUNTIME_API", None)
    r = subprocess.run([binary, "lambda", "--model-dir", model], env=env, capture_output=True,
                       text=True, timeout=15)
    check("no AWS_LAMBDA_RUNTIME_API -> exit 2 saying what it needs", r.returncode == 2 and
          "AWS_LAMBDA_RUNTIME_API" in r.stderr, "rc %d: %s" % (r.returncode, r.stderr))


def main():
    args = C.parse_args()
    tmp = tempfile.mkdtemp(prefix="textclf-lambda-")
    rie_path, why = find_rie()
    if rie_path is None or not os.access(rie_path, os.X_OK):
        check("lambda/emulator", False, "aws-lambda-rie is not available (tools/rie.sh: %s)" % why)
        C.finish()
    model = os.path.join(C.REPO, "models", "sentiment-en")
    r = subprocess.run([args.bin, "check", "--model", model], capture_output=True, text=True)
    if not check("lambda/the bundled model loads", r.returncode == 0, r.stderr[-300:]):
        C.finish()
    d = rie = None
    try:
        d, port, _ = C.start_daemon(args.bin, model)
        rie = Rie(rie_path, args.bin, ["--model-dir", model])
        test_http_events(rie, port, model, args.bin)
        test_direct(rie, port)
        test_response_cap(rie)
        rie.stop()
        rie = None
        test_limits(rie_path, args.bin, model)
        test_init_errors(rie_path, args.bin, tmp, model)
        test_model_from_env_and_warm(rie_path, args.bin, model)
        test_entrypoint(rie_path, args.bin, model, tmp)
        test_stub(args.bin, model)
    except Exception as e:  # a harness failure is a failed check, never a silent pass
        check("lambda/harness", False, "%s: %s" % (type(e).__name__, e))
    finally:
        if rie is not None:
            rie.stop()
        if d is not None:
            d.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    C.finish()


if __name__ == "__main__":
    main()
