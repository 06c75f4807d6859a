#!/usr/bin/env python3
"""Helper for tests/container/run.sh: builds a small model with expectations computed by
scikit-learn, writes request bodies, and compares the container's answers with them.

  helper.py make-model OUT_DIR EXPECT.json   train + export a 3-class model, expectations by sklearn
  helper.py expect-ref MODEL_DIR EXPECT.json expectations for the probe texts by the pure-Python
                                             reference reader (tools/textclf_common.RefModel)
  helper.py bodies EXPECT.json DIR           write plain.txt data.csv data.json data.jsonl
  helper.py compare EXPECT.json ACCEPT FILE  check FILE (a response body) against EXPECT.json;
                                             prints the first mismatch and exits 1
  helper.py labels EXPECT.json               print the classes, comma-separated
  helper.py lambda-events EXPECT.json DIR    write Lambda events for the probe texts: v2.json (HTTP
                                             API 2.0, text/plain, base64 body), furl.json (Function
                                             URL, application/json) and direct.json
  helper.py lambda-body ANSWER OUT           check ANSWER is a 200 proxy answer
                                             ({"statusCode","headers","body","isBase64Encoded"})
                                             and write its body to OUT
  helper.py image-config < CONFIG.json       check an image's .Config (from `ENGINE image inspect
                                             --format '{{json .Config}}'`): SageMaker label,
                                             exec-form entrypoint, non-root user, port 8080

The labels of the small model (sports, weather, cooking) differ from the bundled model's
(negative, positive), so an answer shows which model the container is serving.
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import textclf_common as common  # noqa: E402

TOL = 1e-9

# Probe texts: a comma and doubled quotes exercise CSV quoting; non-ASCII exercises UTF-8 end
# to end through nginx; order matters (one output per record, in order).
PROBES = [
    "the striker scored a late goal and won the match",
    "heavy rain and strong wind are expected tomorrow",
    'simmer the onions, then add garlic and "fresh" basil',
    "Sunny skies, café au lait and a naïve goalkeeper",
]

TRAIN = {
    "sports": [
        "the striker scored a goal in the final minute",
        "the team won the match after extra time",
        "a great save by the goalkeeper kept the score level",
        "the coach praised the defence after the win",
        "fans cheered as the players lifted the cup",
        "the referee showed a red card in the second half",
        "the tennis final went to five sets",
        "he ran the marathon in record time",
    ],
    "weather": [
        "heavy rain is expected across the north tonight",
        "strong wind and snow will close the mountain roads",
        "sunny skies and warm temperatures this weekend",
        "a storm warning was issued for the coast",
        "fog in the morning, clearing by the afternoon",
        "temperatures will drop below freezing overnight",
        "the forecast says showers and thunder tomorrow",
        "a dry and cloudy week with light wind",
    ],
    "cooking": [
        "simmer the sauce and add fresh basil at the end",
        "chop the onions and fry them in butter",
        "bake the bread for forty minutes until golden",
        "season the soup with salt, pepper and garlic",
        "whisk the eggs with sugar and fold in the flour",
        "roast the vegetables with olive oil and thyme",
        "serve the pasta with grated cheese",
        "let the dough rest overnight in the fridge",
    ],
}


def make_model(out_dir, expect_path):
    common.ensure_sklearn_python()
    import joblib
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    texts, labels = [], []
    for label, items in TRAIN.items():
        texts += items
        labels += [label] * len(items)
    pipe = Pipeline([("tfidf", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
                     ("clf", LogisticRegression(C=10.0, max_iter=1000))])
    pipe.fit(texts, labels)
    with tempfile.TemporaryDirectory() as tmp:
        pkl = os.path.join(tmp, "pipeline.pkl")
        joblib.dump(pipe, pkl)
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "export_sklearn.py"),
                        "--pipeline", pkl, "--out", out_dir, "--name", "container-test-topics"],
                       check=True, stdout=sys.stderr)
    classes = [str(c) for c in pipe.classes_]
    proba = pipe.predict_proba(PROBES)
    expected = []
    for row in proba:
        p = {c: float(v) for c, v in zip(classes, row)}
        expected.append({"label": classes[int(row.argmax())], "probabilities": p})
    with open(expect_path, "w", encoding="utf-8") as f:
        json.dump({"classes": classes, "texts": PROBES, "expected": expected, "by": "sklearn"}, f)


def expect_ref(model_dir, expect_path):
    m = common.RefModel(model_dir)
    expected = []
    for t in PROBES:
        label, kind, vals = m.predict(t)
        expected.append({"label": label, kind: dict(zip(m.classes, vals))})
    with open(expect_path, "w", encoding="utf-8") as f:
        json.dump({"classes": m.classes, "texts": PROBES, "expected": expected,
                   "by": "RefModel"}, f)


def bodies(expect_path, out):
    texts = load(expect_path)["texts"]
    with open(os.path.join(out, "plain.txt"), "w", encoding="utf-8", newline="") as f:
        f.write("".join(t + "\n" for t in texts))
    with open(os.path.join(out, "data.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        for t in texts:
            w.writerow([t])
    with open(os.path.join(out, "data.json"), "w", encoding="utf-8") as f:
        json.dump({"instances": texts}, f, ensure_ascii=False)
    with open(os.path.join(out, "data.jsonl"), "w", encoding="utf-8", newline="") as f:
        for i, t in enumerate(texts):
            item = {"text": t} if i % 2 else t
            f.write(json.dumps(item, ensure_ascii=False) + "\n")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def parse_response(accept, body, classes):
    """Returns a list of (label, {class: value}) from a response body in the Accept format."""
    if accept == "application/json":
        preds = json.loads(body)["predictions"]
    elif accept == "application/jsonlines":
        preds = [json.loads(line) for line in body.split("\n") if line != ""]
    elif accept == "text/csv":
        preds = []
        for row in csv.reader(io.StringIO(body)):
            if len(row) != len(classes) + 1:
                raise ValueError("csv row %r has %d fields, expected %d"
                                 % (row, len(row), len(classes) + 1))
            preds.append({"label": row[0],
                          "probabilities": {c: float(v) for c, v in zip(classes, row[1:])}})
    else:
        raise ValueError("unsupported accept %s" % accept)
    out = []
    for p in preds:
        vals = p.get("probabilities", p.get("scores"))
        out.append((p["label"], vals))
    return out


def compare(expect_path, accept, resp_path):
    exp = load(expect_path)
    with open(resp_path, encoding="utf-8") as f:
        body = f.read()
    try:
        got = parse_response(accept, body, exp["classes"])
    except (ValueError, KeyError, TypeError) as e:
        print("unparseable %s response (%s): %r" % (accept, e, body[:300]))
        return 1
    want = exp["expected"]
    if len(got) != len(want):
        print("%d predictions for %d records: %r" % (len(got), len(want), body[:300]))
        return 1
    for i, ((label, vals), w) in enumerate(zip(got, want)):
        wvals = w.get("probabilities", w.get("scores"))
        if label != w["label"]:
            print("record %d: label %r, %s says %r" % (i, label, exp["by"], w["label"]))
            return 1
        if not isinstance(vals, dict) or set(vals) != set(wvals):
            print("record %d: classes %r, expected %r" % (i, vals, sorted(wvals)))
            return 1
        for c in wvals:
            if abs(float(vals[c]) - wvals[c]) > TOL:
                print("record %d class %s: %r vs %s %r (|d| > %g)"
                      % (i, c, vals[c], exp["by"], wvals[c], TOL))
                return 1
    return 0


def image_config(text):
    cfg = json.loads(text)
    problems = []
    labels = cfg.get("Labels") or {}
    if labels.get("com.amazonaws.sagemaker.capabilities.accept-bind-to-port") != "true":
        problems.append("label accept-bind-to-port=true missing (labels %r)" % labels)
    ep = cfg.get("Entrypoint")
    if not isinstance(ep, list) or not ep or not ep[0].startswith("/") or ep[0] in ("/bin/sh", "sh"):
        problems.append("ENTRYPOINT is not an exec-form program: %r" % (ep,))
    user = (cfg.get("User") or "").split(":")[0]
    if user in ("", "0", "root"):
        problems.append("image runs as root (User=%r)" % cfg.get("User"))
    if "8080/tcp" not in (cfg.get("ExposedPorts") or {}):
        problems.append("8080/tcp not exposed (%r)" % cfg.get("ExposedPorts"))
    if problems:
        print("; ".join(problems))
        return 1
    print("entrypoint %s, user %s" % (json.dumps(ep), cfg.get("User")))
    return 0


def lambda_events(expect_path, out):
    import base64
    texts = load(expect_path)["texts"]
    plain = "".join(t + "\n" for t in texts).encode("utf-8")
    v2 = {"version": "2.0", "routeKey": "POST /invocations", "rawPath": "/invocations",
          "rawQueryString": "", "headers": {"content-type": "text/plain", "accept": "application/json"},
          "requestContext": {"http": {"method": "POST", "path": "/invocations"}, "stage": "$default"},
          "body": base64.b64encode(plain).decode(), "isBase64Encoded": True}
    furl = {"version": "2.0", "routeKey": "$default", "rawPath": "/", "rawQueryString": "",
            "headers": {"content-type": "application/json"},
            "requestContext": {"http": {"method": "POST", "path": "/"},
                               "domainName": "abcdefgh.lambda-url.eu-west-1.on.aws"},
            "body": json.dumps({"instances": texts}), "isBase64Encoded": False}
    for name, ev in (("v2.json", v2), ("furl.json", furl), ("direct.json", {"instances": texts})):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            json.dump(ev, f)


def lambda_body(answer_path, out):
    with open(answer_path, "rb") as f:
        raw = f.read()
    try:
        a = json.loads(raw)
    except ValueError:
        print("the answer is not JSON: %r" % raw[:300])
        return 1
    if not isinstance(a, dict) or set(a) != {"statusCode", "headers", "body", "isBase64Encoded"} \
            or a["statusCode"] != 200 or a["isBase64Encoded"] is not False:
        print("not a 200 proxy answer: %r" % raw[:300])
        return 1
    with open(out, "w", encoding="utf-8") as f:
        f.write(a["body"])
    return 0


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "make-model" and len(args) == 2:
        make_model(*args)
    elif cmd == "expect-ref" and len(args) == 2:
        expect_ref(*args)
    elif cmd == "bodies" and len(args) == 2:
        bodies(*args)
    elif cmd == "compare" and len(args) == 3:
        return compare(*args)
    elif cmd == "image-config" and not args:
        return image_config(sys.stdin.read())
    elif cmd == "lambda-events" and len(args) == 2:
        lambda_events(*args)
    elif cmd == "lambda-body" and len(args) == 2:
        return lambda_body(*args)
    elif cmd == "labels" and len(args) == 1:
        print(",".join(load(args[0])["classes"]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
