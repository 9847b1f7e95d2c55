"""Time the end-to-end pass on a corpus prefix, optionally with cProfile: the quick loop for
measuring one change at a time (``bench/run.py`` is the record).

    python bench/speed.py --mb 1 --rounds 5          # best and median chars/s
    python bench/speed.py --mb 1 --profile 30        # top functions by own time

It says which path runs: compiled (``.so`` modules) or pure Python.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus as corpus_mod  # noqa: E402


def one_pass(docs: list[corpus_mod.Doc]) -> int:
    import unionfacts
    from unionfacts.io.sinks import jsonl_lines

    n = 0
    for d in docs:
        for line in jsonl_lines(unionfacts.extract_document(d.text, doc_id=d.doc_id)):
            n += len(line.encode("utf-8")) + 1
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=1.0, help="corpus prefix, UTF-8 MB")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="cProfile one pass, print N rows")
    args = ap.parse_args(argv)

    import unionfacts.pipeline.candidates as cand

    path = "compiled" if not cand.__file__ or not cand.__file__.endswith(".py") else "pure"
    docs = corpus_mod.build_corpus(args.mb)
    chars = sum(len(d.text) for d in docs)
    one_pass(docs[:6])  # warm: pack load, caches
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        one_pass(docs)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.profile)
        return 0
    times = []
    for _ in range(args.rounds):
        t = time.perf_counter()
        one_pass(docs)
        times.append(time.perf_counter() - t)
    print(f"{path}: {chars} chars, best {chars / min(times):,.0f} c/s, "
          f"median {chars / statistics.median(times):,.0f} c/s, {1e9 * statistics.median(times) / chars:.0f} ns/char")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
