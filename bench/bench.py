#!/usr/bin/python3
"""bench/bench.py - the driver behind `make bench` (bench/run.sh): textclf side by side with
the seed's Flask/gunicorn/nginx stack, same models, one run. See bench/README.md.

Steps: train the seed-style models (cached under bench/work/), export them for textclf,
check that both stacks answer a sample identically, then run the stacks alternately
(seed, textclf, seed, textclf, ...) through the wrk matrix, then the offline comparison
(textclf predict, sklearn, fastText, alternating too), and write the results as JSON
(bench/work/results.json) and Markdown (bench/report.py: stdout and bench/results/latest.md).

Only processes this script starts are ever signalled (each server runs in its own session
and is stopped through its own process group).
"""
import argparse
import datetime
import http.client
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tools"))
import textclf_common as common  # noqa: E402

PY = sys.executable
POST_LUA = os.path.join(HERE, "post.lua")
PARITY_TOL = 1e-9
MAX_CELL_S = 15
WRAPPERS = {"bash", "sh", "dash", "serve", "timeout"}


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def die(msg):
    log("error: " + msg)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- process tree memory -------------------------------------------------------------

def _children_map():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read()
        except OSError:
            continue
        # comm may contain spaces and parentheses: ppid follows the last ')'.
        rest = st[st.rfind(")") + 2:].split()
        kids.setdefault(int(rest[1]), []).append(int(d))
    return kids


def tree_pids(root):
    kids = _children_map()
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def tree_memory(root):
    """Sum of VmRSS and of Pss (kB) over the server processes under root. Shell wrappers
    (the entrypoint scripts) are left out for both stacks: they are not servers."""
    rss = pss = 0
    procs = []
    for p in tree_pids(root):
        try:
            with open(f"/proc/{p}/comm") as f:
                comm = f.read().strip()
            if comm in WRAPPERS:
                continue
            with open(f"/proc/{p}/status") as f:
                m = re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M)
            if not m:
                continue  # a kernel thread or a zombie
            r = int(m.group(1))
            s = 0
            with open(f"/proc/{p}/smaps_rollup") as f:
                m = re.search(r"^Pss:\s+(\d+) kB", f.read(), re.M)
                if m:
                    s = int(m.group(1))
        except OSError:
            continue
        rss += r
        pss += s
        procs.append(comm)
    return {"rss_kb": rss, "pss_kb": pss, "procs": sorted(procs)}


def tree_cpu_ticks(root):
    """utime + stime (clock ticks) summed over the process tree under root."""
    total = 0
    for p in tree_pids(root):
        try:
            with open(f"/proc/{p}/stat") as f:
                st = f.read()
        except OSError:
            continue
        rest = st[st.rfind(")") + 2:].split()
        total += int(rest[11]) + int(rest[12])
    return total


def wait_idle(root, limit=20.0):
    """Waits until the server tree has used under 2 ticks of CPU in 100 ms: when wrk stops,
    a server may still be working through requests queued before wrk closed its
    connections, and that work must not be charged to the next cell. Returns the wait."""
    t0 = time.perf_counter()
    last = tree_cpu_ticks(root)
    while time.perf_counter() - t0 < limit:
        time.sleep(0.1)
        now = tree_cpu_ticks(root)
        if now - last < 2:
            break
        last = now
    return time.perf_counter() - t0


# ---- HTTP helpers --------------------------------------------------------------------

