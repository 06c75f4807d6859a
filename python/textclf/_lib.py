"""Finds and loads libtextclf.so.1 (include/textclf.h) with ctypes.

Where the library comes from, first match wins:

1. ``TEXTCLF_LIB``: an explicit path to the shared library;
2. the copy bundled in this package (wheels built by ``make wheel`` or ``pip install
   ./python`` carry one next to this file);
3. the repository's build directory, when the package is imported from a checkout
   (``<repo>/python/textclf`` -> ``<repo>/build/libtextclf.so.1``);
4. the system's dynamic loader (``make install`` puts it in ``$PREFIX/lib``).

The library is loaded with ``ctypes.CDLL``: ctypes releases the GIL around every call
into it, so other Python threads run while textclf classifies a batch.
"""
import ctypes
import os
import threading

SONAME = "libtextclf.so.1"
ABI_VERSION = 1
ERR_LEN = 512

# Status codes (textclf.h).
OK, ENOMEM, EIO, EFORMAT, EINPUT, EUNSUPPORTED, EMISMATCH, EINVAL = range(8)
PROBABILITIES, SCORES = 0, 1


class Text(ctypes.Structure):
    """struct textclf_text: one input text as (pointer, length)."""
    _fields_ = [("data", ctypes.c_void_p), ("len", ctypes.c_size_t)]


_lock = threading.Lock()
_lib = None
_path = None


def _candidates():
    env = os.environ.get("TEXTCLF_LIB")
    if env:
        return [("TEXTCLF_LIB", env)]
    here = os.path.dirname(os.path.abspath(__file__))
    out = [("bundled", os.path.join(here, SONAME))]
    repo_build = os.path.join(os.path.dirname(os.path.dirname(here)), "build", SONAME)
    out.append(("checkout", repo_build))
    out.append(("system", SONAME))
    return out


def _declare(lib):
    c = ctypes
    sig = {
        "textclf_abi_version": (c.c_int, []),
        "textclf_version": (c.c_char_p, []),
        "textclf_status_name": (c.c_char_p, [c.c_int]),
        "textclf_open": (c.c_int, [c.c_char_p, c.POINTER(c.c_void_p), c.c_char_p]),
        "textclf_close": (None, [c.c_void_p]),
        "textclf_n_classes": (c.c_size_t, [c.c_void_p]),
        "textclf_class_name": (c.c_char_p, [c.c_void_p, c.c_size_t]),
        "textclf_output_kind": (c.c_int, [c.c_void_p]),
        "textclf_manifest_json": (c.c_void_p, [c.c_void_p, c.POINTER(c.c_size_t)]),
        "textclf_decision_width": (c.c_size_t, [c.c_void_p]),
        "textclf_predict": (c.c_int, [c.c_void_p, c.c_void_p, c.c_size_t, c.c_uint,
                                      c.c_void_p, c.c_void_p, c.c_void_p, c.c_char_p]),
        "textclf_decision_function": (c.c_int, [c.c_void_p, c.c_void_p, c.c_size_t,
                                                c.c_uint, c.c_void_p, c.c_void_p,
                                                c.c_char_p]),
    }
    for name, (res, args) in sig.items():
        fn = getattr(lib, name)
        fn.restype = res
        fn.argtypes = args
    return sig


def load():
    """Returns the loaded library (loading it on first use). Raises OSError naming every
    place it looked when none holds a usable libtextclf.so.1."""
    global _lib, _path
    with _lock:
        if _lib is not None:
            return _lib
        tried = []
        for origin, path in _candidates():
            if origin != "system" and not os.path.isfile(path):
                tried.append("%s %s: not found" % (origin, path))
                continue
            try:
                lib = ctypes.CDLL(path)
            except OSError as e:
                tried.append("%s %s: %s" % (origin, path, e))
                continue
            try:
                _declare(lib)
            except AttributeError as e:
                tried.append("%s %s: not libtextclf (%s)" % (origin, path, e))
                continue
            abi = lib.textclf_abi_version()
            if abi != ABI_VERSION:
                tried.append("%s %s: ABI version %d, this package needs %d"
                             % (origin, path, abi, ABI_VERSION))
                continue
            _lib, _path = lib, path
            return lib
        raise OSError("textclf: cannot load %s; tried: %s. Build it with `make` in the "
                      "textclf repository, install it with `make install`, or set "
                      "TEXTCLF_LIB to its path." % (SONAME, "; ".join(tried)))


def path():
    """The file the library was loaded from (None before the first load)."""
    return _path
