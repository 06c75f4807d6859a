"""textclf.Model on the committed models/sentiment-en: description, golden samples, input
types, errors, lifetime, threads. Needs no corpora."""
import ctypes
import json
import os
import pickle
import shutil
import sys
import threading

import numpy as np
import pytest
import textclf
from conftest import SENTIMENT, pc
from textclf.export._common import sha256_file


def golden():
    with open(os.path.join(SENTIMENT, "golden.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_description(sentiment):
    with open(os.path.join(SENTIMENT, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    assert sentiment.classes_.tolist() == manifest["classes"] == ["negative", "positive"]
    assert sentiment.info == manifest
    info = sentiment.info
    info["classes"].append("mutated")
    assert sentiment.info == manifest  # a copy each time
    assert sentiment.output == "probabilities"
    assert sentiment.name == "sentiment-en"
    assert "sentiment-en" in repr(sentiment)


def test_golden_samples(sentiment):
    g = golden()
    texts = [r["text"] for r in g]
    proba = sentiment.predict_proba(texts)
    labels = sentiment.predict(texts)
    assert proba.shape == (len(g), 2) and proba.dtype == np.float64
    want = np.array([[r["probabilities"][c] for c in sentiment.classes_] for r in g])
    assert np.max(np.abs(proba - want)) <= 1e-9
    assert labels.tolist() == [r["label"] for r in g]


def test_decision_function_matches_the_probabilities(sentiment):
    """Binary logistic regression: p1 = expit(d) (scikit-learn's formula; numpy's and
    libm's exp may differ in the last bit) and the label is classes_[d > 0]."""
    from scipy.special import expit
    texts = [r["text"] for r in golden()]
    d = sentiment.decision_function(texts)
    assert d.shape == (len(texts),)
    assert np.abs(expit(d) - sentiment.predict_proba(texts)[:, 1]).max() <= 1e-15
    assert np.array_equal(sentiment.predict(texts), sentiment.classes_[(d > 0).astype(int)])


def test_input_types_give_the_same_numbers(sentiment):
    texts = [r["text"] for r in golden()] + pc.read_torture()
    want = sentiment.predict_proba(texts)
    encoded = [t.encode("utf-8") for t in texts]
    for variant in (tuple(texts), iter(texts), np.array(texts, dtype=object), np.array(texts),
                    encoded, [bytearray(b) for b in encoded], [memoryview(b) for b in encoded],
                    [t if i % 2 else t.encode() for i, t in enumerate(texts)]):
        got = sentiment.predict_proba(variant)
        assert got.tobytes() == want.tobytes()


def test_empty_batch(sentiment):
    assert sentiment.predict([]).shape == (0,)
    assert sentiment.predict_proba([]).shape == (0, 2)
    assert sentiment.decision_function(()).shape == (0,)


def test_a_string_is_not_a_batch(sentiment):
    for bad in ("a film", b"a film"):
        with pytest.raises(ValueError, match="Iterable over raw text documents expected"):
            sentiment.predict(bad)
    with pytest.raises(TypeError, match="iterable"):
        sentiment.predict(42)
    with pytest.raises(ValueError, match="one-dimensional"):
        sentiment.predict(np.array([["a", "b"]]))


@pytest.mark.parametrize("item,kind", [(None, "NoneType"), (3, "int"), (float("nan"), "float"),
                                       (["nested"], "list")])
def test_non_text_items_are_refused_by_index(sentiment, item, kind):
    with pytest.raises(TypeError) as e:
        sentiment.predict_proba(["fine", "good", item])
    assert str(e.value) == "texts[2] is %s; expected str or bytes" % kind


def test_invalid_utf8_names_the_text_and_byte(sentiment):
    with pytest.raises(textclf.InputError) as e:
        sentiment.predict_proba([b"fine", "caf\u00e9", b"bad \xff byte", b"\xc0\xaf"])
    assert isinstance(e.value, ValueError)
    assert e.value.index == 2
    assert str(e.value) == "texts[2]: invalid UTF-8 at byte offset 4 (and 1 more texts)"
    with pytest.raises(textclf.InputError, match=r"^texts\[0\]: invalid UTF-8 at byte offset 0$"):
        sentiment.decision_function([b"\xed\xa0\x80 surrogate half"])


def test_lone_surrogate_names_the_text(sentiment):
    with pytest.raises(textclf.InputError) as e:
        sentiment.predict(["ok", "also ok", "bad \udcff here"])
    assert e.value.index == 2
    assert str(e.value).startswith("texts[2]: not valid Unicode: surrogates not allowed "
                                   "(character 4, '\\udcff')")


def test_c_api_keeps_the_rest_of_a_batch(sentiment):
    """textclf_predict with bad texts in the batch: their rows get status EINPUT, label -1
    and NaN; every other row is what the text gives alone; the error names the first."""
    texts = [b"a fine film", b"bad \xff", b"awful", b"\xe2\x82", "caf\u00e9 cr\u00e8me".encode()]
    from textclf.model import _encode, _text_array
    buf, lens = _encode(texts)
    arr = _text_array(buf, lens)
    n = len(texts)
    labels = np.zeros(n, dtype=np.int32)
    values = np.zeros((n, 2))
    status = np.zeros(n, dtype=np.int32)
    err = ctypes.create_string_buffer(512)
    rc = sentiment._lib.textclf_predict(sentiment._h, arr.ctypes.data, n, 2, labels.ctypes.data,
                                        values.ctypes.data, status.ctypes.data, err)
    assert rc == 4  # TEXTCLF_EINPUT
    assert err.value.decode() == "texts[1]: invalid UTF-8 at byte offset 4"
    assert status.tolist() == [0, 4, 0, 4, 0]
    assert labels[1] == labels[3] == -1
    assert np.isnan(values[[1, 3]]).all()
    good = [0, 2, 4]
    alone = sentiment.predict_proba([texts[i] for i in good])
    assert values[good].tobytes() == alone.tobytes()
    assert sentiment.classes_[labels[good]].tolist() == \
        sentiment.predict([texts[i] for i in good]).tolist()


def test_closed_model_raises_value_error():
    m = textclf.Model(SENTIMENT)
    m.close()
    m.close()  # harmless
    assert m.closed and "closed" in repr(m)
    for call in (m.predict, m.predict_proba, m.decision_function):
        with pytest.raises(ValueError, match="is closed"):
            call(["a film"])
    with textclf.Model(SENTIMENT) as m2:
        assert m2.predict(["superb"]).tolist() == ["positive"]
    assert m2.closed
    with pytest.raises(ValueError, match="is closed"):
        m2.predict(["superb"])


def test_close_during_a_call_waits_for_it(many_texts):
    """close() from another thread while a batch runs in C: the batch completes with the
    right numbers, the memory is freed after it, later calls raise ValueError. The switch
    interval trick of test_gil_released_during_a_batch puts close() inside the call."""
    m = textclf.Model(SENTIMENT)
    want = m.predict_proba(many_texts[:50])
    texts = many_texts * 10  # ~1 s of C work: the main thread gets the GIL well within it
    out = {}

    def worker():
        try:
            out["proba"] = m.predict_proba(texts)
        except Exception as e:  # reported below
            out["error"] = e

    old = sys.getswitchinterval()
    sys.setswitchinterval(100.0)
    try:
        t = threading.Thread(target=worker)
        t.start()
        m.close()
        closed_while_running = m._h is not None and m._active == 1
    finally:
        sys.setswitchinterval(old)
    t.join()
    assert "error" not in out, out.get("error")
    assert closed_while_running
    assert m._h is None  # freed by the call as it left
    assert out["proba"][:50].tobytes() == want.tobytes()
    with pytest.raises(ValueError, match="is closed"):
        m.predict(["x"])


def test_missing_and_odd_paths(tmp_path):
    with pytest.raises(FileNotFoundError):
        textclf.Model(tmp_path / "nope")
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(NotADirectoryError):
        textclf.Model(f)
    with pytest.raises(textclf.ModelError, match=r"manifest\.json: cannot open"):
        textclf.Model(tmp_path)


def copy_model(tmp_path, name):
    d = tmp_path / name
    shutil.copytree(SENTIMENT, d)
    return d


def reseal(d, fn):
    """Rewrites the manifest's sha256 and size of file fn after an edit."""
    mp = d / "manifest.json"
    m = json.loads(mp.read_text(encoding="utf-8"))
    p = d / fn
    m["files"][fn] = {"sha256": sha256_file(str(p)), "bytes": p.stat().st_size}
    mp.write_text(json.dumps(m, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def test_corrupt_models_are_refused_naming_file_and_line(tmp_path):
    d = copy_model(tmp_path, "flipped")
    p = d / "vocab.tsv"
    data = bytearray(p.read_bytes())
    data[1000] ^= 1
    p.write_bytes(bytes(data))
    with pytest.raises(textclf.ModelError, match=r"vocab\.tsv.*sha256") as e:
        textclf.Model(d)
    assert e.value.status == "malformed model file"

    d = copy_model(tmp_path, "bad-number")
    p = d / "vocab.tsv"
    lines = p.read_text(encoding="utf-8").split("\n")
    lines[4] = "not-a-number\t" + lines[4].split("\t", 1)[1]
    p.write_text("\n".join(lines), encoding="utf-8")
    reseal(d, "vocab.tsv")
    with pytest.raises(textclf.ModelError, match=r"vocab\.tsv:5: "):
        textclf.Model(d)

    d = copy_model(tmp_path, "golden-off")
    p = d / "golden.jsonl"
    recs = [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines()]
    recs[2]["probabilities"]["positive"] += 1e-6
    recs[2]["probabilities"]["negative"] -= 1e-6
    p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs),
                 encoding="utf-8")
    reseal(d, "golden.jsonl")
    with pytest.raises(textclf.ModelError, match=r"golden\.jsonl:3: model does not reproduce") \
            as e:
        textclf.Model(d)
    assert e.value.status == "golden sample mismatch"


def test_threads_give_identical_results(sentiment, many_texts):
    base = sentiment.predict_proba(many_texts, threads=1)
    dec = sentiment.decision_function(many_texts, threads=1)
    for t in (2, 3, 0, 256):
        assert sentiment.predict_proba(many_texts, threads=t).tobytes() == base.tobytes()
        assert sentiment.decision_function(many_texts, threads=t).tobytes() == dec.tobytes()
    m = textclf.Model(SENTIMENT, threads=2)
    assert m.predict(many_texts).tolist() == sentiment.predict(many_texts).tolist()
    m.close()


def test_threads_argument_is_checked(sentiment):
    for bad in (-1, 257):
        with pytest.raises(ValueError, match="threads must be in 0..256"):
            sentiment.predict(["x"], threads=bad)
    for bad in ("2", 1.5, True):
        with pytest.raises(TypeError, match="threads must be an int"):
            sentiment.predict(["x"], threads=bad)
    with pytest.raises(ValueError):
        textclf.Model(SENTIMENT, threads=-3)


def test_one_model_shared_by_threads(sentiment, many_texts):
    parts = [many_texts[i::4] for i in range(4)]
    want = [sentiment.predict_proba(p) for p in parts]
    got = [None] * 4
    errors = []

    def run(i):
        try:
            for _ in range(3):
                got[i] = sentiment.predict_proba(parts[i], threads=2)
        except Exception as e:  # collected, asserted below
            errors.append(e)

    ts = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors, errors
    for g, w in zip(got, want):
        assert g.tobytes() == w.tobytes()


def test_pickle_reopens_by_path(sentiment):
    m2 = pickle.loads(pickle.dumps(sentiment))
    assert m2 is not sentiment and m2.path == sentiment.path
    t = ["superb acting", "dull"]
    assert m2.predict_proba(t).tobytes() == sentiment.predict_proba(t).tobytes()
    m2.close()


def test_methods_missing_like_sklearn(tmp_path):
    """A scores model (LinearSVC) has no predict_proba, a naive Bayes one no
    decision_function: reading them raises AttributeError, so hasattr() is False."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC
    from textclf.export.sklearn import export_pipeline
    c = pc.synthetic_corpus()
    labels, texts = c["sst2/train.tsv"]
    for name, clf, missing, present in (("svc", LinearSVC(), "predict_proba", "decision_function"),
                                        ("nb", MultinomialNB(), "decision_function",
                                         "predict_proba")):
        pipe = Pipeline([("v", TfidfVectorizer()), ("c", clf)]).fit(texts, labels)
        export_pipeline(pipe, str(tmp_path / name))
        with textclf.Model(tmp_path / name) as m:
            assert hasattr(m, missing) is hasattr(pipe, missing) is False
            assert hasattr(m, present) is hasattr(pipe, present) is True
            with pytest.raises(AttributeError, match=missing):
                getattr(m, missing)
            assert m.output == ("scores" if name == "svc" else "probabilities")
            if name == "nb":  # and the C API refuses it too
                err = ctypes.create_string_buffer(512)
                out = np.zeros(1)
                rc = m._lib.textclf_decision_function(m._h, None, 0, 1, out.ctypes.data, None,
                                                      err)
                assert rc == 5 and b"no decision_function" in err.value


def test_large_batches_go_in_pieces_with_the_same_results(sentiment, many_texts):
    """Batches over 2 * CHUNK texts are classified piece by piece while the next piece is
    encoded: the numbers are those of small calls, and errors name the text's index in
    the whole batch, whichever piece it is in."""
    from textclf.model import CHUNK
    texts = many_texts[:2 * CHUNK + 123] * 2
    assert len(texts) > 2 * CHUNK
    whole = sentiment.predict_proba(texts)
    pieces = np.vstack([sentiment.predict_proba(texts[i:i + 1000])
                        for i in range(0, len(texts), 1000)])
    assert whole.tobytes() == pieces.tobytes()
    assert sentiment.decision_function(texts).tobytes() == \
        np.concatenate([sentiment.decision_function(texts[i:i + 1000])
                        for i in range(0, len(texts), 1000)]).tobytes()
    bad = list(texts)
    bad[CHUNK + 5] = b"ok \xff"
    bad[3 * CHUNK + 1] = b"\xc0"
    with pytest.raises(textclf.InputError) as e:
        sentiment.predict(bad)
    assert e.value.index == CHUNK + 5
    assert str(e.value) == "texts[%d]: invalid UTF-8 at byte offset 3 (and 1 more texts)" \
        % (CHUNK + 5)
    bad[3 * CHUNK + 7] = "x\udcff"
    with pytest.raises(textclf.InputError, match=r"^texts\[%d\]: not valid Unicode"
                       % (3 * CHUNK + 7)):
        sentiment.predict(bad)
    bad[3 * CHUNK + 7] = 7
    with pytest.raises(TypeError, match=r"^texts\[%d\] is int" % (3 * CHUNK + 7)):
        sentiment.predict_proba(bad)
    assert sentiment.predict(["still fine"]).tolist() == ["positive"]
