"""The package and the daemon give the same numbers: for the same model and texts,
textclf.Model's floats and those of `textclf serve` (POST /invocations, JSON Lines out)
and `textclf predict` have byte-identical reprs."""
import json
import os
import subprocess

import pytest
import textclf
from conftest import SENTIMENT, binary, pc

import common as http_common  # tests/integration/common.py: starts and talks to the daemon


def texts_for(corpus_or_none):
    base = pc.read_torture() + pc.edge_texts()[:-1]
    if corpus_or_none is not None:
        base = corpus_or_none.sets["imdb/test.tsv"][1][:1500] + \
            corpus_or_none.sets["sst2/dev.tsv"][1][:300] + base
    return base


def model_rows(m, texts):
    """Per text: (label, {class: repr(value)}) as the daemon's JSON carries them."""
    if m.output == "probabilities":
        vals = m.predict_proba(texts)
    else:
        d = m.decision_function(texts)
        vals = [[-x, x] for x in d] if d.ndim == 1 else d
    labels = m.predict(texts)
    return [(str(lab), {c: repr(float(v)) for c, v in zip(m.classes_, row)})
            for lab, row in zip(labels, vals)]


def parsed_rows(lines, kind):
    out = []
    for line in lines:
        rec = json.loads(line)
        out.append((rec["label"], {c: repr(float(v)) for c, v in rec[kind].items()}))
    return out


def daemon_rows(model_dir, texts, kind):
    proc, port, _ = http_common.start_daemon(binary(), model_dir, extra=["--threads", "1"])
    try:
        rows = []
        for i in range(0, len(texts), 500):
            st, _, body = http_common.invoke(
                port, json.dumps({"instances": texts[i:i + 500]}, ensure_ascii=False),
                content_type="application/json", accept="application/jsonlines")
            assert st == 200, body[:300]
            rows += parsed_rows(body.decode("utf-8").splitlines(), kind)
        return rows
    finally:
        proc.cleanup()


def cli_rows(model_dir, texts, kind, tmp_path):
    inp = tmp_path / "in.txt"
    inp.write_bytes(b"".join(t.encode("utf-8") + b"\n" for t in texts))
    r = subprocess.run([binary(), "predict", "--model", model_dir, "--input", str(inp)],
                       capture_output=True, check=True)
    return parsed_rows(r.stdout.decode("utf-8").splitlines(), kind)


MODELS = ["sentiment-en", "lr-multinomial-count", "linearsvc", "svc-rbf-proba"]


@pytest.mark.parametrize("via", ["daemon", "cli"])
@pytest.mark.parametrize("name", MODELS)
def test_same_numbers_as_the_daemon(corpus_or_none, request, name, via, tmp_path):
    # the committed model always; the trained ones need the corpora (SKIP without)
    d = SENTIMENT if name == "sentiment-en" else request.getfixturevalue("cases")(name).model_dir
    texts = [t for t in texts_for(corpus_or_none) if "\n" not in t]
    assert len(texts) > 150
    with textclf.Model(d) as m:
        want = model_rows(m, texts)
        kind = m.output
    got = daemon_rows(d, texts, kind) if via == "daemon" else cli_rows(d, texts, kind, tmp_path)
    assert len(got) == len(want)
    diff = [i for i, (g, w) in enumerate(zip(got, want)) if g != w]
    assert not diff, "%d of %d rows differ; first text %d: %s vs Model %s" % (
        len(diff), len(texts), diff[0], got[diff[0]], want[diff[0]])
