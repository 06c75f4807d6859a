#!/usr/bin/python3
"""bench/report.py RESULTS.json [--out FILE.md] - turns bench/bench.py's raw results into the
Markdown report (medians over the rounds; ratios are textclf / seed, or textclf / engine
offline). Prints it to stdout and writes it to --out. Exit 0 (targets missed are reported
in the table, not as a failure of the benchmark)."""
import argparse
import json
import statistics
import sys

WL_ORDER = ["sentence", "review", "batch100", "batch100json"]
BATCHES = ("batch100", "batch100json")
PATHS = ["direct", "nginx"]


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def f_num(x, digits=0, scale=1):
    if x is None:
        return "–"
    if digits == 0:
        return f"{x * scale:,.0f}"
    return f"{x * scale:,.{digits}f}"


def f_ms(us):
    if us is None:
        return "–"
    ms = us / 1000
    return f"{ms:.3f}" if ms < 1 else f"{ms:.2f}" if ms < 100 else f"{ms:.0f}"


def f_ratio(x):
    if x is None:
        return "–"
    return f"{x:.1f}×" if x >= 1 else f"{x:.3f}×"


def ratio(a, b):
    return a / b if a is not None and b else None


def mark(ok):
    return "✅" if ok else "❌"


def headline(res):
    """A compact table of the main cells, both models side by side (also for the README)."""
    models = list(res.get("models", {}))
    if not models or not res["http"]:
        return []

    def cell(model, stack, wl, path, conns, key):
        return med([h[key] for h in res["http"] if h["model"] == model and h["stack"] == stack
                    and h["workload"] == wl and h["path"] == path and h["conns"] == conns])

    def srv(model, stack, key):
        return med([x[key] for x in res["servers"] if x["model"] == model and x["stack"] == stack])

    def off(model, key):
        return med([x["docs"] / x["predict_s"] for x in res["offline"]
                    if x["model"] == model and x["key"] == key])

    rows = []
    for wl, label in (("sentence", "one sentence"), ("review", "one review"),
                      ("batch100", "100 reviews"), ("batch100json", "100 reviews as JSON")):
        for path in ("direct", "nginx"):
            key = "docs_s" if wl in BATCHES else "rps"
            unit = "docs/s" if wl in BATCHES else "req/s"
            if cell(models[0], "textclf", wl, path, 64, key) is None:
                continue
            rows.append((f"{label}, {path}, 64 conns: {unit}",
                         [(cell(m, "seed", wl, path, 64, key), cell(m, "textclf", wl, path, 64, key))
                          for m in models], f_num, False))
    rows.append(("one sentence, direct, 8 conns: p99 ms",
                 [(cell(m, "seed", "sentence", "direct", 8, "p99_us"),
                   cell(m, "textclf", "sentence", "direct", 8, "p99_us")) for m in models],
                 f_ms, True))
    rows.append(("start → first /ping 200 via nginx: ms",
                 [(srv(m, "seed", "ready_s"), srv(m, "textclf", "ready_s")) for m in models],
                 lambda v: f_num(v, 0, 1000), True))
    rows.append(("RSS of the server processes, peak: MB",
                 [(srv(m, "seed", "rss_peak_kb"), srv(m, "textclf", "rss_peak_kb")) for m in models],
                 lambda v: f_num(v, 1, 1 / 1024), True))
    if res["offline"]:
        rows.append(("offline docs/s, 1 thread, vs sklearn",
                     [(off(m, "sklearn"), off(m, "textclf-t1")) for m in models], f_num, False))
        rows.append(("offline docs/s, 1 thread, vs fastText",
                     [(off(m, "fasttext"), off(m, "textclf-t1")) for m in models], f_num, False))
    out = ["| measure | " + " | ".join(f"{m}: seed | {m}: textclf | ×" for m in models) + " |",
           "|---|" + "---:|---:|---:|" * len(models)]
    for label, vals, fmt, lower_better in rows:
        parts = []
        for s_, t_ in vals:
            r = ratio(s_, t_) if lower_better else ratio(t_, s_)
            parts.append(f"{fmt(s_)} | {fmt(t_)} | {f_ratio(r)}")
        out.append(f"| {label} | " + " | ".join(parts) + " |")
    return out


