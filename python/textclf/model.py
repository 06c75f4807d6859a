"""textclf.Model: a verified textclf model directory, classified in-process by
libtextclf (include/textclf.h) with scikit-learn's method names and shapes.

A batch goes to C in one call (in calls of CHUNK texts when larger than 2 * CHUNK):
the texts are encoded to UTF-8 into one buffer and passed as an array of (pointer,
length) pairs; C writes labels and values straight into numpy arrays. The GIL is
released for the length of each call (ctypes does so for every CDLL function), and C
splits the texts of a call over ``threads`` threads. A large batch's calls run on a
helper thread while the calling thread encodes the next CHUNK, so the UTF-8 encoding,
the one cost textclf predict does not have, overlaps the C work.
"""
import ctypes
import errno
import json
import os
import queue
import threading

import numpy as np

from . import _lib
from ._errors import InputError, ModelError, TextclfError

MAX_THREADS = 256
CHUNK = 2048  # texts per C call in a large batch (see Model._run)


class _AvailableIf:
    """A method that exists only when check(model) is true; otherwise reading it raises
    AttributeError, as scikit-learn's estimators do (hasattr() is then False)."""

    def __init__(self, check, fn):
        self.check = check
        self.fn = fn
        self.__doc__ = fn.__doc__

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        self.check(obj)
        return self.fn.__get__(obj, owner)


def _has_proba(m):
    if m._output != _lib.PROBABILITIES:
        raise AttributeError(
            "predict_proba is not available: this model (%s) gives decision scores, not "
            "probabilities; use decision_function" % m._estimator)


def _has_decision(m):
    if m._width == 0:
        raise AttributeError(
            "decision_function is not available for %s (scikit-learn has none either); "
            "use predict_proba" % m._estimator)


def _as_list(texts):
    if isinstance(texts, (str, bytes, bytearray)):
        raise ValueError("Iterable over raw text documents expected, %s object received."
                         % type(texts).__name__)
    if isinstance(texts, (list, tuple)):
        return texts
    if isinstance(texts, np.ndarray) and texts.ndim != 1:
        raise ValueError("texts must be one-dimensional, got an array of shape %r"
                         % (texts.shape,))
    try:
        return list(texts)
    except TypeError:
        raise TypeError("texts must be an iterable of str or bytes, not %s"
                        % type(texts).__name__) from None


def _encode(texts, base=0):
    """Returns (buffer, lengths) for a list of str / bytes: the texts' UTF-8 bytes back
    to back and each one's length. base: the index of texts[0] in the caller's batch,
    for messages."""
    try:
        parts = list(map(str.encode, texts))  # UTF-8, strict: the common case, fast
    except (TypeError, UnicodeEncodeError):
        if all(type(t) is bytes for t in texts):
            parts = texts  # already UTF-8 (C checks it): no copy
        else:
            parts = _encode_items(texts, base)
    return b"".join(parts), np.fromiter(map(len, parts), dtype=np.uintp, count=len(parts))


def _encode_items(texts, base=0):
    """As _encode's fast path, item by item, for batches holding bytes or a bad item:
    bytes pass as they are (C checks their UTF-8), anything else is refused by index."""
    parts = []
    for i, t in enumerate(texts, base):
        if isinstance(t, str):
            try:
                parts.append(t.encode("utf-8"))
            except UnicodeEncodeError as e:
                raise InputError("texts[%d]: not valid Unicode: %s (character %d, %r); "
                                 "textclf classifies UTF-8 text" % (i, e.reason, e.start,
                                                                    t[e.start:e.end]),
                                 i, "malformed input") from None
        elif isinstance(t, (bytes, bytearray, memoryview)):
            parts.append(bytes(t))
        else:
            raise TypeError("texts[%d] is %s; expected str or bytes" % (i, type(t).__name__))
    return parts


def _text_array(buf, lens):
    """struct textclf_text[n] over buf, as a numpy array of (address, length) rows."""
    n = lens.shape[0]
    arr = np.empty((n, 2), dtype=np.uintp)
    base = ctypes.cast(ctypes.c_char_p(buf), ctypes.c_void_p).value or 0
    arr[:, 0] = base
    if n > 1:
        np.cumsum(lens[:-1], out=arr[1:, 0])
        arr[1:, 0] += np.uintp(base)
    arr[:, 1] = lens
    return arr


