"""What each output sink costs, as a share of end-to-end time (issue 16; target ≤ 15 %).

    python bench/sinks.py                  # bench/corpus.py's 5 MB corpus, 3 rounds
    python bench/sinks.py --size-mb 2 --runs 1
    python bench/sinks.py --seeds          # the five seeds repeated to the size instead

In one process, per round: every document is extracted (``extract_document``, timed: the
extraction alone), the Documents are kept, then each sink writes all of them to a file in a
temporary folder (each timed on its own):

* ``jsonl``   ``unionfacts.io.sinks.jsonl_lines`` → UTF-8 file (what ``unionfacts extract`` writes);
* ``sqlite``  ``FactStore.add(doc, text, path)``: rows, one transaction per document, WAL;
* ``sqlite32`` ``FactStore.add_many`` of ``document_rows`` 32 documents at a time (one
  transaction per 32: the CLI's chunk size);
* ``parquet`` ``ParquetWriter.write_document`` (pyarrow, zstd, 50,000-row groups);
* ``csv``     ``CsvWriter.write_document`` → UTF-8 file.

A sink's share is ``sink / (extraction + sink)``: the part of an ``extract --db``/``--format``
run spent in the sink, in wall-clock time and in CPU time of this process (``process_time``:
what a busy shared machine changes least; the wall share also holds the sink's I/O waits).
Shares are medians over the rounds (each round's extraction paired with its own sinks, so a
load change on a shared machine hits both).
"""

from __future__ import annotations

import argparse
import functools
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus as corpus_mod  # noqa: E402 - bench/ is not a package

from unionfacts import extract_document  # noqa: E402
from unionfacts.models import Document  # noqa: E402

TARGET = 0.15


def _documents(size_mb: float, seeds_only: bool) -> list[tuple[str, str]]:
    if not seeds_only:
        return [(d.doc_id, d.text) for d in corpus_mod.build_corpus(size_mb)]
    seeds = corpus_mod.seed_texts()
    out: list[tuple[str, str]] = []
    total, target, i = 0, int(size_mb * 1_000_000), 0
    while total < target:
        name, text = seeds[i % len(seeds)]
        out.append((f"{name}-{i // len(seeds)}", text))
        total += len(text.encode("utf-8"))
        i += 1
    return out


def _jsonl(docs: list[tuple[Document, str]], folder: Path) -> None:
    from unionfacts.io.sinks import jsonl_lines

    with open(folder / "facts.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        fh.writelines("".join(line + "\n" for line in jsonl_lines(doc)) for doc, _ in docs)


def _sqlite(docs: list[tuple[Document, str]], folder: Path) -> None:
    from unionfacts.io.sqlite import FactStore

    with FactStore(folder / "facts.db") as store:
        for doc, text in docs:
            store.add(doc, text, path=doc.doc + ".txt")


def _sqlite_groups(docs: list[tuple[Document, str]], folder: Path) -> None:
    from unionfacts.io.sqlite import FactStore
    from unionfacts.records import document_rows

    with FactStore(folder / "facts.db") as store:
        for i in range(0, len(docs), 32):  # the CLI's chunks: 32 documents
            store.add_many([document_rows(doc, text, doc.doc + ".txt")
                            for doc, text in docs[i:i + 32]])


def _parquet(docs: list[tuple[Document, str]], folder: Path) -> None:
    from unionfacts.io.tables import ParquetWriter

    with ParquetWriter(folder / "facts.parquet") as w:
        for doc, _ in docs:
            w.write_document(doc)


def _csv(docs: list[tuple[Document, str]], folder: Path) -> None:
    from unionfacts.io.tables import CsvWriter

    with open(folder / "facts.csv", "w", encoding="utf-8", newline="") as fh:
        w = CsvWriter(fh)
        for doc, _ in docs:
            w.write_document(doc)


SINKS: dict[str, Callable[[list[tuple[Document, str]], Path], None]] = {
    "jsonl": _jsonl, "sqlite": _sqlite, "sqlite32": _sqlite_groups, "parquet": _parquet,
    "csv": _csv}


def _extract_all(inputs: list[tuple[str, str]], out: list[tuple[Document, str]]) -> None:
    out.extend((extract_document(text, doc_id=doc_id), text) for doc_id, text in inputs)


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process)."""
    gc.collect()
    t, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t, time.process_time() - c


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size-mb", type=float, default=5.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seeds", action="store_true", help="the seeds repeated, not bench/corpus.py")
    args = ap.parse_args(argv)
    sinks = dict(SINKS)
    try:  # imported before timing: a one-off cost, not a per-document one
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        print("pyarrow not installed: no parquet (pip install -e .[parquet])", file=sys.stderr)
        del sinks["parquet"]

    inputs = _documents(args.size_mb, args.seeds)
    n_bytes = sum(len(t.encode("utf-8")) for _, t in inputs)
    # warm up: the first extraction compiles the rules; the first Parquet batch imports
    # pandas inside pyarrow; one-off costs, not per-document ones
    warm = [(extract_document(text, doc_id=doc_id), text) for doc_id, text in inputs[:5]]
    for sink in sinks.values():
        with tempfile.TemporaryDirectory(prefix="uf-sinks-") as tmp:
            sink(warm, Path(tmp))
    extract_s: list[tuple[float, float]] = []
    sink_s: dict[str, list[tuple[float, float]]] = {k: [] for k in sinks}
    n_facts = 0
    sizes: dict[str, int] = {}
    for _ in range(args.runs):
        docs: list[tuple[Document, str]] = []
        extract_s.append(_timed(functools.partial(_extract_all, inputs, docs)))
        n_facts = sum(len(d.facts) for d, _ in docs)
        for name, sink in sinks.items():
            with tempfile.TemporaryDirectory(prefix="uf-sinks-") as tmp:
                folder = Path(tmp)
                sink_s[name].append(_timed(functools.partial(sink, docs, folder)))
                sizes[name] = sum(p.stat().st_size for p in folder.iterdir())
        docs.clear()

    ext = statistics.median(w for w, _ in extract_s)
    ext_cpu = statistics.median(c for _, c in extract_s)
    print(f"corpus: {len(inputs)} documents, {n_bytes / 1e6:.1f} MB, {n_facts} facts; "
          f"{args.runs} round(s); extraction alone {ext:.2f} s wall, {ext_cpu:.2f} s CPU "
          f"({n_bytes / 1e6 / ext:.2f} MB/s)")
    print(f"{'sink':<9} {'wall s':>7} {'CPU s':>7} {'facts/s':>9} {'file MB':>8} "
          f"{'wall share':>10} {'CPU share':>10}  target ≤ 15 %")
    worst = 0.0
    for name, times in sink_s.items():
        wall = statistics.median(s / (e + s) for (s, _), (e, _) in zip(times, extract_s))
        cpu = statistics.median(s / (e + s) for (_, s), (_, e) in zip(times, extract_s))
        worst = max(worst, wall)
        t = statistics.median(w for w, _ in times)
        c = statistics.median(c for _, c in times)
        print(f"{name:<9} {t:>7.3f} {c:>7.3f} {n_facts / t:>9.0f} {sizes[name] / 1e6:>8.2f} "
              f"{wall:>10.1%} {cpu:>10.1%}  {'met' if wall <= TARGET else 'NOT MET'}")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
