"""textclf.Model against the scikit-learn pipelines of this environment, fitted here,
pickled, exported from the pickle with the package's exporter, and read back.

predict_proba within 1e-9 and predict identical, on the whole IMDB test set (25,000
reviews) for lr-bigram and on a smaller set for the others, always with
tests/parity/unicode_torture.txt and the edge texts (empty, NUL, CR, 1 MB); and
decision_function within 1e-9 * max(1, |v|). Needs the corpora (SKIP without them)."""
import numpy as np
import pytest
import textclf
from conftest import CASES

TOL = 1e-9


def model(case):
    return textclf.Model(case.model_dir, threads=2)


@pytest.mark.parametrize("name", sorted(CASES))
def test_methods_available_as_in_sklearn(cases, name):
    case = cases(name)
    with model(case) as m:
        for method in ("predict_proba", "decision_function"):
            assert hasattr(m, method) == hasattr(case.pipe, method), method
        assert m.classes_.tolist() == [str(c) for c in case.pipe.classes_]
        import sklearn
        assert m.info["provenance"]["sklearn_version"] == sklearn.__version__


@pytest.mark.parametrize("name", sorted(CASES))
def test_predict_identical(cases, name):
    case = cases(name)
    with model(case) as m:
        got = m.predict(case.texts)
    want = np.array([str(c) for c in case.sklearn("predict")])
    bad = np.flatnonzero(got != want)
    assert bad.size == 0, "%d of %d labels differ, first text %d: %r vs sklearn %r" % (
        bad.size, len(want), bad[0], got[bad[0]], want[bad[0]])


@pytest.mark.parametrize("name", sorted(n for n in CASES if n not in ("linearsvc",
                                                                       "svc-linear-3")))
def test_predict_proba_within_1e9(cases, name):
    case = cases(name)
    with model(case) as m:
        got = m.predict_proba(case.texts)
    want = case.sklearn("predict_proba")
    assert got.shape == want.shape == (len(case.texts), len(case.pipe.classes_))
    d = np.abs(got - want)
    assert d.max() <= TOL, "max |dp| %.3g at text %d" % (d.max(), int(np.argmax(d.max(axis=1))))
    print("NOTE %s: predict_proba on %d texts, max |dp| %.3g" % (name, len(case.texts), d.max()))


@pytest.mark.parametrize("name", sorted(n for n in CASES if n != "naive-bayes"))
def test_decision_function_within_1e9(cases, name):
    case = cases(name)
    with model(case) as m:
        got = m.decision_function(case.texts)
    want = np.asarray(case.sklearn("decision_function"), dtype=np.float64)
    assert got.shape == want.shape
    rel = np.abs(got - want) / np.maximum(1.0, np.abs(want))
    assert rel.max() <= TOL, "max relative |d| %.3g" % rel.max()


def test_the_full_imdb_test_set_is_compared(cases, corpus):
    """lr-bigram's texts are the whole IMDB test set plus the torture list."""
    case = cases("lr-bigram")
    imdb = corpus.sets["imdb/test.tsv"][1]
    assert len(imdb) == 25000
    assert case.texts[:len(imdb)] == imdb
    assert set(corpus.torture) <= set(case.texts)