class Model:
    """A textclf model directory, loaded and verified (checksums of every file, golden
    samples reproduced to 1e-9) as ``textclf serve`` loads it.

    ``threads`` is the default for every call: 1 classifies on the calling thread, N
    uses up to N threads for a batch, 0 one per online CPU. Results do not depend on it.

    Methods take a list (or any iterable) of texts, each a ``str`` or UTF-8 ``bytes``,
    and classify the batch in one call into C, with the GIL released. A ``Model`` may
    be shared by threads. ``close()`` (or a ``with`` block) frees it; a closed model
    raises ValueError.
    """

    def __init__(self, path, threads=1):
        self.path = os.fspath(path)
        self.threads = self._check_threads(threads)
        self._h = None
        self._lock = threading.Lock()
        self._active = 0
        self._closing = False
        lib = _lib.load()
        if not os.path.exists(self.path):
            raise FileNotFoundError(errno.ENOENT, "textclf model directory not found",
                                    self.path)
        if not os.path.isdir(self.path):
            raise NotADirectoryError(errno.ENOTDIR, "a textclf model is a directory",
                                     self.path)
        err = ctypes.create_string_buffer(_lib.ERR_LEN)
        h = ctypes.c_void_p()
        rc = lib.textclf_open(os.fsencode(self.path), ctypes.byref(h), err)
        if rc != _lib.OK:
            raise ModelError(_message(err, rc), _status(rc))
        self._lib = lib
        self._h = h.value
        k = lib.textclf_n_classes(self._h)
        self.classes_ = np.array([lib.textclf_class_name(self._h, i).decode("utf-8")
                                  for i in range(k)])
        self._output = lib.textclf_output_kind(self._h)
        self._width = lib.textclf_decision_width(self._h)
        n = ctypes.c_size_t()
        p = lib.textclf_manifest_json(self._h, ctypes.byref(n))
        self._manifest = ctypes.string_at(p, n.value).decode("utf-8")
        m = json.loads(self._manifest)
        self.name = m.get("name")
        self._estimator = m.get("classifier", {}).get("estimator", "this model")

    # ---- description -------------------------------------------------------------------

    @property
    def info(self):
        """The model's manifest.json (as verified at load), as a new dict."""
        return json.loads(self._manifest)

    @property
    def output(self):
        """``"probabilities"`` or ``"scores"``: what the model gives per class."""
        return "probabilities" if self._output == _lib.PROBABILITIES else "scores"

    @property
    def closed(self):
        return self._h is None or self._closing

    def __repr__(self):
        return "textclf.Model(%r, classes=%r, output=%r%s)" % (
            self.path, self.classes_.tolist(), self.output, ", closed" if self.closed else "")

    # ---- prediction ----------------------------------------------------------------------

    def predict(self, texts, threads=None):
        """Predicted class of each text: a numpy array of class names (``classes_``)."""
        labels, _ = self._predict(texts, threads, want_values=False)
        return self.classes_[labels]

    def _predict_proba(self, texts, threads=None):
        """Probability of each class for each text: float64 array (n_texts, n_classes),
        columns in ``classes_`` order, as scikit-learn's predict_proba."""
        return self._predict(texts, threads, want_values=True)[1]

    def _decision_function(self, texts, threads=None):
        """scikit-learn's decision_function: float64 array (n_texts,) for two classes
        (> 0 means ``classes_[1]``), (n_texts, n_classes) otherwise."""
        _, out = self._run(texts, threads, decision=True)
        return out[:, 0] if self._width == 1 else out

    predict_proba = _AvailableIf(_has_proba, _predict_proba)
    decision_function = _AvailableIf(_has_decision, _decision_function)

    def _predict(self, texts, threads, want_values):
        return self._run(texts, threads, decision=False, want_values=want_values)

    def _run(self, texts, threads, decision, want_values=True):
        """Classifies texts in C: (labels or None, values). A batch of more than CHUNK
        texts goes to C in pieces of CHUNK, through a helper thread, so that this thread
        encodes the next piece to UTF-8 while C classifies the current one (the GIL is
        free during C calls), and no copy of the whole batch is ever held."""
        with _Call(self) as h:
            items = _as_list(texts)
            n = len(items)
            nthreads = self._threads(threads)
            width = self._width if decision else len(self.classes_)
            labels = None if decision else np.empty(n, dtype=np.int32)
            values = np.empty((n, width), dtype=np.float64) if want_values or decision \
                else None
            status = np.zeros(n, dtype=np.int32)
            errors = []  # (start, rc, message) of each piece that failed

            def classify(start, arr):
                err = ctypes.create_string_buffer(_lib.ERR_LEN)
                count = arr.shape[0]
                if decision:
                    rc = self._lib.textclf_decision_function(
                        h, arr.ctypes.data, count, nthreads,
                        values.ctypes.data + start * width * 8, status.ctypes.data + start * 4,
                        err)
                else:
                    rc = self._lib.textclf_predict(
                        h, arr.ctypes.data, count, nthreads, labels.ctypes.data + start * 4,
                        values.ctypes.data + start * width * 8 if values is not None else None,
                        status.ctypes.data + start * 4, err)
                if rc != _lib.OK:
                    errors.append((start, rc, _message(err, rc)))

            if n <= 2 * CHUNK:
                buf, lens = _encode(items)
                classify(0, _text_array(buf, lens))
            else:
                _pipelined(items, classify)
        if errors:
            _raise_for(min(errors), status)
        return labels, values

    # ---- threads and lifetime ------------------------------------------------------------

    @staticmethod
    def _check_threads(threads):
        if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)):
            raise TypeError("threads must be an int, not %s" % type(threads).__name__)
        if not 0 <= threads <= MAX_THREADS:
            raise ValueError("threads must be in 0..%d (0 = one per CPU), got %d"
                             % (MAX_THREADS, threads))
        return int(threads)

    def _threads(self, threads):
        return self.threads if threads is None else self._check_threads(threads)

    def close(self):
        """Frees the model. Calls still running on other threads finish first (the
        memory is released when the last one returns); later calls raise ValueError.
        Closing twice is harmless."""
        with self._lock:
            if self._h is None or self._closing:
                return
            self._closing = True
            if self._active == 0:
                self._free()

    def _free(self):
        h, self._h = self._h, None
        self._lib.textclf_close(h)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_h", None) is not None:
            self.close()

    def __reduce__(self):
        # Pickled by path: another process (multiprocessing, joblib) opens and verifies
        # the directory again.
        return (Model, (self.path, self.threads))


