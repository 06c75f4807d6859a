"""Fixtures for the Python package's tests (tests/python, run by tests/python/run.py).

Environment (tests/run.sh sets it):
  TEXTCLF_PYTEST_ENV      debian | venv: names the PASS/FAIL lines and the work directory
  TEXTCLF_BUILD           build directory; work files go to BUILD/python-tests/ENV-*
  TEXTCLF_BIN             build/textclf: the daemon and `textclf predict`
  TEXTCLF_DATA            the corpora (default ../shared/data)
  TEXTCLF_EXPECT_BUNDLED  1: textclf must be an installed wheel loading its own bundled
                          library (the venv run)

Each environment trains its own pipelines on the corpora with its own scikit-learn,
pickles them, and exports the pickles with the package's exporter: the parity tests
compare textclf.Model with the unpickled pipelines.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import textclf  # first: the environment's own textclf, before parity_common (below) puts
import textclf._lib  # noqa: E402  the checkout's python/ on sys.path

import joblib  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "parity"))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import parity_common as pc  # noqa: E402

ENV = os.environ.get("TEXTCLF_PYTEST_ENV", "local")
BUILD = os.environ.get("TEXTCLF_BUILD", os.path.join(ROOT, "build"))
SENTIMENT = os.path.join(ROOT, "models", "sentiment-en")
SEED = 20261204


def pytest_configure(config):
    config.addinivalue_line("markers", "wheel_only: checks an installed wheel; collected only "
                            "where TEXTCLF_EXPECT_BUNDLED=1 (the venv run)")


def pytest_collection_modifyitems(config, items):
    """Tests of the installed wheel do not apply to the run that imports the checkout's
    python/: they are deselected there (not skipped), and run in the venv."""
    if os.environ.get("TEXTCLF_EXPECT_BUNDLED") == "1":
        return
    kept = [i for i in items if i.get_closest_marker("wheel_only") is None]
    dropped = [i for i in items if i.get_closest_marker("wheel_only") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def binary():
    b = os.environ.get("TEXTCLF_BIN") or os.path.join(BUILD, "textclf")
    if not os.access(b, os.X_OK):
        pytest.fail("%s is not an executable (run make)" % b)
    return b


@pytest.fixture(scope="session")
def workdir():
    """A directory of this run's own under BUILD/python-tests (two runs at once in one
    build directory do not meet), removed at the end."""
    base = os.path.join(BUILD, "python-tests")
    os.makedirs(base, exist_ok=True)
    d = tempfile.mkdtemp(prefix=ENV + "-", dir=base)
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def corpus_or_none():
    return pc.Corpus(pc.Reporter()) if pc.have_data(pc.data_dir()) else None


@pytest.fixture(scope="session")
def corpus(corpus_or_none):
    """The real corpora; tests that need them are skipped (SKIP lines) without them."""
    if corpus_or_none is None:
        pytest.skip("corpora not found in %s (set TEXTCLF_DATA)" % pc.data_dir())
    return corpus_or_none


@pytest.fixture(scope="session")
def many_texts(corpus_or_none):
    """5,000 texts of realistic length: IMDB test reviews, or without the corpora the
    torture list and golden texts repeated with variations (for tests that only need
    volume, such as threads)."""
    if corpus_or_none is not None:
        return corpus_or_none.sets["imdb/test.tsv"][1][:5000]
    base = pc.read_torture() + pc.edge_texts()[:-1]
    return [("%d " % i) + base[i % len(base)] * (1 + i % 7) for i in range(5000)]


@pytest.fixture(scope="session")
def sentiment():
    m = textclf.Model(SENTIMENT)
    yield m
    m.close()


# ---- trained cases --------------------------------------------------------------------

def _sample(rng, labels, texts, n):
    idx = sorted(rng.choice(len(texts), min(n, len(texts)), replace=False).tolist())
    return [labels[i] for i in idx], [texts[i] for i in idx]


def training_data(corpus, task):
    rng = np.random.RandomState(SEED)
    s = corpus.sets
    n = {"sent": 4000, "src3": 1500, "sent-small": 400, "src3-small": 300}[task]
    li, ti = _sample(rng, *s["imdb/train.tsv"], n)
    ls, ts = _sample(rng, *s["sst2/train.tsv"], n)
    if task.startswith("sent"):
        return ti + ts, li + ls
    lr, tr = _sample(rng, *s["rt-polarity/all.tsv"], n)
    return ti + ts + tr, ["imdb"] * len(ti) + ["sst2"] * len(ts) + ["rt"] * len(tr)


def eval_texts(corpus, size):
    imdb = corpus.sets["imdb/test.tsv"][1]
    sst = corpus.sets["sst2/dev.tsv"][1]
    tail = corpus.torture + pc.edge_texts()
    if size == "full":
        return imdb + sst + tail
    if size == "medium":
        return imdb[:3000] + sst + tail
    return imdb[:600] + sst[:300] + tail


def make_pipeline(name):
    from sklearn.feature_extraction.text import (CountVectorizer, TfidfTransformer,
                                                 TfidfVectorizer)
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.pipeline import Pipeline
    from sklearn.svm import SVC, LinearSVC
    tf = TfidfVectorizer
    cases = {
        "lr-bigram": [("tfidf", tf(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
                      ("clf", LogisticRegression(C=4.0, max_iter=1000))],
        "lr-multinomial-count": [("count", CountVectorizer(min_df=2, strip_accents="unicode")),
                                 ("tfidf", TfidfTransformer(sublinear_tf=True)),
                                 ("clf", LogisticRegression(max_iter=1000))],
        "linearsvc": [("tfidf", tf(min_df=2)), ("clf", LinearSVC(C=0.5))],
        "naive-bayes": [("tfidf", tf(min_df=2, stop_words=["the", "a", "and", "film"])),
                        ("clf", MultinomialNB(alpha=0.5))],
        "sgd-modified-huber": [("tfidf", tf(min_df=2, lowercase=False)),
                               ("clf", SGDClassifier(loss="modified_huber", random_state=0))],
        "svc-rbf-proba": [("tfidf", tf(min_df=2, max_features=3000)),
                          ("clf", SVC(probability=True, random_state=0))],
        "svc-linear-3": [("tfidf", tf(min_df=2, max_features=3000)),
                         ("clf", SVC(kernel="linear"))],
    }
    return Pipeline(cases[name])


# name -> (training task, evaluation size)
CASES = {
    "lr-bigram": ("sent", "full"),
    "lr-multinomial-count": ("src3", "medium"),
    "linearsvc": ("sent", "medium"),
    "naive-bayes": ("sent", "medium"),
    "sgd-modified-huber": ("src3", "medium"),
    "svc-rbf-proba": ("sent-small", "small"),
    "svc-linear-3": ("src3-small", "small"),
}


class Case:
    """A pipeline fitted and pickled in this environment, its export, and the texts it is
    compared on. sklearn outputs are computed once, on the pipeline read back from the
    pickle that was exported."""

    def __init__(self, name, pipe, model_dir, texts):
        self.name = name
        self.pipe = pipe
        self.model_dir = model_dir
        self.texts = texts
        self._sk = {}

    def sklearn(self, method):
        if method not in self._sk:
            import warnings
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)  # SVC probability in 1.9
                self._sk[method] = getattr(self.pipe, method)(self.texts)
        return self._sk[method]


def export_pickle(args, out):
    """Runs the package's exporter (`python -m textclf.export sklearn`) in this Python."""
    r = subprocess.run([sys.executable, "-m", "textclf.export", "sklearn"] + list(args) +
                       ["--out", out], capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError("export failed (exit %d): %s" % (r.returncode, r.stderr[-800:]))
    return r


@pytest.fixture(scope="session")
def cases(corpus, workdir):
    built, failed = {}, {}

    def get(name):
        if name in failed:  # built once per session: later tests get the same error
            raise AssertionError("case %s could not be built: %s" % (name, failed[name]))
        if name not in built:
            try:
                built[name] = build(name)
            except Exception as e:
                failed[name] = "%s: %s" % (type(e).__name__, e)
                raise
        return built[name]

    def build(name):
        import warnings
        task, size = CASES[name]
        texts, labels = training_data(corpus, task)
        pipe = make_pipeline(name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            pipe.fit(texts, labels)
        d = os.path.join(workdir, name)
        os.makedirs(d)
        pkl = os.path.join(d, "pipeline.pkl")
        joblib.dump(pipe, pkl)
        export_pickle(["--pipeline", pkl, "--name", name], os.path.join(d, "model"))
        return Case(name, joblib.load(pkl), os.path.join(d, "model"),
                    eval_texts(corpus, size))
    return get
