"""The built-in rule pack is found from an editable install and from a built wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import unionfacts
from unionfacts.rules.packs import builtin_dir, load_patterns

ROOT = Path(__file__).resolve().parent.parent


def test_editable_install_reads_the_top_level_patterns_folder():
    # In the development checkout the package is installed editable: the pack must be the
    # repository's own patterns/ folder, so that editing a YAML file takes effect at once.
    here = Path(str(builtin_dir())).resolve()
    if not str(Path(unionfacts.__file__).resolve()).startswith(str(ROOT)):
        pytest.skip("unionfacts is not installed from this checkout")
    assert here == (ROOT / "patterns").resolve()
    assert {r.kind for r in load_patterns().rules} >= {"money", "count", "percent", "date", "duration"}


def test_wheel_carries_the_pack_and_loads_it(tmp_path):
    wheel_dir = tmp_path / "wheel"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                        "-q", "-w", str(wheel_dir), str(ROOT)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.fail(f"pip wheel failed: {r.stderr[-2000:]}")
    (whl,) = wheel_dir.glob("unionfacts-*.whl")
    names = zipfile.ZipFile(whl).namelist()
    yamls = sorted(n for n in names if n.startswith("unionfacts/_patterns/") and n.endswith(".yaml"))
    assert {Path(n).name for n in yamls} == {p.name for p in (ROOT / "patterns").glob("*.yaml")}
    # the product only: types for its users, no tools, tests or benchmark
    assert "unionfacts/py.typed" in names
    assert not [n for n in names if n.startswith(("tools/", "tests/", "bench/")) or n.endswith("conformance.py")]
    target = tmp_path / "site"
    zipfile.ZipFile(whl).extractall(target)
    code = ("import unionfacts, unionfacts.rules.packs as p; from pathlib import Path;"
            "d = Path(str(p.builtin_dir())); assert str(d).startswith(%r), d;"
            "f = unionfacts.extract('投入资金4.9亿元'); assert str(f[0].value) == '490000000', f;"
            "print(len(p.load_patterns().rules))") % str(target)
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": str(target)})
    # -I ignores PYTHONPATH; run without it but with the wheel first on sys.path instead
    if out.returncode != 0:
        code2 = f"import sys; sys.path.insert(0, {str(target)!r}); " + code
        out = subprocess.run([sys.executable, "-c", code2], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert int(out.stdout.strip()) == len(load_patterns().rules)
