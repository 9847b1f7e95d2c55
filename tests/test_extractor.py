"""The ``Extractor`` object: compiled once, thread-safe, ``pipe`` over processes; and the
package's shape (no import cycles, the library never imports the CLI)."""

from __future__ import annotations

import ast
import pickle
import threading
from pathlib import Path

import pytest

import unionfacts
from unionfacts import Document, Extractor, Failure, Source, extract_document

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "unionfacts"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
TEXTS = [p.read_text(encoding="utf-8") for p in SEEDS]


def _dump(doc: Document) -> str:
    return doc.model_dump_json()


def test_an_extractor_gives_what_the_module_functions_give():
    ex = Extractor()
    for path, text in zip(SEEDS, TEXTS):
        assert _dump(ex.extract_document(text, doc_id=path.stem)) == _dump(extract_document(text, doc_id=path.stem))
    assert ex.extract("投入资金不低于4.9亿元") == unionfacts.extract("投入资金不低于4.9亿元")


def test_kinds_of_the_instance_and_of_a_call():
    text = "投入资金4.9亿元，建成183个站点，覆盖90%的企业。"
    assert [f.kind for f in Extractor(kinds=["count"]).extract(text)] == ["count"]
    assert [f.kind for f in Extractor().extract(text, kinds=["money"])] == ["money"]
    with pytest.raises(ValueError, match="known: money"):
        Extractor(kinds=["Money"])
    with pytest.raises(TypeError, match="not the string"):
        Extractor(kinds="money")


def test_bad_options_are_refused_with_their_name():
    with pytest.raises(ValueError, match="match_timeout"):
        Extractor(match_timeout=0)
    with pytest.raises(TypeError, match="text must be str, not bytes"):
        Extractor().extract(b"4.9\xe4\xba\xbf")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="doc_id must be str"):
        Extractor().extract_document("共3个", doc_id=3)  # type: ignore[arg-type]


def test_one_extractor_from_eight_threads_equals_a_serial_run():
    ex = Extractor()
    work = [(f"{p.stem}-{i}", t[i * 97:] + t[:i * 97]) for i in range(3) for p, t in zip(SEEDS, TEXTS)]
    serial = {doc_id: _dump(ex.extract_document(text, doc_id=doc_id)) for doc_id, text in work}
    got: dict[str, str] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def run(part: list[tuple[str, str]]) -> None:
        try:
            barrier.wait()
            for doc_id, text in part:
                got[doc_id] = _dump(ex.extract_document(text, doc_id=doc_id))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(work[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert got == serial


def test_pickling_rebuilds_from_the_options(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "r.yaml").write_text("kind: count\nrules:\n  - id: 'count.widget'\n    pattern: '[0-9]+件套'\n",
                                 encoding="utf-8")
    ex = Extractor([pack], kinds=["count"], match_timeout=0.5)
    copy = pickle.loads(pickle.dumps(ex))
    assert copy.kinds == ("count",)
    assert [f.rule for f in copy.extract("买了3件套")] == [f.rule for f in ex.extract("买了3件套")]


@pytest.mark.parametrize("jobs", [1, 2])
def test_pipe_keeps_input_order_and_isolates_failures(jobs):
    items: list[str | Source] = [TEXTS[0], Source("bad", None, None, "bad.txt", "cannot read: gone"),
                                 Source("two", TEXTS[1]), 42, TEXTS[2]]  # type: ignore[list-item]
    out = list(Extractor().pipe(items, jobs=jobs))
    assert [type(x).__name__ for x in out] == ["Document", "Failure", "Document", "Failure", "Document"]
    assert [x.doc for x in out] == ["0", "bad", "two", "3", "4"]
    failures = [x for x in out if isinstance(x, Failure)]
    assert failures[0].error == "cannot read: gone"
    assert "must be str or Source, not int" in failures[1].error
    docs = [x for x in out if isinstance(x, Document)]
    assert _dump(docs[1]) == _dump(extract_document(TEXTS[1], doc_id="two"))


def test_pipe_refuses_a_bad_job_count():
    with pytest.raises(ValueError, match="jobs"):
        Extractor().pipe([], jobs=0)


# ------------------------------------------------------------------------------- the package

def _imports(path: Path, module: str) -> set[str]:
    """Every ``unionfacts`` module a file imports, at module level or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("unionfacts"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            if not base.startswith("unionfacts"):
                continue
            for a in node.names:  # ``from unionfacts import extractor`` names a module
                sub = f"{base}.{a.name}"
                found.add(sub if _module_path(sub) is not None else base)
    return found


def _module_path(module: str) -> Path | None:
    rel = Path(*module.split(".")[1:])
    for p in (PKG / rel.with_suffix(".py"), PKG / rel / "__init__.py"):
        if p.is_file():
            return p
    return None


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        module = ".".join(["unionfacts", *parts])
        graph[module] = {m for m in _imports(path, module) if m != module and _module_path(m)}
    return graph


def test_the_package_has_no_import_cycle():
    graph = _graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph.get(m, ())):
            if n == "unionfacts":  # the package's public names: a user's door, not a stage
                continue
            if state.get(n) == 1:
                cycle = stack[stack.index(n):] + [n]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_the_library_never_imports_the_cli_and_ships_no_tools():
    graph = _graph()
    assert [m for m, deps in graph.items() if "unionfacts.cli" in deps and m != "unionfacts.__main__"] == []
    assert not (PKG / "conformance.py").exists() and (ROOT / "tools" / "conformance.py").is_file()
    assert (PKG / "py.typed").is_file()
