"""The seed stack's predictor: a Flask app serving a joblib-pickled TfidfVectorizer +
classifier the way SageMaker "bring your own container" examples do, under gunicorn.

Environment: SM_MODEL_DIR (default /opt/ml/model) holding tfidf_vectorizer.pkl and
classifier.pkl. Both are loaded when a worker imports this module, so /ping answers only
once the model is in memory.

Request/response shapes follow textclf's contract (issue 3) so the two stacks can be
compared answer for answer: text/plain (one record a line), text/csv (first column),
application/json ({"instances"|"inputs": [...]}, {"text": ...}, a string, or a list),
application/jsonlines; the answer is {"predictions": [{"label", "probabilities"}]}
(application/json), one object a line (application/jsonlines), or label,p... (text/csv).
"""
import csv
import io
import json
import os
import time

import joblib
from flask import Flask, Response, request

MODEL_DIR = os.environ.get("SM_MODEL_DIR", "/opt/ml/model")
_t0 = time.perf_counter()
VECTORIZER = joblib.load(os.path.join(MODEL_DIR, "tfidf_vectorizer.pkl"))
CLASSIFIER = joblib.load(os.path.join(MODEL_DIR, "classifier.pkl"))
LOAD_SECONDS = time.perf_counter() - _t0
CLASSES = [str(c) for c in CLASSIFIER.classes_]
HAS_PROBA = hasattr(CLASSIFIER, "predict_proba")

app = Flask(__name__)


class BadRequest(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def _error(status, message):
    return Response(json.dumps({"error": message}), status=status,
                    mimetype="application/json")


def _record_text(item):
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and isinstance(item.get("text"), str):
        return item["text"]
    raise BadRequest(400, "each record must be a string or {\"text\": string}")


def _parse(body, ctype):
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(400, "request body is not valid UTF-8")
    if ctype in ("text/plain", "application/x-www-form-urlencoded", ""):
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return [l[:-1] if l.endswith("\r") else l for l in lines]
    if ctype == "text/csv":
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as e:
            raise BadRequest(400, f"malformed CSV: {e}")
        return [row[0] if row else "" for row in rows]
    if ctype == "application/json":
        try:
            doc = json.loads(text)
        except ValueError as e:
            raise BadRequest(400, f"malformed JSON: {e}")
        if isinstance(doc, dict):
            for key in ("instances", "inputs"):
                if key in doc:
                    if not isinstance(doc[key], list):
                        raise BadRequest(400, f"\"{key}\" must be an array")
                    return [_record_text(i) for i in doc[key]]
            return [_record_text(doc)]
        if isinstance(doc, list):
            return [_record_text(i) for i in doc]
        return [_record_text(doc)]
    if ctype == "application/jsonlines":
        out = []
        for line in text.split("\n"):
            if line.strip():
                try:
                    out.append(_record_text(json.loads(line)))
                except ValueError as e:
                    raise BadRequest(400, f"malformed JSON line: {e}")
        return out
    raise BadRequest(415, f"unsupported content type {ctype!r}")


def _accept():
    accept = request.headers.get("Accept", "") or "application/json"
    for part in accept.split(","):
        mime = part.split(";")[0].strip().lower()
        if mime in ("application/json", "*/*", "application/*"):
            return "application/json"
        if mime in ("application/jsonlines", "text/csv"):
            return mime
    raise BadRequest(406, f"cannot produce {accept!r}")


@app.route("/ping", methods=["GET"])
def ping():
    return Response(status=200)


@app.route("/invocations", methods=["POST"])
def invocations():
    try:
        accept = _accept()
        ctype = (request.content_type or "").split(";")[0].strip().lower()
        texts = _parse(request.get_data(), ctype)
        if not texts:
            raise BadRequest(400, "no records in request body")
    except BadRequest as e:
        return _error(e.status, e.message)
    x = VECTORIZER.transform(texts)
    if HAS_PROBA:
        scores = CLASSIFIER.predict_proba(x)
        labels = [CLASSES[i] for i in scores.argmax(axis=1)]
        key = "probabilities"
        rows = [dict(zip(CLASSES, map(float, s))) for s in scores]
    else:
        d = CLASSIFIER.decision_function(x)
        labels = [str(l) for l in CLASSIFIER.predict(x)]
        key = "scores"
        if d.ndim == 1:
            rows = [{CLASSES[0]: -float(v), CLASSES[1]: float(v)} for v in d]
        else:
            rows = [dict(zip(CLASSES, map(float, s))) for s in d]
    preds = [{"label": l, key: r} for l, r in zip(labels, rows)]
    if accept == "application/jsonlines":
        body = "".join(json.dumps(p) + "\n" for p in preds)
    elif accept == "text/csv":
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        for p in preds:
            w.writerow([p["label"]] + [repr(p[key][c]) for c in CLASSES])
        body = out.getvalue()
    else:
        body = json.dumps({"predictions": preds})
    return Response(body, status=200, mimetype=accept)
