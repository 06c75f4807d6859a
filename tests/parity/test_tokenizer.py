#!/usr/bin/python3
"""Parity of the C tokenizer (build/tools/tokdump) with scikit-learn 1.2's
TfidfVectorizer(lowercase=L, strip_accents=S).build_analyzer() (unigrams, no stop
words) for all six combinations of L in {True, False} x S in {None, ascii, unicode}:

  torture   tests/parity/unicode_torture.txt, one document per line
  sweep     every code point except surrogates, in several contexts (word
            boundaries, doubling, the Final_Sigma rule on both sides, combining marks
            after it that NFKD reorders), packed into chunked documents
  random    seeded random strings over a pool of troublesome code points
  corpora   $TEXTCLF_DATA/imdb/test.tsv and sst2/dev.tsv when present
  utf8      invalid byte strings: tokdump must reject exactly the byte strings
            Python's strict utf-8 codec rejects, at the same byte offset
  tables    tools/gen_unicode_tables.py --check: the committed src/unicode_tables.[ch]
            are what this Python generates

    $PYTHON tests/parity/test_tokenizer.py --bin build/textclf --build build

Prints PASS/FAIL lines; exits 1 on any failure.
"""
import argparse
import os
import random
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from textclf_common import ensure_sklearn_python, read_tsv  # noqa: E402

ensure_sklearn_python()
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402

COMBOS = [(low, strip) for low in (True, False) for strip in (None, "ascii", "unicode")]
SIGMA = "\u03a3"
failures = 0


def report(ok, name, detail=""):
    global failures
    if ok:
        print("PASS %s%s" % (name, (" (" + detail + ")") if detail else ""))
    else:
        failures += 1
        print("FAIL %s: %s" % (name, detail))
    sys.stdout.flush()


def combo_name(low, strip):
    return "lowercase=%s,strip_accents=%s" % (low, strip)


def tokdump(build, docs, low, strip, portable=False):
    """Tokens per document from the C tokenizer; errors as ('!ERR', message). portable:
    the portable code path (tokdump -p) instead of the widest the CPU runs."""
    payload = b"".join(b"%d\n%s" % (len(d), d) for d in docs)
    cmd = [os.path.join(build, "tools", "tokdump"), "-z", "-l", "1" if low else "0",
           "-s", strip or "none"] + (["-p"] if portable else [])
    res = subprocess.run(cmd, input=payload, capture_output=True, check=False)
    if res.returncode != 0:
        raise RuntimeError("tokdump exited %d: %s" % (res.returncode, res.stderr.decode()))
    lines = res.stdout.decode("utf-8").split("\n")
    if lines[-1] != "" or len(lines) - 1 != len(docs):
        raise RuntimeError("tokdump printed %d lines for %d documents" % (len(lines) - 1, len(docs)))
    out = []
    for line in lines[:-1]:
        if line.startswith("!ERR "):
            out.append(("!ERR", line[5:]))
        else:
            out.append(line.split("\t") if line else [])
    return out


def reference(texts, low, strip):
    analyzer = TfidfVectorizer(lowercase=low, strip_accents=strip).build_analyzer()
    return [analyzer(t) for t in texts]


def compare(build, name, texts, low, strip, explain=None):
    """Compares C and sklearn on texts; on mismatch names the first bad document
    (or, via explain(doc_index), the first bad code point inside it)."""
    t0 = time.time()
    docs = [t.encode("utf-8", "surrogatepass") for t in texts]
    got = tokdump(build, docs, low, strip)
    # the portable path (SSE2) must give the same; on a CPU with AVX-512 `got` came
    # from the 64-byte block path
    got_portable = tokdump(build, docs, low, strip, portable=True)
    want = reference(texts, low, strip)
    bad = [i for i in range(len(texts)) if got[i] != want[i] or got_portable[i] != want[i]]
    full = "%s [%s]" % (name, combo_name(low, strip))
    if not bad:
        report(True, full, "%d documents, %d tokens, %.1f s" %
               (len(texts), sum(len(w) for w in want), time.time() - t0))
        return
    i = bad[0]
    where = explain(i) if explain else "document %d %r" % (i, texts[i][:200])
    report(False, full, "%d of %d documents differ; first: %s; C=%r C portable=%r sklearn=%r" %
           (len(bad), len(texts), where, got[i][:20], got_portable[i][:20], want[i][:20]))


