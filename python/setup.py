"""Builds the textclf wheel with libtextclf.so.1 inside (python/textclf/libtextclf.so.1 in
the wheel; textclf/_lib.py loads it from there).

Where the library comes from:
- TEXTCLF_BUNDLE_LIB=/path/to/libtextclf.so.1.0.0: that file (`make wheel` passes the one
  it just built);
- otherwise, when this directory sits in a textclf checkout (../Makefile, ../src/capi.c):
  `make -C .. lib`, then ../build/libtextclf.so.1.0.0. pip builds a local directory in
  place, so `pip install ./python` works from a checkout; a build from an sdist elsewhere
  has no C sources and stops with a message;
- TEXTCLF_BUNDLE_LIB=none: no library in the wheel; textclf then finds the system's
  (`make install`) or TEXTCLF_LIB at run time.
The wheel is tagged py3-none-<platform>: it holds a native library but no Python
extension, so one wheel serves every Python 3 on that platform.
"""
import os
import shutil
import subprocess

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SONAME = "libtextclf.so.1"


def library():
    env = os.environ.get("TEXTCLF_BUNDLE_LIB")
    if env == "none":
        return None
    if env:
        if not os.path.isfile(env):
            raise SystemExit("TEXTCLF_BUNDLE_LIB=%s: no such file" % env)
        return env
    if not (os.path.isfile(os.path.join(REPO, "Makefile")) and
            os.path.isfile(os.path.join(REPO, "src", "capi.c"))):
        raise SystemExit("textclf: building outside a textclf checkout: set TEXTCLF_BUNDLE_LIB "
                         "to a built libtextclf.so.1.0.0, or to 'none' to use the system's")
    subprocess.run(["make", "-C", REPO, "lib"], check=True)
    return os.path.join(REPO, "build", "libtextclf.so.1.0.0")


class BuildPy(build_py):
    def run(self):
        super().run()
        lib = library()
        if lib is not None:
            dst = os.path.join(self.build_lib, "textclf", SONAME)
            shutil.copyfile(lib, dst)
            os.chmod(dst, 0o755)


class BinaryDistribution(Distribution):
    """Holds a native library: the wheel is platform-specific and installs to platlib."""

    def has_ext_modules(self):
        return True


class BdistWheel(bdist_wheel):
    def get_tag(self):
        return ("py3", "none") + tuple(super().get_tag()[2:])


# Build products go under the checkout's build/ (git-ignored), not into python/.
OPTIONS = {}
if os.path.isfile(os.path.join(REPO, "Makefile")):
    base = os.path.join(REPO, "build", "python-build")
    os.makedirs(base, exist_ok=True)
    OPTIONS = {"build": {"build_base": base}, "egg_info": {"egg_base": base}}

setup(distclass=BinaryDistribution, cmdclass={"build_py": BuildPy, "bdist_wheel": BdistWheel},
      options=OPTIONS)
