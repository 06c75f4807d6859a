"""What every exporter module shares: the refusal exception and number formatting."""
import math


class Refuse(Exception):
    """An unsupported or inconsistent input; the message names the parameter."""


def fmt(x):
    """x as the shortest decimal that reads back as the same float64 (Python repr)."""
    x = float(x)
    if not math.isfinite(x):
        raise Refuse("non-finite number %r" % x)
    return repr(x)


def g17(x):
    """x with 17 significant digits, as libsvm model files carry numbers."""
    return "%.17g" % float(x)
