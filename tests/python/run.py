#!/usr/bin/env python3
"""Runs the Python package's pytest suite (tests/python) and reports it the project's way:
one line per test, "PASS python-<env>/<test>", "FAIL python-<env>/<test>: <why>" (the
traceback follows, indented) or "SKIP python-<env>/<test>: <why>" (a skipped test is never
counted as passed), and a closing count. pytest's own terminal output is off.

    TEXTCLF_PYTEST_ENV=debian /usr/bin/python3 tests/python/run.py --build build [pytest args]

tests/run.sh (suite `python`) runs it twice: with Debian's python3 and scikit-learn 1.2
on the checkout's python/ (TEXTCLF_LIB = the built library), and with build/venv's
python, which has the newest scikit-learn from PyPI and the textclf wheel installed.
Exits 1 when a test failed or errored, or when pytest itself could not run.
"""
import argparse
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


class ProjectReport:
    """pytest plugin: PASS/FAIL/SKIP lines as each test finishes."""

    def __init__(self, env):
        self.env = env
        self.failed = 0
        self.passed = 0
        self.skipped = 0

    def _line(self, text):
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def _details(self, report):
        # pytest's terminal reporter is off (-p no:terminal): the traceback goes here,
        # indented so that no line of it reads as a PASS/FAIL/SKIP line
        for line in report.longreprtext.rstrip().splitlines():
            self._line("    " + line)
        for title, content in report.sections:
            if content.strip() and "stdout" in title:
                self._line("    --- %s ---" % title)
                for line in content.rstrip().splitlines()[-40:]:
                    self._line("    " + line)

    def pytest_runtest_logreport(self, report):
        name = "python-%s/%s" % (self.env, report.nodeid.split("::", 1)[-1])
        if report.when == "call" and report.passed:
            self.passed += 1
            self._line("PASS " + name)
            for title, content in report.sections:  # NOTE lines the test printed
                for line in content.splitlines():
                    if "stdout" in title and line.startswith("NOTE "):
                        self._line(line)
        elif report.failed:
            self.failed += 1
            why = report.longreprtext.strip().splitlines()
            # the last line of the traceback holds the assertion or exception
            self._line("FAIL %s: %s%s" % (name, "" if report.when == "call" else
                                          "(in %s) " % report.when, why[-1] if why else "?"))
            self._details(report)
        elif report.skipped and report.when in ("setup", "call"):
            self.skipped += 1
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else \
                str(report.longrepr)
            self._line("SKIP %s: %s" % (name, reason.replace("Skipped: ", "")))

    def pytest_collectreport(self, report):
        if report.failed:
            self.failed += 1
            why = report.longreprtext.strip().splitlines()
            self._line("FAIL python-%s/collect %s: %s" % (self.env, report.nodeid,
                                                          why[-1] if why else "?"))
            self._details(report)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    args, rest = ap.parse_known_args()
    os.environ["TEXTCLF_BUILD"] = os.path.abspath(args.build)
    env = os.environ.get("TEXTCLF_PYTEST_ENV", "local")
    plugin = ProjectReport(env)
    rc = pytest.main(["-p", "no:terminal", "-p", "no:cacheprovider", HERE] + rest,
                     plugins=[plugin])
    print("python-%s: %d passed, %d failed, %d skipped (pytest exit %d)" % (
        env, plugin.passed, plugin.failed, plugin.skipped, int(rc)))
    if plugin.failed == 0 and int(rc) not in (0, 5):
        print("FAIL python-%s: pytest exited %d without a failed test" % (env, int(rc)))
        return 1
    return 1 if plugin.failed or int(rc) != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
