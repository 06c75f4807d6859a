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


def run_export(export, args, prog):
    """An exporter's main: export(args) -> (out_dir, manifest); a Refuse is the user's
    message and exit status 1, else one summary line and 0."""
    import sys
    try:
        out, m = export(args)
    except Refuse as e:
        sys.stderr.write("%s: %s\n" % (prog, e))
        return 1
    sys.stderr.write("%s: wrote %s (%s, %s, %d classes, %d features)\n" % (
        prog, out, m["classifier"]["estimator"], m["classifier"]["probability"],
        len(m["classes"]), m["vectorizer"]["n_features"]))
    return 0
