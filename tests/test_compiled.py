"""The compiled build (mypyc, see ``setup.py``) and the pure-Python sources give the same bytes.

When the installed package runs compiled modules, the seeds, every rule example and negative,
and a slice of the benchmark corpus are extracted twice, in two fresh processes: once by the
installed package and once by a copy of its ``.py`` files alone (the pure path, the reference),
and the JSONL lines must be byte-identical. On a pure install there is nothing to compare and
those tests skip; ``UNIONFACTS_EXPECT=compiled`` or ``=pure`` (set by ``tools/test.sh``) makes
the path a requirement, so a build that silently fell back to pure fails in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import unionfacts
import unionfacts.pipeline.candidates as candidates

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(unionfacts.__file__).resolve().parent
#: The modules ``setup.py`` compiles, as import names.
COMPILED_MODULES = ["unionfacts.rules.fastre", "unionfacts.pipeline.normalize", "unionfacts.pipeline.timebase",
                    "unionfacts.pipeline.metadata", "unionfacts.pipeline.numbers", "unionfacts.pipeline.candidates",
                    "unionfacts.pipeline.builders", "unionfacts.pipeline.dates", "unionfacts.pipeline.region",
                    "unionfacts.pipeline.resolve", "unionfacts.pipeline.subjects", "unionfacts.pipeline.lists",
                    "unionfacts.pipeline.context"]


def _is_compiled(module_file: str | None) -> bool:
    return module_file is not None and not module_file.endswith(".py")


COMPILED = _is_compiled(candidates.__file__)
needs_compiled = pytest.mark.skipif(not COMPILED, reason="pure install: no compiled modules to compare with")

# Runs in a fresh process; argv: the folder to put first on sys.path ("-": none), the repository
# root, the corpus size in MB. Prints which candidates module ran, then one line per set:
# its name, its line count and the SHA-256 of its JSONL bytes; the JSONL itself goes to a file.
_DUMP = r"""
import sys
if sys.argv[1] != "-":
    sys.path.insert(0, sys.argv[1])
root, mb, out = sys.argv[2], float(sys.argv[3]), sys.argv[4]
sys.path.insert(0, root + "/bench")
import hashlib, pathlib
import unionfacts
import unionfacts.pipeline.candidates as cand
from unionfacts.io.sinks import jsonl_lines
from unionfacts.rules.check import iter_cases
from unionfacts.rules.packs import get_patterns
import corpus

def lines(doc):
    return [line + "\n" for line in jsonl_lines(doc)]

sets = {"seeds": [], "examples": [], "corpus": []}
for p in sorted(pathlib.Path(root, "seeds").glob("*.txt")):
    sets["seeds"] += lines(unionfacts.extract_document(p.read_text(encoding="utf-8"), doc_id=p.name))
for case in iter_cases(get_patterns()):
    doc = unionfacts.extract_document(case.text, published=case.published, doc_id=case.name)
    sets["examples"] += lines(doc)
for d in corpus.build_corpus(mb):
    sets["corpus"] += lines(unionfacts.extract_document(d.text, doc_id=d.doc_id))
print(cand.__file__)
with open(out, "w", encoding="utf-8", newline="") as f:
    for name, ls in sets.items():
        data = "".join(ls).encode("utf-8")
        f.write(f"# {name}\n")
        f.write("".join(ls))
        print(name, len(ls), hashlib.sha256(data).hexdigest())
"""


def pure_copy(dest: Path) -> Path:
    """The installed package's ``.py`` files (and rule pack) without its extension modules."""
    shutil.copytree(PACKAGE, dest / "unionfacts", ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"))
    return dest


def _dump(first: str, out: Path, mb: float) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    r = subprocess.run([sys.executable, "-c", _DUMP, first, str(ROOT), str(mb), str(out)],
                       capture_output=True, text=True, env=env, cwd=out.parent, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout.splitlines()


def test_expected_path_is_active() -> None:
    want = os.environ.get("UNIONFACTS_EXPECT")
    if not want:
        pytest.skip("UNIONFACTS_EXPECT is not set: either path is fine here")
    assert want in ("compiled", "pure"), want
    import importlib

    files = {m: importlib.import_module(m).__file__ for m in COMPILED_MODULES}
    if want == "compiled":
        assert all(_is_compiled(f) for f in files.values()), files
    else:
        assert not any(_is_compiled(f) for f in files.values()), files


@needs_compiled
def test_pure_copy_has_no_extension_modules(tmp_path: Path) -> None:
    root = pure_copy(tmp_path)
    assert not list(root.rglob("*.so")) and not list(root.rglob("*.pyd"))
    assert (root / "unionfacts" / "pipeline" / "candidates.py").is_file()
    assert list((root / "unionfacts" / "_patterns").glob("*.yaml"))


@needs_compiled
def test_compiled_and_pure_output_are_byte_identical(tmp_path: Path) -> None:
    root = pure_copy(tmp_path / "pure")
    compiled = _dump("-", tmp_path / "compiled.jsonl", 0.3)
    pure = _dump(str(root), tmp_path / "pure.jsonl", 0.3)
    # each process ran the path it was meant to
    assert _is_compiled(compiled[0]), compiled[0]
    assert pure[0] == str(root / "unionfacts" / "pipeline" / "candidates.py"), pure[0]
    # every set is non-trivial: seeds and corpus give facts, the examples cover every rule
    counts = {line.split()[0]: int(line.split()[1]) for line in compiled[1:]}
    assert counts["seeds"] > 100 and counts["corpus"] > 1000 and counts["examples"] > 500, counts
    if compiled[1:] != pure[1:]:
        a = (tmp_path / "compiled.jsonl").read_bytes().splitlines()
        b = (tmp_path / "pure.jsonl").read_bytes().splitlines()
        diff = next((i, x, y) for i, (x, y) in enumerate(zip(a, b)) if x != y) if len(a) == len(b) else len(a) - len(b)
        pytest.fail(f"compiled and pure output differ: {compiled[1:]} vs {pure[1:]}; first difference {diff!r}")
    assert (tmp_path / "compiled.jsonl").read_bytes() == (tmp_path / "pure.jsonl").read_bytes()

