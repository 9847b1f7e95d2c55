"""Optional compiled build: the hot modules through mypyc, when it can be done.

``pip install .`` (a wheel) compiles the modules in ``COMPILED`` with mypyc when a C compiler
is found and ``UNIONFACTS_PURE`` is unset or ``0``: mypy (which carries mypyc) is then asked for
as a build requirement. Otherwise, or if mypyc is missing from the build environment, it
installs the pure-Python package: the same sources, which stay the reference (CI runs the
suite on both, ``tests/test_compiled.py`` compares their output byte for byte).

An editable install (``pip install -e .``) stays pure unless ``UNIONFACTS_COMPILE=1``: compiled
modules beside the sources would hide every later edit of them until the next build.

Everything else about the package is in ``pyproject.toml``.
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
import tomllib
from pathlib import Path

from setuptools import setup  # type: ignore[import-untyped]

#: Modules compiled by mypyc, in the order of the pipeline. ``models.py`` (pydantic classes),
#: ``records.py``, the CLI and the I/O stay Python; docs/performance.md says why and what each
#: compiled module buys.
COMPILED = [
    "src/unionfacts/rules/fastre.py",
    "src/unionfacts/pipeline/normalize.py",
    "src/unionfacts/pipeline/timebase.py",
    "src/unionfacts/pipeline/metadata.py",
    "src/unionfacts/pipeline/numbers.py",
    "src/unionfacts/pipeline/candidates.py",
    "src/unionfacts/pipeline/builders.py",
    "src/unionfacts/pipeline/dates.py",
    "src/unionfacts/pipeline/region.py",
    "src/unionfacts/pipeline/resolve.py",
    "src/unionfacts/pipeline/subjects.py",
    "src/unionfacts/pipeline/lists.py",
    "src/unionfacts/pipeline/context.py",
]


def _flag(name: str) -> bool:
    return os.environ.get(name, "0") not in ("", "0")


def _may_compile() -> bool:
    """Compiling is allowed and possible, mypyc aside: CPython, a C compiler and the Python
    headers, no opt-out."""
    if _flag("UNIONFACTS_PURE") or sys.implementation.name != "cpython":
        return False
    if "editable_wheel" in sys.argv and not _flag("UNIONFACTS_COMPILE"):
        return False
    cc = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()
    if not cc or shutil.which(cc[0]) is None:
        return False
    # the headers too (a system Python without its -dev package has a compiler but no Python.h)
    return (Path(sysconfig.get_paths()["include"]) / "Python.h").is_file()


def _build_requires() -> list[str]:
    """mypy, and what it must see to type the sources as ``mypy --strict`` does in development:
    the runtime dependencies and the stubs of ``regex`` and ``yaml``. Without them mypyc would
    type pydantic models or regex matches as ``Any`` (or refuse to compile)."""
    if not _may_compile():
        return []
    project = tomllib.loads((Path(__file__).parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return ["mypy>=1.10", "types-regex", "types-PyYAML", *project["dependencies"]]


_BUILDS = {"build", "build_ext", "bdist_wheel", "editable_wheel", "install", "develop"}


def _ext_modules() -> list[object]:
    # only when building: metadata (egg_info, dist_info) and sdists need no compiling
    if not _may_compile() or not _BUILDS.intersection(sys.argv):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:  # a build without isolation, in an environment without mypy
        return []
    try:
        return list(mypycify(COMPILED, opt_level="3", group_name="unionfacts"))
    except SystemExit as e:  # mypy found errors here (another mypy, missing stubs): stay pure
        print(f"unionfacts: mypyc could not compile ({e}); building the pure-Python package", file=sys.stderr)
        return []


setup(
    # read by setuptools' build backend as extra build requirements (PEP 517 get_requires_*)
    setup_requires=_build_requires(),
    ext_modules=_ext_modules(),
)