# -- sweep ---------------------------------------------------------------------------
SWEEP_CONTEXTS = [
    "ab{c}cd",          # \w or not, lowercase / NFKD output inside a word
    "{c}{c}",           # alone: a token iff the processed code point is >= 2 \w
    "A{c}" + SIGMA,     # case-ignorable / cased before a final sigma
    "{c}" + SIGMA,      # cased, not ignorable, directly before a sigma
    "A" + SIGMA + "{c}",  # after a sigma
    "x{c}\u0316\u0301y",  # combining marks after c: NFKD reordering across c
    "\u0301{c}z",       # combining mark before c
]
CHUNK = 2048


def sweep_code_points():
    return [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]


def sweep(build, low, strip):
    cps = sweep_code_points()
    for ctx in SWEEP_CONTEXTS:
        if SIGMA in ctx and not low:
            continue  # the Final_Sigma contexts only matter when lowercasing
        # contexts separated by " ": not \w, not cased, not case-ignorable, a starter
        chunks = [cps[k:k + CHUNK] for k in range(0, len(cps), CHUNK)]
        texts = [" ".join(ctx.format(c=chr(cp)) for cp in ch) for ch in chunks]

        def explain(i, ctx=ctx, chunks=chunks):
            singles = [ctx.format(c=chr(cp)) for cp in chunks[i]]
            got = tokdump(build, [s.encode("utf-8") for s in singles], low, strip)
            want = reference(singles, low, strip)
            for cp, s, g, w in zip(chunks[i], singles, got, want):
                if g != w:
                    return "U+%04X in %r: C=%r sklearn=%r" % (cp, s, g, w)
            return "chunk %d differs only as a whole" % i

        compare(build, "tokenizer sweep %r" % ctx, texts, low, strip, explain)


# -- random strings ------------------------------------------------------------------
def random_texts(n, seed):
    import unicodedata
    rng = random.Random(seed)
    pool = set("aAzZ09_ '.:-\u00a0\u00ad\u200b\u200c\u200d\u2019\u02bc\u0345\u0130\u0131"
               "\u03a3\u03c3\u03c2\u0391\u1fbc\u01c5\u00df\u1e9e\ufb01\u212a\u00bd\u2460")
    for cp in range(0x20, 0x3000):
        c = chr(cp)
        if (unicodedata.combining(c) or unicodedata.decomposition(c)
                or unicodedata.category(c) in ("Lt", "Lm", "Mn", "Me", "Cf", "Sk")):
            pool.add(c)
    pool = sorted(pool)
    for _ in range(n):
        yield "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))


# -- invalid UTF-8 -------------------------------------------------------------------
def utf8_cases(seed):
    fixed = [b"\xc0\xaf", b"\xc1\xbf", b"\xe0\x80\xaf", b"\xe0\x9f\xbf", b"\xf0\x8f\xbf\xbf",
             b"\xed\xa0\x80", b"\xed\xbf\xbf", b"a\xed\x9f\xbfb", b"\xf4\x90\x80\x80",
             b"\xf4\x8f\xbf\xbf", b"\xf5\x80\x80\x80", b"\xff", b"\xfe", b"\x80", b"ab\xbf",
             b"abc\xf0\x9f\x98", b"\xe2\x82", b"\xe2\x82a", b"x\xc3", b"\xc3\xa9\xa9",
             b"caf\xc3\xa9", b"", b"\x00", b"\xef\xbb\xbfbom", b"\xf0\x9f\x98\x80\x80"]
    rng = random.Random(seed)
    rand = []
    for _ in range(20000):
        n = rng.randint(1, 8)
        rand.append(bytes(rng.choice([rng.randint(0, 255), rng.randint(0x80, 0xBF),
                                      rng.randint(0xC0, 0xF7), 0x41]) for _ in range(n)))
    return fixed + rand


