"""textclf in-process: the C engine of the textclf daemon over ctypes, with an API in
scikit-learn's shape, and the exporters that turn fitted scikit-learn pipelines into
textclf model directories (``textclf.export``).

    >>> import textclf
    >>> m = textclf.Model("models/sentiment-en")
    >>> m.classes_
    array(['negative', 'positive'], dtype='<U8')
    >>> m.predict(["I loved this film"])
    array(['positive'], dtype='<U8')

``Model`` (and with it numpy and libtextclf.so) is imported on first use, so the
exporters and their helpers import without the shared library.
"""
from ._errors import InputError, ModelError, TextclfError

__version__ = "1.0.0"
__all__ = ["Model", "TextclfError", "ModelError", "InputError", "__version__"]


def __getattr__(name):
    if name == "Model":
        from .model import Model
        return Model
    raise AttributeError("module 'textclf' has no attribute %r" % name)
