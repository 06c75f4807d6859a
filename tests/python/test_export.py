"""The exporters as the package ships them: `python -m textclf.export`, the `textclf-export`
console script (installed runs), tools/export_sklearn.py under this Python, and
export_pipeline() on fitted objects; with this environment's scikit-learn. Fitted on the
small synthetic corpus of tests/parity/parity_common.py: the exporter's behaviour does not
depend on the data."""
import json
import os
import shutil
import subprocess
import sys
import warnings

import joblib
import numpy as np
import pytest
import sklearn
import textclf
from conftest import ROOT, binary, pc
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsOneClassifier
from sklearn.pipeline import Pipeline
from textclf.export.sklearn import EXPORTER, Refuse, export_pipeline

EPOCH = "1700000000"


@pytest.fixture(scope="module")
def data():
    c = pc.synthetic_corpus()
    labels, texts = c["sst2/train.tsv"]
    return texts, labels


@pytest.fixture(scope="module")
def pickled(data, tmp_path_factory):
    texts, labels = data
    pipe = Pipeline([("tfidf", TfidfVectorizer(ngram_range=(1, 2), min_df=2)),
                     ("clf", LogisticRegression(max_iter=1000))]).fit(texts, labels)
    d = tmp_path_factory.mktemp("export")
    p = str(d / "pipeline.pkl")
    joblib.dump(pipe, p)
    return pipe, p, d


def run(argv):
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    return subprocess.run(argv, capture_output=True, text=True, env=env)


def check_model(out, pipe, texts):
    with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
        m = json.load(f)
    assert m["provenance"]["exporter"] == EXPORTER
    assert m["provenance"]["sklearn_version"] == sklearn.__version__
    r = subprocess.run([binary(), "check", "--model", out], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    with textclf.Model(out) as model:
        d = np.abs(model.predict_proba(texts) - pipe.predict_proba(texts)).max()
        assert d <= 1e-9
    return m


def same_files(a, b):
    for fn in ("vocab.tsv", "linear.tsv", "golden.jsonl", "manifest.json"):
        with open(os.path.join(a, fn), "rb") as f, open(os.path.join(b, fn), "rb") as g:
            assert f.read() == g.read(), fn


def test_python_m_textclf_export(pickled, data):
    pipe, p, d = pickled
    out = str(d / "via-module")
    r = run([sys.executable, "-m", "textclf.export", "sklearn", "--pipeline", p, "--out", out])
    assert r.returncode == 0, r.stderr
    assert "textclf-export sklearn: wrote" in r.stderr
    check_model(out, pipe, data[0][:300] + pc.read_torture())


def test_tools_wrapper_gives_the_same_files(pickled):
    pipe, p, d = pickled
    a, b = str(d / "wrap-a"), str(d / "wrap-b")
    assert run([sys.executable, "-m", "textclf.export", "sklearn", "--pipeline", p, "--out", a,
                "--name", "same"]).returncode == 0
    r = run([sys.executable, os.path.join(ROOT, "tools", "export_sklearn.py"), "--pipeline", p,
             "--out", b, "--name", "same"])
    assert r.returncode == 0, r.stderr
    same_files(a, b)


@pytest.mark.wheel_only
def test_console_script(pickled, data):
    pipe, p, d = pickled
    exe = os.path.join(os.path.dirname(sys.executable), "textclf-export")
    assert os.access(exe, os.X_OK), exe
    out = str(d / "via-script")
    r = run([exe, "sklearn", "--pipeline", p, "--out", out])
    assert r.returncode == 0, r.stderr
    check_model(out, pipe, data[0][:300])
    r = run([exe, "nosuchframework"])
    assert r.returncode == 2 and "unknown framework" in r.stderr


def test_export_pipeline_from_python(pickled, data, tmp_path):
    pipe, _, _ = pickled
    out = str(tmp_path / "from-python")
    manifest = export_pipeline(pipe, out, name="in-process", golden=["my own sample", ""])
    assert manifest["name"] == "in-process"
    with open(os.path.join(out, "golden.jsonl"), encoding="utf-8") as f:
        first = [json.loads(line)["text"] for line in f][:2]
    assert first == ["my own sample", ""]
    check_model(out, pipe, data[0][:300])


def test_refusals_name_the_estimator(data, tmp_path):
    texts, labels = data
    ovr = Pipeline([("tfidf", TfidfVectorizer()),
                    ("clf", OneVsOneClassifier(LogisticRegression()))]).fit(texts, labels)
    with pytest.raises(Refuse, match="OneVsOneClassifier is not supported"):
        export_pipeline(ovr, str(tmp_path / "ovr"))
    assert not os.path.exists(tmp_path / "ovr")
    p = str(tmp_path / "ovr.pkl")
    joblib.dump(ovr, p)
    r = run([sys.executable, "-m", "textclf.export", "sklearn", "--pipeline", p, "--out",
             str(tmp_path / "ovr")])
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith(
        "textclf-export sklearn: classifier OneVsOneClassifier is not supported")


def test_logistic_regression_formula_follows_this_sklearn(data, tmp_path):
    """Two classes: one-vs-rest logistic; three with lbfgs: softmax. scikit-learn >= 1.8
    has no multi_class; <= 1.7 with liblinear and three classes is one-vs-rest."""
    texts, labels = data
    y3 = [("a", "b", "c")[i % 3] for i in range(len(texts))]
    want = [("binary", labels, {}, "logistic_ovr"), ("three", y3, {}, "softmax")]
    if hasattr(LogisticRegression(), "multi_class"):
        want.append(("three-liblinear", y3, {"solver": "liblinear"}, "logistic_ovr"))
    for name, y, params, prob in want:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            pipe = Pipeline([("tfidf", TfidfVectorizer(min_df=2)),
                             ("clf", LogisticRegression(max_iter=1000, **params))]).fit(texts, y)
        m = export_pipeline(pipe, str(tmp_path / name))
        assert m["classifier"]["probability"] == prob, name
        with textclf.Model(tmp_path / name) as model:
            d = np.abs(model.predict_proba(texts[:500]) - pipe.predict_proba(texts[:500])).max()
            assert d <= 1e-9, (name, d)


def test_out_directory_is_replaced_atomically(pickled, tmp_path):
    pipe, _, _ = pickled
    out = str(tmp_path / "m")
    export_pipeline(pipe, out, name="first")
    export_pipeline(pipe, out, name="second")
    with textclf.Model(out) as m:
        assert m.name == "second"
    assert sorted(os.listdir(tmp_path)) == ["m"]
    shutil.rmtree(out)
