"""libtextclf.so as the package loads it: which file, its soname and exported symbols, and
that calls into it release the GIL."""
import ctypes
import os
import re
import subprocess
import sys
import threading

import numpy as np
import pytest
import textclf
import textclf._lib as lib_mod
from conftest import ROOT, SENTIMENT


def library_file():
    lib_mod.load()
    return os.path.realpath(lib_mod.path())


def test_version_and_abi():
    lib = lib_mod.load()
    assert lib.textclf_abi_version() == 1
    assert lib.textclf_version().decode() == textclf.__version__ == "1.0.0"
    assert lib.textclf_status_name(4).decode() == "malformed input"
    assert lib.textclf_status_name(99).decode() == "unknown status"
    print("NOTE textclf %s from %s, library %s" % (textclf.__version__, textclf.__file__,
                                                   library_file()))


@pytest.mark.wheel_only
def test_installed_wheel_loads_its_bundled_library():
    pkg = os.path.dirname(os.path.realpath(textclf.__file__))
    assert not pkg.startswith(os.path.join(ROOT, "python") + os.sep), pkg
    assert "TEXTCLF_LIB" not in os.environ
    assert library_file() == os.path.join(pkg, "libtextclf.so.1")


def public_functions():
    """The function names textclf.h declares with TEXTCLF_API."""
    with open(os.path.join(ROOT, "include", "textclf.h")) as f:
        text = f.read()
    return set(re.findall(r"TEXTCLF_API\s[^;(]*?\b(textclf_\w+)\s*\(", text))


def test_exports_exactly_the_public_api():
    out = subprocess.run(["nm", "-D", "--defined-only", library_file()], capture_output=True,
                         text=True, check=True).stdout
    syms = [line.split()[-1] for line in out.splitlines() if line.strip()]
    names = {s.split("@")[0] for s in syms if s != "TEXTCLF_1"}
    assert names == public_functions(), names ^ public_functions()
    assert all(s.endswith("@@TEXTCLF_1") for s in syms if s != "TEXTCLF_1"), syms
    dyn = subprocess.run(["readelf", "-d", library_file()], capture_output=True, text=True,
                         check=True).stdout
    assert "Library soname: [libtextclf.so.1]" in dyn


def test_calls_are_not_python_api_calls():
    """ctypes keeps the GIL only for functions flagged FUNCFLAG_PYTHONAPI (PyDLL)."""
    lib = lib_mod.load()
    assert type(lib) is ctypes.CDLL
    for name in public_functions():
        assert not getattr(lib, name)._flags_ & ctypes._FUNCFLAG_PYTHONAPI, name


def test_gil_released_during_a_batch(many_texts):
    """While one thread is inside textclf_predict, another runs Python and classifies.

    The switch interval is set to 100 s, so a thread holding the GIL never hands it over
    on its own: the main thread gets past Thread.start() only when the worker releases
    the GIL, and the worker does nothing between start and the end of its C call that
    releases it except the call itself. If the call kept the GIL, the worker would have
    finished (done set) before the main thread ran again."""
    m = textclf.Model(SENTIMENT)
    texts = many_texts * 10  # ~1 s of C work on one thread
    from textclf.model import _encode, _text_array
    buf, lens = _encode(texts)
    arr = _text_array(buf, lens)
    n = len(texts)
    labels = np.empty(n, dtype=np.int32)
    values = np.empty((n, 2))
    status = np.zeros(n, dtype=np.int32)
    err = ctypes.create_string_buffer(512)
    done = threading.Event()
    result = {}
    lib, h = m._lib, m._h

    def worker():
        result["rc"] = lib.textclf_predict(h, arr.ctypes.data, n, 1, labels.ctypes.data,
                                           values.ctypes.data, status.ctypes.data, err)
        done.set()

    old = sys.getswitchinterval()
    sys.setswitchinterval(100.0)
    try:
        t = threading.Thread(target=worker)
        t.start()
        inside = not done.is_set()
        # and the model serves this thread meanwhile
        mine = m.predict_proba(["a fine film", "dreadful"])
    finally:
        sys.setswitchinterval(old)
    t.join()
    assert inside, "the main thread could not run while textclf_predict ran"
    assert result["rc"] == 0
    assert np.array_equal(values[:2], m.predict_proba(texts[:2]))
    assert np.array_equal(mine, m.predict_proba(["a fine film", "dreadful"]))
    m.close()
