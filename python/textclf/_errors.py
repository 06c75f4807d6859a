"""Exceptions raised by textclf.Model."""


class TextclfError(Exception):
    """An error reported by libtextclf. ``status`` is the library's status name
    (``"malformed model file"``, ``"malformed input"``, ...)."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class ModelError(TextclfError):
    """A model directory that textclf refuses: a missing or malformed file, a checksum
    that does not match, golden samples that do not reproduce. The message names the
    file and, where there is one, the line."""


class InputError(TextclfError, ValueError):
    """A text that cannot be classified (invalid UTF-8, a lone surrogate). ``index`` is
    its position in the batch; the message names it too."""

    def __init__(self, message, index, status=None):
        super().__init__(message, status)
        self.index = index