class _Call:
    """Holds the model open for one call: close() waits for it to end."""

    def __init__(self, model):
        self.m = model

    def __enter__(self):
        m = self.m
        with m._lock:
            if m._h is None or m._closing:
                raise ValueError("textclf.Model %r is closed" % m.path)
            m._active += 1
            return m._h

    def __exit__(self, *exc):
        m = self.m
        with m._lock:
            m._active -= 1
            if m._closing and m._active == 0 and m._h is not None:
                m._free()


_STATUS = {_lib.ENOMEM: "out of memory", _lib.EIO: "I/O error",
           _lib.EFORMAT: "malformed model file", _lib.EINPUT: "malformed input",
           _lib.EUNSUPPORTED: "unsupported", _lib.EMISMATCH: "golden sample mismatch",
           _lib.EINVAL: "invalid argument"}


def _status(rc):
    return _STATUS.get(rc, "status %d" % rc)


def _message(err, rc):
    msg = err.value.decode("utf-8", "replace")
    return msg or _status(rc)


def _raise_for(error, status):
    """Raises for the first piece that failed: error = (start of the piece, status, C
    message). C names texts by their index in the piece; the message gets the index in
    the whole batch."""
    start, rc, msg = error
    if rc == _lib.ENOMEM:
        raise MemoryError(msg)
    bad = np.flatnonzero(status)
    if rc in (_lib.EINPUT, _lib.EINVAL) and bad.size:
        i = int(bad[0])
        prefix = "texts[%d]: " % (i - start)
        if msg.startswith(prefix):
            msg = "texts[%d]: %s" % (i, msg[len(prefix):])
        raise InputError(msg + ("" if bad.size == 1 else " (and %d more texts)" % (bad.size - 1)),
                         i, _status(rc))
    raise TextclfError(msg, _status(rc))


def _pipelined(items, classify):
    """Calls classify(start, text array) for each CHUNK of items on a helper thread,
    encoding the next chunks on this one meanwhile (at most two waiting). An item that
    cannot be encoded stops the run: the chunks before it are finished first."""
    jobs = queue.Queue(maxsize=2)
    failure = []

    def work():
        while True:
            job = jobs.get()
            if job is None:
                return
            try:
                classify(job[0], job[2])
            except BaseException as e:  # handed to the caller's thread below
                failure.append(e)

    t = threading.Thread(target=work, name="textclf-batch", daemon=True)
    t.start()
    try:
        for start in range(0, len(items), CHUNK):
            buf, lens = _encode(items[start:start + CHUNK], start)
            jobs.put((start, buf, _text_array(buf, lens)))
    finally:
        jobs.put(None)
        t.join()
    if failure:
        raise failure[0]