def ping_once(port, timeout):
    """True when GET /ping on 127.0.0.1:port answers 200."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(b"GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            data = b""
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        return data.split(b" ", 2)[1:2] == [b"200"]
    except OSError:
        return False


def post(port, body, ctype="text/plain", timeout=60):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("POST", "/invocations", body=body,
                  headers={"Content-Type": ctype, "Accept": "application/json"})
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


# ---- the two stacks ------------------------------------------------------------------

class Stack:
    """A server process tree started in its own session. Subclasses set self.cmd/env and
    the ports; start() measures start-to-first-/ping (direct port, then the nginx port)."""
    name = "?"
    stdout_to_log = True

    def __init__(self, logdir, tag):
        self.proc = None
        self.logpath = os.path.join(logdir, f"{self.name}-{tag}.log")
        self.direct_port = free_port()
        self.nginx_port = free_port()
        while self.nginx_port == self.direct_port:
            self.nginx_port = free_port()

    def command(self):
        raise NotImplementedError

    def start(self, timeout=60):
        cmd, env = self.command()
        logf = open(self.logpath, "ab")
        t0 = time.perf_counter()
        # The daemon's access log (stdout, one line a request at its default log level)
        # is written, as deployed, but to /dev/null: a full run would fill GBs.
        self.proc = subprocess.Popen(cmd, env=env, stderr=logf,
                                     stdout=logf if self.stdout_to_log else subprocess.DEVNULL,
                                     stdin=subprocess.DEVNULL, start_new_session=True,
                                     cwd=ROOT)
        logf.close()
        ready = {}
        for key, port in (("direct", self.direct_port), ("nginx", self.nginx_port)):
            while True:
                if self.proc.poll() is not None:
                    self.stop()
                    die(f"{self.name} exited with status {self.proc.returncode} while starting; "
                        f"log {self.logpath}:\n{self.log_tail()}")
                if ping_once(port, timeout=5):
                    ready[key] = time.perf_counter() - t0
                    break
                if time.perf_counter() - t0 > timeout:
                    self.stop()
                    die(f"{self.name}: no 200 on /ping ({key}, port {port}) within {timeout} s; "
                        f"log {self.logpath}:\n{self.log_tail()}")
                time.sleep(0.002)
        return ready

    def log_tail(self, n=20):
        try:
            with open(self.logpath, "rb") as f:
                return b"\n".join(f.read().splitlines()[-n:]).decode("utf-8", "replace")
        except OSError:
            return ""

    def memory(self):
        return tree_memory(self.proc.pid)

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        pgid = self.proc.pid  # start_new_session: the group is ours alone
        try:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            log(f"{self.name}: no exit 15 s after SIGTERM; killing its process group")
        # Anything left in the group (nginx workers, gunicorn workers) goes too.
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


class SeedStack(Stack):
    name = "seed"

    def __init__(self, logdir, tag, pkl_dir):
        super().__init__(logdir, tag)
        self.pkl_dir = pkl_dir

    def command(self):
        env = dict(os.environ, SM_MODEL_DIR=self.pkl_dir, REF_PORT=str(self.nginx_port),
                   REF_DIRECT_PORT=str(self.direct_port), PYTHON=PY)
        return [os.path.join(HERE, "reference", "serve")], env


class TextclfStack(Stack):
    """textclf through the project's own entrypoint, docker/serve: the daemon on a loopback
    port from the safe range (hit directly for the direct cells) and nginx with the
    project's nginx.conf in front."""
    name = "textclf"
    stdout_to_log = False

    def __init__(self, logdir, tag, model_dir, binary, threads):
        super().__init__(logdir, tag)
        self.model_dir = model_dir
        self.binary = binary
        self.threads = threads

    def command(self):
        env = dict(os.environ, TEXTCLF_BIN=self.binary, SM_MODEL_DIR=self.model_dir,
                   SAGEMAKER_BIND_TO_PORT=str(self.nginx_port),
                   SAGEMAKER_SAFE_PORT_RANGE=f"{self.direct_port}-{self.direct_port}")
        return [os.path.join(ROOT, "docker", "serve"), "serve",
                "--threads", str(self.threads)], env


class FloorStack(Stack):
    """The machine's floor: nginx answering every request with a static 200 and no upstream.
    Shows how many req/s wrk can drive here and how much p99 the machine itself adds."""
    name = "floor"

    def __init__(self, logdir, tag, rundir):
        super().__init__(logdir, tag)
        self.nginx_port = self.direct_port
        self.rundir = rundir

    def command(self):
        os.makedirs(self.rundir, exist_ok=True)
        os.chmod(self.rundir, 0o755)
        conf = os.path.join(self.rundir, "nginx.conf")
        r = self.rundir
        with open(conf, "w") as f:
            f.write(f"""daemon off; worker_processes 1; pid {r}/nginx.pid; error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
  access_log off; client_body_temp_path {r}/cb; proxy_temp_path {r}/p;
  fastcgi_temp_path {r}/f; uwsgi_temp_path {r}/u; scgi_temp_path {r}/s;
  server {{ listen 127.0.0.1:{self.direct_port}; location / {{ return 200 "{{}}"; }} }}
}}
""")
        return ["nginx", "-e", "stderr", "-p", r, "-c", conf], dict(os.environ)


# ---- data ----------------------------------------------------------------------------

