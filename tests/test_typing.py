"""The package's types reach its users: a script that misuses the API is flagged by mypy run
against the installed package (``py.typed`` ships; ``extract`` returns ``list[Fact]``)."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api", reason="mypy is in the test extra")

MISUSE = textwrap.dedent("""
    import unionfacts

    facts = unionfacts.extract(b"4.9\\xe4\\xba\\xbf")
    for f in facts:
        print(f.valu)
    doc = unionfacts.extract_document("共3个")
    n: str = len(doc.facts)
""")
GOOD = textwrap.dedent("""
    from decimal import Decimal

    import unionfacts

    facts: list[unionfacts.Fact] = unionfacts.extract("共3个")
    total: Decimal = sum((f.value for f in facts if isinstance(f, unionfacts.Count)), Decimal(0))
    ex = unionfacts.Extractor(kinds=["count"])
    for result in ex.pipe(["共3个"], jobs=1):
        if isinstance(result, unionfacts.Document):
            print(result.doc, len(result.facts))
        else:
            print(result.error)
""")


def _mypy(tmp_path: Path, code: str) -> tuple[str, int]:
    script = tmp_path / "user_script.py"
    script.write_text(code, encoding="utf-8")
    # a clean working directory: the package must be found as installed, not as ./src
    out, err, status = mypy_api.run([str(script), "--python-executable", sys.executable, "--no-incremental",
                                     "--cache-dir", str(tmp_path / ".mypy_cache"), "--strict"])
    return out + err, status


def test_mypy_flags_a_script_that_misuses_the_api(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report, status = _mypy(tmp_path, MISUSE)
    assert status == 1, report
    assert 'Argument 1 to "extract" has incompatible type "bytes"' in report
    assert 'has no attribute "valu"' in report
    assert 'Incompatible types in assignment (expression has type "int", variable has type "str")' in report
    assert "import-not-found" not in report and "import-untyped" not in report


def test_mypy_accepts_a_script_that_uses_the_api_well(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report, status = _mypy(tmp_path, GOOD)
    assert status == 0, report


def test_the_package_ships_py_typed():
    import unionfacts

    assert (Path(unionfacts.__file__).parent / "py.typed").is_file()