def check_utf8(build):
    cases = utf8_cases(7)
    got = tokdump(build, cases, True, None)
    bad = []
    nvalid = 0
    for b, g in zip(cases, got):
        try:
            text = b.decode("utf-8")
        except UnicodeDecodeError as e:
            m = re.search(r"byte offset (\d+)", g[1]) if isinstance(g, tuple) else None
            if not (m and int(m.group(1)) == e.start and g[1].startswith("malformed input")):
                bad.append((b, g, "python rejects at %d" % e.start))
            continue
        nvalid += 1
        want = reference([text], True, None)[0]
        if g != want:
            bad.append((b, g, "python accepts: %r" % want))
    report(not bad, "tokenizer utf8 strictness",
           "%d byte strings, %d valid" % (len(cases), nvalid) if not bad else
           "%d mismatches, first %r: C=%r, %s" % ((len(bad),) + bad[0]))


def check_nfkd_per_code_point(texts):
    """The C tokenizer decomposes code point by code point and skips NFKD's canonical
    reordering. Checks the argument for that in Python itself: for both strip
    functions, stripping a whole string equals concatenating the stripped code points."""
    from sklearn.feature_extraction.text import strip_accents_ascii, strip_accents_unicode
    marks = "\u0316\u0301\u0345\u05b0\u0e48\u302a"
    texts = list(texts) + ["x%s%s%sy" % (chr(cp), marks, chr(cp)) for cp in range(0x80, 0x30000)
                           if not 0xD800 <= cp <= 0xDFFF]
    bad = []
    for fn in (strip_accents_ascii, strip_accents_unicode):
        for t in texts:
            if fn(t) != "".join(fn(c) for c in t):
                bad.append((fn.__name__, t))
    report(not bad, "tokenizer per-code-point NFKD equals whole-string NFKD after stripping",
           "%d strings x 2 strip functions" % len(texts) if not bad else
           "%d counterexamples, first %r" % (len(bad), bad[0]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/textclf")
    ap.add_argument("--build", default="build")
    ap.add_argument("--no-sweep", action="store_true")
    args = ap.parse_args()
    build = args.build if os.path.isabs(args.build) else os.path.join(ROOT, args.build)
    if not os.access(os.path.join(build, "tools", "tokdump"), os.X_OK):
        report(False, "tokenizer parity", "%s/tools/tokdump not built" % build)
        sys.exit(1)

    with open(os.path.join(ROOT, "tests", "parity", "unicode_torture.txt"), encoding="utf-8",
              newline="\n") as f:
        torture = f.read().split("\n")[:-1]
    rand = list(random_texts(20000, 2023))

    data = os.environ.get("TEXTCLF_DATA", os.path.join(ROOT, "..", "shared", "data"))
    if not os.path.isabs(data):
        data = os.path.join(ROOT, data)
    corpora = []
    for rel in ("imdb/test.tsv", "sst2/dev.tsv"):
        p = os.path.join(data, rel)
        if os.path.exists(p):
            corpora.append((rel, read_tsv(p)[1]))
        else:
            print("NOTE: %s not found; corpus parity for it skipped" % p)
    if not corpora:
        print("NOTE: no corpora under TEXTCLF_DATA=%s: parity covers the torture list, "
              "the code point sweep and random strings only" % data)

    gen = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_unicode_tables.py"),
                          "--check"], capture_output=True, text=True, check=False)
    report(gen.returncode == 0, "tokenizer unicode tables regenerate identically",
           (gen.stdout + gen.stderr).strip()[-300:])
    check_utf8(build)
    check_nfkd_per_code_point(torture + rand)
    for low, strip in COMBOS:
        compare(build, "tokenizer torture list", torture, low, strip)
        compare(build, "tokenizer random strings", rand, low, strip)
        if not args.no_sweep:
            sweep(build, low, strip)
        for rel, texts in corpora:
            compare(build, "tokenizer corpus %s" % rel, texts, low, strip)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
