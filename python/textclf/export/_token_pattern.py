"""scikit-learn's word analyzer with a custom token_pattern.

The C engine is the authority on which patterns it reproduces (src/py_regex.c: the
Python syntax where Python's re and PCRE2 agree, translated construct by construct;
everything else refused by name and offset). The exporter writes the pattern into the
manifest, then loads the written model with libtextclf, which compiles the pattern and
re-predicts the golden samples: a refusal or a difference becomes the export's refusal,
naming token_pattern and the engine's reason. Only the checks that need no engine are
made here, before anything is written."""
import re

from ._base import Refuse
from ._common import TOKEN_PATTERN

MAX_PATTERN_BYTES = 4096  # TC_PY_REGEX_MAX_LEN


def check_token_pattern(p, who):
    """The pattern as the manifest holds it; refuses what cannot reach the engine."""
    if not isinstance(p, str) or p == "":
        raise Refuse("%s token_pattern=%r is not supported (a non-empty str pattern)" % (who, p))
    if "\x00" in p:
        raise Refuse("%s token_pattern=%r is not supported: a NUL character (write it as "
                     "\\x00)" % (who, p))
    try:
        n = len(p.encode("utf-8"))
    except UnicodeEncodeError:
        raise Refuse("%s token_pattern=%r is not supported: a lone surrogate" % (who, p))
    if n > MAX_PATTERN_BYTES:
        raise Refuse("%s token_pattern is not supported: longer than %d bytes"
                     % (who, MAX_PATTERN_BYTES))
    try:
        groups = re.compile(p).groups
    except re.error as e:
        raise Refuse("%s token_pattern=%r does not compile: %s" % (who, p, e))
    if groups > 1:  # scikit-learn raises ValueError at fit and transform
        raise Refuse("%s token_pattern=%r is not supported: more than one capturing group"
                     % (who, p))
    return p


def custom_patterns(vec_meta):
    """The manifest vectorizer's token patterns other than the default (union parts too)."""
    parts = vec_meta.get("parts") or [vec_meta]
    return [v["token_pattern"] for v in parts
            if v.get("analyzer") == "word" and v.get("token_pattern") not in (None, TOKEN_PATTERN)]


def verify_with_engine(d, vec_meta):
    """Loads the model written in d with libtextclf when it has a custom token_pattern:
    the engine compiles the pattern and checks the golden samples."""
    pats = custom_patterns(vec_meta)
    if not pats:
        return
    what = "token_pattern " + ", ".join(repr(p) for p in pats)
    try:
        from ..model import Model
        from .._errors import TextclfError
    except (ImportError, OSError) as e:
        raise Refuse("%s: the C engine (libtextclf) checks a custom pattern and cannot be "
                     "loaded: %s" % (what, e))
    try:
        Model(d).close()
    except OSError as e:  # no libtextclf.so
        raise Refuse("%s: the C engine (libtextclf) checks a custom pattern and cannot be "
                     "loaded: %s" % (what, e))
    except TextclfError as e:
        raise Refuse("%s: textclf refuses it: %s" % (what, e))