def build(res):
    meta = res["meta"]
    out = []
    w = out.append
    w(f"# textclf vs the seed stack — {meta['date']}")
    w("")
    w(f"Machine: `{meta['host']}`, {meta['cpu']}, {meta['cores']} cores, {meta['mem_gb']} GB, "
      f"Linux {meta['kernel']}; load average before {meta['load_before'][0]:.2f}, after "
      f"{meta.get('load_after', [0])[0]:.2f} (the machine is shared: other work may run).")
    w(f"textclf `{meta['textclf']}` at git `{meta['git']}`; scikit-learn {meta['sklearn']} "
      f"(Python {meta['python']}); {meta['gunicorn']}; {meta['nginx']}; {meta['wrk']}.")
    w(f"Settings: {'QUICK smoke run, ' if meta['quick'] else ''}wrk {meta['duration_s']:g} s per "
      f"cell, {meta['rounds']} round(s) seed/textclf alternating (medians shown), "
      f"`textclf serve --threads {meta['serve_threads']}`, gunicorn "
      f"{meta['gunicorn_workers']} sync workers; total run {meta.get('total_s', 0):.0f} s.")
    w("")
    head = headline(res)
    if head:
        w("## Headline")
        w("")
        w("Medians of this run. × = how many times better textclf is (higher req/s or docs/s, "
          "or lower latency / time / memory). \"seed\" on the offline rows is sklearn or "
          "fastText as named. Every cell is in the tables below.")
        w("")
        out.extend(head)
        w("")
    models = res.get("models", {})
    if models:
        w("| model | vectorizer | features | seed pickles | textclf model dir |")
        w("|---|---|---:|---:|---:|")
        for name, m in models.items():
            ng = m["ngram_range"]
            desc = ("TfidfVectorizer() defaults" if ng == [1, 1] else
                    f"TfidfVectorizer(ngram_range=({ng[0]},{ng[1]}), min_df=2, sublinear_tf=True)")
            w(f"| {name} | {desc} + LogisticRegression | {m['n_features']:,} | "
              f"{m['pkl_bytes'] / 1e6:.1f} MB | {m['textclf_bytes'] / 1e6:.1f} MB |")
        w("")
        wl = res.get("workloads", {})
        if wl:
            w("Workloads: " + "; ".join(
                f"{v['desc']} ({v['bytes']:,} bytes, {v.get('ctype', 'text/plain')})"
                for k, v in wl.items()) + ".")
            w("")

    if res["parity"]:
        w("## Same answers (checked before timing)")
        w("")
        w("| model | where | labels equal | max abs Δp |")
        w("|---|---|---:|---:|")
        for p in res["parity"]:
            ok = p["labels_equal"] == p["n"] and p["max_dp"] <= 1e-9
            w(f"| {p['model']} | {p['where']} | {p['labels_equal']}/{p['n']} | "
              f"{p['max_dp']:.2g} {mark(ok)} |")
        w("")

    targets = []  # (description, ok, detail)
    http = res["http"]
    if http:
        w("## HTTP: wrk, POST /invocations (text/plain, and one JSON workload → application/json)")
        w("")
        w("req/s and docs/s: higher is better; p50/p99 latency in ms. × = textclf / seed "
          "(for p99, seed / textclf: how many times lower). Target (issue 5): single-document "
          "cells ≥ 50× req/s and p99 ≥ 20× lower; 100-review batches ≥ 20× docs/s.")
        w("")
        for name in models or sorted({h["model"] for h in http}):
            rows = [h for h in http if h["model"] == name]
            if not rows:
                continue
            w(f"### {name} model")
            w("")
            w("| workload | path | conns | seed req/s | textclf req/s | × | seed docs/s | "
              "textclf docs/s | seed p50 | textclf p50 | seed p99 | textclf p99 | p99 × | target |")
            w("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|")
            for wl_key in WL_ORDER:
                for path in PATHS:
                    for conns in sorted({h["conns"] for h in rows}):
                        cell = {}
                        for stack in ("seed", "textclf"):
                            rs = [h for h in rows if h["stack"] == stack and h["workload"] == wl_key
                                  and h["path"] == path and h["conns"] == conns]
                            cell[stack] = {
                                "rps": med([h["rps"] for h in rs]),
                                "docs_s": med([h["docs_s"] for h in rs]),
                                "p50": med([h["p50_us"] for h in rs]),
                                "p99": med([h["p99_us"] for h in rs]),
                                "err": sum(h["errors"] for h in rs), "n": len(rs)}
                        s, t = cell["seed"], cell["textclf"]
                        if not s["n"] and not t["n"]:
                            continue
                        r_rps = ratio(t["rps"], s["rps"])
                        r_p99 = ratio(s["p99"], t["p99"])
                        if wl_key == "batch100json":
                            tgt = "–"  # no issue-5 target: the JSON decoder's cell
                        elif wl_key == "batch100":
                            ok = r_rps is not None and r_rps >= 20
                            tgt = f"{mark(ok)} ≥20×"
                            targets.append((f"{name} 100 reviews {path} c={conns}: docs/s ≥ 20×",
                                            ok, f_ratio(r_rps)))
                        else:
                            ok1 = r_rps is not None and r_rps >= 50
                            ok2 = r_p99 is not None and r_p99 >= 20
                            tgt = f"{mark(ok1)} {mark(ok2)}"
                            targets.append((f"{name} {wl_key} {path} c={conns}: req/s ≥ 50×",
                                            ok1, f_ratio(r_rps)))
                            targets.append((f"{name} {wl_key} {path} c={conns}: p99 ≤ 1/20",
                                            ok2, f_ratio(r_p99)))
                        errs = ""
                        if s["err"] or t["err"]:
                            errs = f" (errors: seed {s['err']}, textclf {t['err']})"
                        w(f"| {wl_key} | {path} | {conns} | {f_num(s['rps'])} | {f_num(t['rps'])} | "
                          f"{f_ratio(r_rps)} | {f_num(s['docs_s'])} | {f_num(t['docs_s'])} | "
                          f"{f_ms(s['p50'])} | {f_ms(t['p50'])} | {f_ms(s['p99'])} | "
                          f"{f_ms(t['p99'])} | {f_ratio(r_p99)} | {tgt}{errs} |")
            w("")

    fl = res.get("floor")
    if fl and fl["http"]:
        w("### The machine's floor")
        w("")
        w("nginx answering every POST with a static 200 (no upstream, no work), same wrk settings "
          "and body as the single-sentence cells: the most req/s wrk can drive here and the p99 "
          "the machine adds by itself (other work on the shared cores, scheduling).")
        w("")
        w("| conns | req/s | p50 | p99 |")
        w("|---:|---:|---:|---:|")
        for conns in sorted({h["conns"] for h in fl["http"]}):
            rs = [h for h in fl["http"] if h["conns"] == conns]
            w(f"| {conns} | {f_num(med([h['rps'] for h in rs]))} | "
              f"{f_ms(med([h['p50_us'] for h in rs]))} | {f_ms(med([h['p99_us'] for h in rs]))} |")
        w("")

    servers = res["servers"]
    if servers:
        w("## Servers: start-up and memory")
        w("")
        w("Start-to-ready: process start to the first 200 on GET /ping (direct: daemon or "
          "gunicorn port; stack: through nginx). Memory: sum over the server processes "
          "(gunicorn master + workers + nginx, or textclf + nginx; the shell entrypoints left "
          "out), read from /proc: VmRSS (the brief's measure; counts shared pages once per "
          "process) and Pss (shared pages split). Peak = highest sample taken as each wrk cell "
          "ends (the target is judged on it); after each burst = highest sample once the "
          "servers are idle again plus 0.2 s.")
        w("")
        w("| model | metric | seed | textclf | seed / textclf | target |")
        w("|---|---|---:|---:|---:|:---:|")
        for name in models or sorted({s["model"] for s in servers}):
            def m_of(stack, key):
                return med([s[key] for s in servers if s["model"] == name and s["stack"] == stack])
            for key, label, unit, tgt in (
                    ("ready_direct_s", "start → first /ping 200, direct", "ms", None),
                    ("ready_s", "start → first /ping 200, via nginx", "ms", 20),
                    ("rss_idle_kb", "RSS after start", "MB", None),
                    ("rss_peak_kb", "RSS peak under load", "MB", 10),
                    ("rss_settled_kb", "RSS after each burst, idle 0.2 s (highest)", "MB", None),
                    ("pss_peak_kb", "PSS peak under load", "MB", None)):
                s, t = m_of("seed", key), m_of("textclf", key)
                if s is None and t is None:
                    continue
                scale = 1000 if unit == "ms" else 1 / 1024
                r = ratio(s, t)
                tg = ""
                if tgt:
                    ok = r is not None and r >= tgt
                    tg = f"{mark(ok)} ≥{tgt}×"
                    targets.append((f"{name} {label}: ≤ 1/{tgt}", ok, f_ratio(r)))
                w(f"| {name} | {label} | {f_num(s, 1, scale)} {unit} | "
                  f"{f_num(t, 1, scale)} {unit} | {f_ratio(r)} | {tg} |")
        w("")

    load = res["load"]
    if load:
        w("## Model load")
        w("")
        w("`textclf check`: the whole process (load, verify checksums, re-predict the golden "
          "samples). joblib.load: the two pickles inside an already started Python that has "
          "imported sklearn (import time and whole process shown too). Peak RSS of the process.")
        w("")
        w("| model | textclf check | joblib.load | python import sklearn+joblib | whole python process | "
          "textclf peak RSS | python peak RSS |")
        w("|---|---:|---:|---:|---:|---:|---:|")
        for name in models or sorted({x["model"] for x in load}):
            tc = [x for x in load if x["model"] == name and x["engine"] == "textclf check"]
            jl = [x for x in load if x["model"] == name and x["engine"] == "joblib.load"]
            w(f"| {name} | {f_num(med([x['load_s'] for x in tc]), 1, 1000)} ms | "
              f"{f_num(med([x['load_s'] for x in jl]), 1, 1000)} ms | "
              f"{f_num(med([x['import_s'] for x in jl]), 0, 1000)} ms | "
              f"{f_num(med([x['process_s'] for x in jl]), 0, 1000)} ms | "
              f"{f_num(med([x['maxrss_kb'] for x in tc]), 1, 1 / 1024)} MB | "
              f"{f_num(med([x['maxrss_kb'] for x in jl]), 1, 1 / 1024)} MB |")
        w("")

    off = res["offline"]
    if off:
        n = off[0]["docs"]
        mb = off[0]["bytes"] / 1e6
        w(f"## Offline: {n:,} IMDB test reviews ({mb:.1f} MB), one document a line")
        w("")
        reps = [x["reps"] for x in off if "reps" in x]  # absent in results before 4e006d7
        per_round = (f", medians of {max(reps)} alternating runs of each per round"
                     if reps else "")
        w("docs/s exclude model load (textclf and fastText: the same command on empty input "
          f"gives the load time, subtracted{per_round}; "
          "sklearn: timed in-process around "
          "transform+predict_proba); docs per CPU-s use user+sys CPU time the same way (less "
          "disturbed by other load on a shared machine; for --threads 2 it is the sum over "
          "threads). Targets are judged on wall-clock docs/s. fastText: Debian's "
          "`fasttext supervised` on IMDB train "
          "(dim 50, 5 epochs, word n-grams = the model's), text lowercased and punctuation "
          "split off beforehand, outside the timing. Accuracy on IMDB test.")
        w("")
        w("| model | engine | docs/s | MB/s | docs per CPU-s | load | peak RSS | accuracy | "
          "textclf t1 × | × on CPU time | target |")
        w("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|")
        for name in models or sorted({x["model"] for x in off}):
            rows = [x for x in off if x["model"] == name]
            by = {}
            for x in rows:
                by.setdefault(x["key"], []).append(x)
            tc1 = med([x["docs"] / x["predict_s"] for x in by.get("textclf-t1", [])])
            tc1_cpu = med([x["docs"] / x["cpu_s"] for x in by.get("textclf-t1", [])
                           if x.get("cpu_s")])
            for key in ("textclf-t1", "textclf-t2", "sklearn", "fasttext"):
                xs = by.get(key)
                if not xs:
                    continue
                dps = med([x["docs"] / x["predict_s"] for x in xs])
                mbs = med([x["bytes"] / x["predict_s"] / 1e6 for x in xs])
                r = ratio(tc1, dps) if key in ("sklearn", "fasttext") else None
                dpc = med([x["docs"] / x["cpu_s"] for x in xs if x.get("cpu_s")])
                rc = ratio(tc1_cpu, dpc) if key in ("sklearn", "fasttext") else None
                tg = ""
                if key == "sklearn":
                    ok = r is not None and r >= 30
                    tg = f"{mark(ok)} ≥30×"
                    targets.append((f"{name} offline vs sklearn: ≥ 30×", ok, f_ratio(r)))
                elif key == "fasttext":
                    ok = r is not None and r >= 5
                    tg = f"{mark(ok)} ≥5×"
                    targets.append((f"{name} offline vs fastText: ≥ 5×", ok, f_ratio(r)))
                w(f"| {name} | {xs[0]['engine']} | {f_num(dps)} | {mbs:.1f} | {f_num(dpc)} | "
                  f"{med([x['load_s'] for x in xs]) * 1000:.0f} ms | "
                  f"{med([x['maxrss_kb'] for x in xs]) / 1024:.1f} MB | "
                  f"{med([x['accuracy'] for x in xs]):.4f} | {f_ratio(r)} | {f_ratio(rc)} | {tg} |")
        w("")

    dm = res.get("default_model")
    if dm and dm["http"]:
        w("## Issue 3 targets: textclf alone, default model (models/sentiment-en)")
        w("")
        w("| measure | textclf | target | |")
        w("|---|---:|---:|:---:|")

        def cell(path, conns, key):
            return med([h[key] for h in dm["http"] if h["workload"] == "sentence"
                        and h["path"] == path and h["conns"] == conns])
        rows = [
            ("single sentence, direct, 64 conns: req/s", cell("direct", 64, "rps"), 30000, ">=", f_num),
            ("single sentence, via nginx, 64 conns: req/s", cell("nginx", 64, "rps"), 8000, ">=", f_num),
            ("single sentence, via nginx, 8 conns: req/s", cell("nginx", 8, "rps"), 8000, ">=", f_num),
            ("single sentence, direct, 8 conns: p99 ms", cell("direct", 8, "p99_us"), 2000, "<=",
             f_ms),
            ("RSS peak, daemon + nginx: MB", med([x["rss_peak_kb"] for x in dm["servers"]]),
             50 * 1024, "<=", lambda v: f_num(v, 1, 1 / 1024)),
            ("start → first /ping 200, direct: ms", med([x["ready_direct_s"] for x in dm["servers"]]),
             0.1, "<", lambda v: f_num(v, 1, 1000)),
        ]
        for label, v, tgt, op, fmt in rows:
            ok = v is not None and (v >= tgt if op == ">=" else v <= tgt if op == "<=" else v < tgt)
            w(f"| {label} | {fmt(v)} | {op.replace('>=', '≥').replace('<=', '≤')} {fmt(tgt)} | "
              f"{mark(ok)} |")
        w("")

    if targets:
        met = sum(1 for _, ok, _ in targets if ok)
        w(f"## Issue 5 targets: {met} of {len(targets)} met")
        w("")
        missed = [(d, r) for d, ok, r in targets if not ok]
        if missed:
            w("Missed:")
            w("")
            for d, r in missed:
                w(f"- {d} — measured {r}")
        else:
            w("All met.")
        w("")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--out")
    args = ap.parse_args()
    with open(args.results) as f:
        res = json.load(f)
    md = build(res)
    print(md)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(md + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
