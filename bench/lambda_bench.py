#!/usr/bin/env python3
"""Lambda runtime figures: init (process start -> first answered event) and the per-event
overhead of `textclf lambda` over the prediction itself.

    bench/lambda_bench.py [--bin build/textclf] [--model DIR]... [--runs 20] [--events 2000]

Init, two ways:
  * own Runtime API: a minimal Runtime API in this process queues one event, starts
    `textclf lambda` and takes the time from just before the process is started to the
    moment its answer arrives (POST .../response). Median, min and max over --runs.
  * the emulator (aws-lambda-rie from tools/rie.sh): the client-side time of the first
    invocation (the emulator starts the runtime then), and its own "INIT REPORT" duration.
Per event (warm), through the emulator, --events events of one 104-byte sentence in an HTTP
API 2.0 event: the runtime's own log gives handle_us (decode the event, predict, encode the
answer) and latency_us (that plus posting the answer); `textclf predict` on the same sentence
repeated 20,000 and 220,000 times gives the prediction's own time per text (the difference,
so start-up drops out). Overhead = handle - predict.
Medians. The machine's load average is printed with the results.
"""
import argparse
import http.server
import json
import os
import statistics
import subprocess
import sys
import threading
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
import common as C  # noqa: E402
import test_lambda as L  # noqa: E402

SENTENCE = ("a quietly moving film whose cast makes every small moment count, even when "
            "the plot drifts a little")


def init_own_api(binary, model, runs):
    """Process start -> first answer posted, against a Runtime API served here."""
    out = []
    event = json.dumps(L.v2_event(SENTENCE, "text/plain")).encode()
    for _ in range(runs):
        got = threading.Event()
        t_answer = [0.0]

        class H(http.server.BaseHTTPRequestHandler):
            served = False

            def log_message(self, *a):
                pass

            def do_GET(self):
                if not H.served:
                    H.served = True
                    self.send_response(200)
                    self.send_header("Lambda-Runtime-Aws-Request-Id", "bench-1")
                    self.send_header("Content-Length", str(len(event)))
                    self.end_headers()
                    self.wfile.write(event)
                else:
                    got.wait(10)
                    self.send_response(500)
                    self.send_header("Content-Length", "0")
                    self.end_headers()

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                self.rfile.read(n)
                t_answer[0] = time.perf_counter()
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()
                got.set()

        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        env = dict(os.environ, AWS_LAMBDA_RUNTIME_API="127.0.0.1:%d" % srv.server_address[1],
                   TEXTCLF_LOG_LEVEL="warn")
        t0 = time.perf_counter()
        p = subprocess.Popen([binary, "lambda", "--model-dir", model], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ok = got.wait(30)
        p.wait(30)
        srv.shutdown()
        srv.server_close()
        if not ok:
            raise RuntimeError("no answer from textclf lambda")
        out.append((t_answer[0] - t0) * 1e3)
    return out


def via_rie(rie, binary, model, events):
    r = L.Rie(rie, binary, ["--model-dir", model])
    try:
        ev = json.dumps(L.v2_event(SENTENCE, "text/plain")).encode()
        t0 = time.perf_counter()
        status, _ = r.invoke(ev)
        first_ms = (time.perf_counter() - t0) * 1e3
        assert status == 200
        for _ in range(events):
            r.invoke(ev)
        deadline = time.monotonic() + 10
        while r.proc.stdout().count('"request_id"') < events + 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        lines = [json.loads(x) for x in r.proc.stdout().splitlines() if x.startswith('{"request_id"')]
        init = [float(x.split("durationMs: ")[1].split(")")[0])
                for x in r.log().splitlines() if "INIT REPORT(durationMs:" in x]
        warm = lines[1:]
        return (first_ms, init[0] if init else float("nan"),
                statistics.median(x["handle_us"] for x in warm),
                statistics.median(x["latency_us"] for x in warm), len(warm))
    finally:
        r.stop()


def predict_us(binary, model, n1=20000, n2=220000):
    """`textclf predict`'s time per text: the difference between n2 and n1 texts, so the
    process start and model load drop out (best of 3 each)."""
    def best(n):
        data = (SENTENCE + "\n").encode() * n
        ts = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run([binary, "predict", "--model", model], input=data, check=True,
                           stdout=subprocess.DEVNULL)
            ts.append(time.perf_counter() - t0)
        return min(ts)
    return (best(n2) - best(n1)) / (n2 - n1) * 1e6


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(REPO, "build", "textclf"))
    ap.add_argument("--model", action="append")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--events", type=int, default=2000)
    a = ap.parse_args()
    models = a.model or [os.path.join(REPO, "models", "sentiment-en")]
    rie, why = L.find_rie()
    print("textclf %s; load average %s" % (
        subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                       text=True).stdout.strip(), " ".join(open("/proc/loadavg").read().split()[:3])))
    for m in models:
        name = os.path.relpath(m, REPO) if os.path.abspath(m).startswith(REPO) else m
        own = init_own_api(a.bin, m, a.runs)
        print("%s: init, process start -> first answer (own Runtime API, %d runs): median %.1f ms,"
              " min %.1f, max %.1f" % (name, len(own), statistics.median(own), min(own), max(own)))
        if rie is None:
            print("%s: no emulator (%s)" % (name, why))
            continue
        first, init, handle, lat, n = via_rie(rie, a.bin, m, a.events)
        pred = predict_us(a.bin, m)
        print("%s: emulator: first invocation %.1f ms (INIT REPORT %.1f ms)" % (name, first, init))
        print("%s: warm, %d events: handle %.1f us, handle + POST %.1f us; textclf predict %.1f us"
              " per text; overhead %.1f us" % (name, n, handle, lat, pred, handle - pred))


if __name__ == "__main__":
    main()