def prepare_data(data, work, quick):
    """Writes the request bodies and the offline inputs; returns their description."""
    d = os.path.join(work, "inputs")
    os.makedirs(d, exist_ok=True)
    test_labels, test_texts = common.read_tsv(os.path.join(data, "imdb", "test.tsv"))
    _, sst = common.read_tsv(os.path.join(data, "sst2", "dev.tsv"))
    for t in test_texts + sst:
        if "\n" in t or "\r" in t:
            die("a corpus text holds a line break; one-text-a-line inputs would split it")

    def median_doc(texts):
        order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
        return texts[order[len(order) // 2]]

    # (description, documents, body, Content-Type)
    bodies = {
        "sentence": ("one SST-2 sentence", 1, median_doc(sst), "text/plain"),
        "review": ("one IMDB review", 1, median_doc(test_texts), "text/plain"),
        "batch100": ("100 IMDB reviews", 100, "\n".join(test_texts[:100]) + "\n", "text/plain"),
        # the same 100 reviews as a JSON request, as Python's json module writes it
        "batch100json": ("100 IMDB reviews as JSON", 100,
                         json.dumps({"instances": test_texts[:100]}), "application/json"),
    }
    out = {"workloads": {}}
    for key, (desc, ndocs, text, ctype) in bodies.items():
        path = os.path.join(d, f"body-{key}.{'json' if ctype == 'application/json' else 'txt'}")
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        out["workloads"][key] = {"desc": desc, "docs": ndocs, "path": path, "ctype": ctype,
                                 "bytes": len(text.encode("utf-8"))}
    n = 5000 if quick else len(test_texts)
    offline_path = os.path.join(d, f"imdb-test-{n}.txt")
    with open(offline_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(t + "\n" for t in test_texts[:n]))
    empty = os.path.join(d, "empty.txt")
    open(empty, "w").close()
    out["offline"] = {"path": offline_path, "labels": test_labels[:n], "docs": n,
                      "bytes": os.path.getsize(offline_path), "empty": empty}
    # Parity sample: SST-2 sentences and IMDB reviews spread over the test set.
    step = max(1, len(test_texts) // 200)
    out["parity_texts"] = sst[:100] + test_texts[::step][:200]
    return out


# ---- models --------------------------------------------------------------------------

def ensure_models(names, data, work, logdir):
    models = {}
    mroot = os.path.join(work, "models")
    missing = [n for n in names if not (
        os.path.exists(os.path.join(mroot, n, "tfidf_vectorizer.pkl"))
        and os.path.exists(os.path.join(mroot, n, "classifier.pkl")))]
    if missing:
        log(f"training {', '.join(missing)} (cached afterwards in {mroot})")
        cmd = [PY, os.path.join(HERE, "train_models.py"), "--data", data, "--out", mroot]
        for n in missing:
            cmd += ["--only", n]
        subprocess.run(cmd, check=True)
    for n in names:
        pkl = os.path.join(mroot, n)
        tdir = os.path.join(pkl, "textclf")
        manifest = os.path.join(tdir, "manifest.json")
        newest_pkl = max(os.path.getmtime(os.path.join(pkl, f))
                         for f in ("tfidf_vectorizer.pkl", "classifier.pkl"))
        if not os.path.exists(manifest) or os.path.getmtime(manifest) < newest_pkl:
            log(f"exporting {n} with tools/export_sklearn.py")
            if os.path.exists(tdir):
                shutil.rmtree(tdir)
            with open(os.path.join(logdir, f"export-{n}.log"), "wb") as lf:
                r = subprocess.run([PY, os.path.join(ROOT, "tools", "export_sklearn.py"),
                                    "--vectorizer", os.path.join(pkl, "tfidf_vectorizer.pkl"),
                                    "--classifier", os.path.join(pkl, "classifier.pkl"),
                                    "--out", tdir], stdout=lf, stderr=subprocess.STDOUT)
            if r.returncode != 0:
                die(f"export of {n} failed; see {logdir}/export-{n}.log")
        with open(manifest) as f:
            man = json.load(f)
        models[n] = {"pkl": pkl, "textclf": tdir, "n_features": man["vectorizer"]["n_features"],
                     "ngram_range": man["vectorizer"]["ngram_range"],
                     "pkl_bytes": sum(os.path.getsize(os.path.join(pkl, f))
                                      for f in ("tfidf_vectorizer.pkl", "classifier.pkl")),
                     "textclf_bytes": sum(os.path.getsize(os.path.join(tdir, f))
                                          for f in os.listdir(tdir))}
    return models


def ensure_fasttext(data, work, ngrams, offline_in):
    """Trains fastText (Debian's CLI) on IMDB train with the given word n-gram order;
    returns (model.bin, test input in fastText's tokenisation). Tokenisation (lowercase,
    punctuation split off, <br /> removed) is done here, outside every timing."""
    d = os.path.join(work, "fasttext")
    os.makedirs(d, exist_ok=True)

    def prep(t):
        t = t.replace("<br />", " ").lower()
        return " ".join(re.sub(r"([^\w\s])", r" \1 ", t).split())

    train_txt = os.path.join(d, "train.txt")
    if not os.path.exists(train_txt):
        labels, texts = common.read_tsv(os.path.join(data, "imdb", "train.tsv"))
        with open(train_txt + ".tmp", "w", encoding="utf-8") as f:
            for lab, t in zip(labels, texts):
                f.write(f"__label__{lab} {prep(t)}\n")
        os.replace(train_txt + ".tmp", train_txt)
    test_txt = offline_in + ".fasttext"
    if not os.path.exists(test_txt):
        with open(offline_in, encoding="utf-8") as f, open(test_txt, "w", encoding="utf-8") as g:
            for line in f:
                g.write(prep(line.rstrip("\n")) + "\n")
    prefix = os.path.join(d, f"model-ng{ngrams}")
    if not os.path.exists(prefix + ".bin"):
        log(f"training fastText (wordNgrams {ngrams})")
        subprocess.run(["fasttext", "supervised", "-input", train_txt, "-output", prefix + ".tmp",
                        "-wordNgrams", str(ngrams), "-dim", "50", "-epoch", "5", "-lr", "0.5",
                        "-bucket", "2000000", "-thread", "2", "-verbose", "0"], check=True)
        os.replace(prefix + ".tmp.bin", prefix + ".bin")
        if os.path.exists(prefix + ".tmp.vec"):
            os.remove(prefix + ".tmp.vec")
    return prefix + ".bin", test_txt


# ---- parity --------------------------------------------------------------------------

def sample_answers(port, texts):
    out = []
    for i in range(0, len(texts), 100):
        body = ("\n".join(texts[i:i + 100]) + "\n").encode("utf-8")
        status, data = post(port, body)
        if status != 200:
            die(f"parity sample: HTTP {status} from port {port}: {data[:200]!r}")
        preds = json.loads(data)["predictions"]
        if len(preds) != len(texts[i:i + 100]):
            die(f"parity sample: {len(preds)} predictions for {len(texts[i:i + 100])} records")
        out.extend(preds)
    return out


def compare_answers(a, b):
    labels_equal = sum(1 for x, y in zip(a, b) if x["label"] == y["label"])
    max_dp = 0.0
    for x, y in zip(a, b):
        px, py = x.get("probabilities", {}), y.get("probabilities", {})
        if set(px) != set(py):
            return {"n": len(a), "labels_equal": labels_equal, "max_dp": float("inf")}
        for k in px:
            max_dp = max(max_dp, abs(px[k] - py[k]))
    return {"n": len(a), "labels_equal": labels_equal, "max_dp": max_dp}


# ---- wrk -----------------------------------------------------------------------------

def wrk(port, body_path, conns, duration, ctype="text/plain"):
    threads = 1 if conns == 1 else 2
    cmd = ["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{int(round(duration))}s",
           "--timeout", "10s", "-s", POST_LUA, f"http://127.0.0.1:{port}/invocations"]
    env = dict(os.environ, BENCH_BODY=body_path, BENCH_CTYPE=ctype)
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    m = re.search(r"^BENCH (\{.*\})$", r.stdout, re.M)
    if r.returncode != 0 or not m:
        die(f"wrk failed ({r.returncode}): {r.stdout[-500:]} {r.stderr[-500:]}")
    res = json.loads(m.group(1))
    res["errors"] = sum(res[k] for k in ("err_connect", "err_read", "err_write",
                                         "err_status", "err_timeout"))
    return res


def run_stack(stack, model, rnd, cells, workloads, duration, warmup, results):
    ready = stack.start()
    mem_idle = stack.memory()
    log(f"{model} round {rnd + 1}: {stack.name} ready in {ready['nginx'] * 1000:.0f} ms "
        f"(direct {ready['direct'] * 1000:.0f} ms), RSS {mem_idle['rss_kb'] / 1024:.1f} MB")
    if warmup > 0:
        wrk(stack.direct_port, workloads["sentence"]["path"], 8, warmup)
    peak = dict(mem_idle)
    settled = dict(mem_idle)
    prev_rps = {}
    for workload, path, conns in cells:
        port = stack.direct_port if path == "direct" else stack.nginx_port
        # A slow server at many connections needs a longer run than `duration` for its
        # queue to fill and drain a few times: aim for ~3x the expected latency
        # (conns / throughput seen at fewer connections), capped. The rule is the same
        # for both stacks; only the seed stack's batch cells reach it in practice.
        secs = duration
        if (workload, path) in prev_rps and prev_rps[(workload, path)] > 0:
            expected = conns / prev_rps[(workload, path)]
            secs = min(max(duration, math.ceil(3 * expected)), MAX_CELL_S)
        idle_wait = wait_idle(stack.proc.pid)
        res = wrk(port, workloads[workload]["path"], conns, secs,
                  workloads[workload].get("ctype", "text/plain"))
        res["idle_wait_s"] = idle_wait
        prev_rps[(workload, path)] = res["rps"]
        mem = stack.memory()
        if mem["rss_kb"] > peak["rss_kb"]:
            peak = mem
        # and once the burst is over: the work queued before wrk stopped is done and
        # the servers had a moment to give memory back (textclf trims its heap then)
        wait_idle(stack.proc.pid)
        time.sleep(0.2)
        mem = stack.memory()
        if mem["rss_kb"] > settled["rss_kb"]:
            settled = mem
        res.update(model=model, stack=stack.name, round=rnd, workload=workload, path=path,
                   conns=conns, seconds=secs, docs_s=res["rps"] * workloads[workload]["docs"])
        results["http"].append(res)
        log(f"  {stack.name:7} {workload:8} {path:6} c={conns:<3} {res['rps']:10.1f} req/s "
            f"p50 {res['p50_us'] / 1000:8.2f} ms p99 {res['p99_us'] / 1000:8.2f} ms"
            + (f"  ERRORS {res['errors']}" if res["errors"] else ""))
    stack.stop()
    results["servers"].append({"model": model, "stack": stack.name, "round": rnd,
                               "ready_direct_s": ready["direct"], "ready_s": ready["nginx"],
                               "rss_idle_kb": mem_idle["rss_kb"], "pss_idle_kb": mem_idle["pss_kb"],
                               "rss_peak_kb": peak["rss_kb"], "pss_peak_kb": peak["pss_kb"],
                               "rss_settled_kb": settled["rss_kb"],
                               "procs": peak["procs"]})


# ---- offline -------------------------------------------------------------------------

def run_child(cmd, stdout_path=None):
    """Runs cmd under GNU time; returns (wall s, peak RSS kB, CPU s (user+sys), stdout).
    Peak RSS is not taken from wait4() here: a child spawned from this (large) Python
    inherits the parent's RSS high-water mark through vfork+exec; time(1) forks afresh."""
    out_f = open(stdout_path, "wb") if stdout_path else subprocess.PIPE
    tfile = os.path.join(_tmpdir(), "time.out")
    t0 = time.perf_counter()
    p = subprocess.Popen(["/usr/bin/time", "-o", tfile, "-f", "%e %U %S %M"] + cmd,
                         stdout=out_f, stderr=subprocess.PIPE)
    out, err = p.communicate()
    wall = time.perf_counter() - t0
    if stdout_path:
        out_f.close()
    if p.returncode != 0:
        die(f"{' '.join(cmd[:3])} failed ({p.returncode}): "
            f"{err.decode('utf-8', 'replace')[-800:]}")
    with open(tfile) as f:
        _, user, sys_, maxrss = f.read().split()[-4:]
    return wall, int(maxrss), float(user) + float(sys_), (out or b"").decode("utf-8", "replace")


_TMP = []


def _tmpdir():
    if not _TMP:
        import atexit
        import tempfile
        _TMP.append(tempfile.mkdtemp(prefix="textclf-bench."))
        atexit.register(shutil.rmtree, _TMP[0], True)
    return _TMP[0]


def read_textclf_output(path):
    labels, probs = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            labels.append(o["label"])
            probs.append(o.get("probabilities") or o.get("scores"))
    return labels, probs


def accuracy(pred, gold):
    return sum(1 for p, g in zip(pred, gold) if p == g) / len(gold) if gold else 0.0


OFFLINE_REPS = 3


def run_net(empty_cmd, full_cmd, out):
    """Time of the work itself for a CLI that cannot time itself: the whole process on
    the input minus the whole process on an empty input (start-up and model load), as
    medians of OFFLINE_REPS alternating runs each; one run of each was seen to vary by
    20-25% on this shared machine. Returns (predict s, load s, full wall s, peak RSS kB,
    CPU s net of load)."""
    loads, fulls, cpus, lcpus, rss = [], [], [], [], 0
    for _ in range(OFFLINE_REPS):
        w, _, c, _ = run_child(empty_cmd)
        loads.append(w)
        lcpus.append(c)
        w, r, c, _ = run_child(full_cmd, out)
        fulls.append(w)
        cpus.append(c)
        rss = max(rss, r)
    load, full = statistics.median(loads), statistics.median(fulls)
    return (max(full - load, 1e-9), load, full, rss,
            max(statistics.median(cpus) - statistics.median(lcpus), 1e-9))


def run_offline(models, data_info, binary, work, rounds, fasttext_models, results):
    off = data_info["offline"]
    inp, gold, n = off["path"], off["labels"], off["docs"]
    outdir = os.path.join(work, "out")
    os.makedirs(outdir, exist_ok=True)
    for rnd in range(rounds):
        for name, m in models.items():
            # textclf: model load alone (empty input), then the whole test set.
            tc_labels = tc_probs = None
            for threads in ((1, 2) if binary else ()):
                out = os.path.join(outdir, f"textclf-{name}-t{threads}.jsonl")
                cmd = [binary, "predict", "--model", m["textclf"], "--threads", str(threads),
                       "--input"]
                predict_s, load_wall, wall, rss, cpu = run_net(cmd + [off["empty"]], cmd + [inp],
                                                               out)
                labels, probs = read_textclf_output(out)
                if len(labels) != n:
                    die(f"textclf predict wrote {len(labels)} lines for {n} inputs")
                rec = {"model": name, "engine": f"textclf predict --threads {threads}",
                       "key": f"textclf-t{threads}", "round": rnd, "docs": n,
                       "bytes": off["bytes"], "wall_s": wall, "load_s": load_wall,
                       "predict_s": predict_s, "maxrss_kb": rss,
                       "cpu_s": cpu, "accuracy": accuracy(labels, gold), "reps": OFFLINE_REPS}
                results["offline"].append(rec)
                if threads == 1:
                    tc_labels, tc_probs = labels, probs
                log(f"offline {name} round {rnd + 1}: textclf t{threads}: "
                    f"{n / rec['predict_s']:,.0f} docs/s (load {load_wall * 1000:.0f} ms)")
            # sklearn (the seed's own code path), in a fresh process.
            out = os.path.join(outdir, f"sklearn-{name}.tsv")
            wall, rss, _, so = run_child([PY, os.path.join(HERE, "offline.py"), "predict",
                                       "--model", m["pkl"], "--input", inp, "--out", out])
            meta = json.loads(so.strip().splitlines()[-1])
            sk_labels, sk_probs = [], []
            with open(out, encoding="utf-8") as f:
                for line in f:
                    parts = line.rstrip("\n").split("\t")
                    sk_labels.append(parts[0])
                    sk_probs.append([float(x) for x in parts[1:]])
            rec = {"model": name, "engine": "sklearn transform+predict_proba", "key": "sklearn",
                   "round": rnd, "docs": n, "bytes": off["bytes"], "wall_s": wall,
                   "load_s": meta["load_s"], "predict_s": meta["predict_s"],
                   "cpu_s": meta["predict_cpu_s"], "maxrss_kb": rss, "accuracy": accuracy(sk_labels, gold)}
            results["offline"].append(rec)
            log(f"offline {name} round {rnd + 1}: sklearn: {n / meta['predict_s']:,.0f} docs/s")
            if rnd == 0 and tc_labels is not None:
                classes = meta["classes"]
                max_dp = 0.0
                same = 0
                for tl, tp, sl, sp in zip(tc_labels, tc_probs, sk_labels, sk_probs):
                    same += tl == sl
                    for c, p in zip(classes, sp):
                        max_dp = max(max_dp, abs(tp[c] - p))
                results["parity"].append({"model": name, "where": f"offline, IMDB test ({n})",
                                          "n": n, "labels_equal": same, "max_dp": max_dp})
            # fastText (Debian's CLI), same data, trained with the model's n-gram order.
            ft = fasttext_models.get(name)
            if ft:
                ft_bin, ft_in = ft
                out = os.path.join(outdir, f"fasttext-{name}.txt")
                predict_s, load_wall, wall, rss, cpu = run_net(
                    ["fasttext", "predict-prob", ft_bin, off["empty"] + ".fasttext"],
                    ["fasttext", "predict-prob", ft_bin, ft_in, "1"], out)
                with open(out, encoding="utf-8") as f:
                    ft_labels = [line.split()[0][len("__label__"):] if line.strip() else ""
                                 for line in f]
                if len(ft_labels) != n:
                    die(f"fasttext wrote {len(ft_labels)} lines for {n} inputs")
                rec = {"model": name, "engine": "fastText predict-prob", "key": "fasttext",
                       "round": rnd, "docs": n, "bytes": off["bytes"], "wall_s": wall,
                       "load_s": load_wall, "predict_s": predict_s,
                       "cpu_s": cpu, "maxrss_kb": rss,
                       "accuracy": accuracy(ft_labels, gold), "reps": OFFLINE_REPS}
                results["offline"].append(rec)
                log(f"offline {name} round {rnd + 1}: fastText: {n / rec['predict_s']:,.0f} docs/s")


def run_load(models, binary, rounds, results):
    """Model load: `textclf check` (load + verify golden samples, whole process) against
    joblib.load of the two pickles (in-process, and the whole python process)."""
    for rnd in range(rounds):
        for name, m in models.items():
            if binary:
                wall, rss, _, _ = run_child([binary, "check", "--model", m["textclf"]])
                results["load"].append({"model": name, "engine": "textclf check", "round": rnd,
                                        "load_s": wall, "process_s": wall, "maxrss_kb": rss})
            wall, rss, _, so = run_child([PY, os.path.join(HERE, "offline.py"), "load",
                                       "--model", m["pkl"]])
            meta = json.loads(so.strip().splitlines()[-1])
            results["load"].append({"model": name, "engine": "joblib.load", "round": rnd,
                                    "load_s": meta["load_s"], "process_s": wall,
                                    "import_s": meta["import_s"], "maxrss_kb": rss})


# ---- main ----------------------------------------------------------------------------

def machine_info(binary):
    def first(cmd):
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            return (r.stdout + r.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "?"
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    import sklearn
    rev = first(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", ROOT, "diff", "--quiet", "HEAD", "--", "src", "include"],
                           capture_output=True).returncode != 0
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "host": platform.node(), "cpu": cpu, "cores": os.cpu_count(),
            "mem_gb": round(mem_kb / 1048576, 1), "kernel": platform.release(),
            "git": rev + ("+dirty" if dirty else ""),
            "textclf": first([binary, "version"]) if os.access(binary, os.X_OK) else "not built", "sklearn": sklearn.__version__,
            "python": platform.python_version(), "nginx": first(["nginx", "-v"]),
            "gunicorn": first([PY, "-m", "gunicorn", "--version"]),
            "wrk": first(["wrk", "-v"]), "load_before": os.getloadavg()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="~2 minute smoke run")
    ap.add_argument("--data", default=os.environ.get("TEXTCLF_DATA",
                                                     os.path.join(ROOT, "..", "shared", "data")))
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "textclf"))
    ap.add_argument("--work", default=os.path.join(HERE, "work"))
    ap.add_argument("--out", help="Markdown result (default bench/results/latest.md; "
                    "quick runs: bench/work/quick.md)")
    ap.add_argument("--duration", type=float, help="seconds per wrk cell (default 2, quick 1)")
    ap.add_argument("--rounds", type=int, help="A B rounds (default 2, quick 1)")
    ap.add_argument("--models", help="comma list of unigram,bigram (default both; quick bigram)")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2,
                    help="textclf serve --threads (default: cores)")
    ap.add_argument("--seed-only", action="store_true",
                    help="run only the seed stack and sklearn/fastText (harness check)")
    ap.add_argument("--skip-http", action="store_true")
    ap.add_argument("--skip-offline", action="store_true")
    args = ap.parse_args()
    quick = args.quick
    duration = args.duration or (1 if quick else 2)
    rounds = args.rounds or (1 if quick else 2)
    names = (args.models or ("bigram" if quick else "unigram,bigram")).split(",")
    out_md = args.out or (os.path.join(args.work, "quick.md") if quick
                          else os.path.join(HERE, "results", "latest.md"))
    binary = os.path.abspath(args.bin)
    data = os.path.abspath(args.data)
    if not os.path.exists(os.path.join(data, "imdb", "train.tsv")):
        die(f"no corpus at {data}/imdb/train.tsv (set TEXTCLF_DATA)")
    if not args.seed_only and not os.access(binary, os.X_OK):
        die(f"{binary} is not built (make)")
    for tool in ("wrk", "nginx", "fasttext"):
        if not shutil.which(tool):
            die(f"{tool} is not installed (tools/deps.sh bench)")
    work = os.path.abspath(args.work)
    logdir = os.path.join(work, "logs")
    os.makedirs(logdir, exist_ok=True)
    t_start = time.perf_counter()

    results = {"meta": machine_info(binary), "http": [], "servers": [], "offline": [],
               "load": [], "parity": []}
    results["meta"].update(quick=quick, duration_s=duration, rounds=rounds,
                           serve_threads=args.threads, gunicorn_workers=os.cpu_count())
    models = ensure_models(names, data, work, logdir)
    results["models"] = models
    dinfo = prepare_data(data, work, quick)
    results["workloads"] = {k: {kk: vv for kk, vv in v.items() if kk != "path"}
                            for k, v in dinfo["workloads"].items()}
    workloads = dinfo["workloads"]
    fasttext_models = {}
    if not args.skip_offline:
        for name in names:
            ng = models[name]["ngram_range"][1]
            fasttext_models[name] = ensure_fasttext(data, work, ng, dinfo["offline"]["path"])
        open(dinfo["offline"]["empty"] + ".fasttext", "w").close()

    conns_list = [1, 8, 64]
    cells = [(w, p, c) for w in ("sentence", "review", "batch100")
             for p in ("direct", "nginx") for c in conns_list]
    cells.append(("batch100json", "direct", 64))  # the JSON request path (issue 13)

    failed_parity = False
    if not args.skip_http:
        for name in names:
            m = models[name]
            if args.seed_only:
                for rnd in range(rounds):
                    st = SeedStack(logdir, f"{name}-r{rnd}", m["pkl"])
                    try:
                        run_stack(st, name, rnd, cells, workloads, duration,
                                  1, results)
                    finally:
                        st.stop()
                continue
            # Parity before timing: both stacks up at once, same sample, same answers.
            seed = SeedStack(logdir, f"{name}-parity", m["pkl"])
            tc = TextclfStack(logdir, f"{name}-parity", m["textclf"], binary, args.threads)
            seed.start()
            try:
                tc.start()
                try:
                    texts = dinfo["parity_texts"]
                    for path, sp, tp in (("direct", seed.direct_port, tc.direct_port),
                                         ("nginx", seed.nginx_port, tc.nginx_port)):
                        cmp = compare_answers(sample_answers(sp, texts), sample_answers(tp, texts))
                        cmp.update(model=name, where=f"HTTP {path}, SST-2+IMDB sample ({len(texts)})")
                        results["parity"].append(cmp)
                        ok = cmp["labels_equal"] == cmp["n"] and cmp["max_dp"] <= PARITY_TOL
                        log(f"parity {name} {path}: {cmp['labels_equal']}/{cmp['n']} labels equal, "
                            f"max |dp| {cmp['max_dp']:.3g}" + ("" if ok else "  MISMATCH"))
                        failed_parity |= not ok
                finally:
                    tc.stop()
            finally:
                seed.stop()
            if failed_parity:
                die("the two stacks disagree on the sample; not timing them")
            for rnd in range(rounds):
                for cls in (SeedStack, TextclfStack):
                    tag = f"{name}-r{rnd}"
                    st = (SeedStack(logdir, tag, m["pkl"]) if cls is SeedStack else
                          TextclfStack(logdir, tag, m["textclf"], binary, args.threads))
                    try:
                        run_stack(st, name, rnd, cells, workloads, duration,
                                  1, results)
                    finally:
                        st.stop()

    # The floor: what wrk and this machine give with a server that does nothing.
    if not args.skip_http:
        fres = {"http": [], "servers": []}
        fcells = [("sentence", "direct", c) for c in conns_list]
        for rnd in range(rounds):
            st = FloorStack(logdir, f"floor-r{rnd}", os.path.join(work, "floor-nginx"))
            try:
                run_stack(st, "floor", rnd, fcells, workloads, duration, 0, fres)
            finally:
                st.stop()
        results["floor"] = fres

    # Issue 3's absolute targets are for the default model: textclf alone, the single-
    # sentence cells they name, same rounds.
    default_dir = os.path.join(ROOT, "models", "sentiment-en")
    if (not args.skip_http and not args.seed_only
            and os.path.exists(os.path.join(default_dir, "manifest.json"))):
        dres = {"http": [], "servers": []}
        dcells = [("sentence", p, c) for p in ("direct", "nginx") for c in (8, 64)]
        for rnd in range(rounds):
            st = TextclfStack(logdir, f"default-r{rnd}", default_dir, binary, args.threads)
            try:
                run_stack(st, "sentiment-en", rnd, dcells, workloads, duration, 1, dres)
            finally:
                st.stop()
        results["default_model"] = dres

    if not args.skip_offline:
        run_load(models, None if args.seed_only else binary, rounds, results)
        run_offline(models, dinfo, None if args.seed_only else binary, work, rounds,
                    fasttext_models, results)

    results["meta"]["total_s"] = time.perf_counter() - t_start
    results["meta"]["load_after"] = os.getloadavg()
    rpath = os.path.join(work, "quick.json" if quick else "results.json")
    with open(rpath, "w") as f:
        json.dump(results, f, indent=1)
    log(f"raw results: {rpath}; total {results['meta']['total_s']:.0f} s")
    os.makedirs(os.path.dirname(os.path.abspath(out_md)), exist_ok=True)
    r = subprocess.run([PY, os.path.join(HERE, "report.py"), rpath, "--out", out_md])
    return r.returncode


if __name__ == "__main__":
    sys.exit(main())
