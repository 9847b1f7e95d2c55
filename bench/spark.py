"""Spark local[2] against local[1]: unionfacts.spark.extract_facts on the benchmark corpus.

    python bench/spark.py                       # bench/corpus.py's 5 MB corpus, 5 rounds
    python bench/spark.py --size-mb 1 --rounds 1  # a smoke run
    python bench/spark.py --json out.json

Each master runs in its own subprocess, which holds one Spark session for the whole run. Both
are set up first, untimed: the session is started (tens of seconds), the corpus becomes a cached
DataFrame of ``--partitions`` partitions (the same number for both masters, so they run the
same tasks), and one warm-up action starts the Python workers and builds their Extractors.
Then, in rounds, each subprocess in turn (the order alternating) times one action, while the
other waits idle: every document through ``extract_facts`` into Spark's ``noop`` sink (the
whole fact table is computed and dropped). The ratio local[1] / local[2] (2.0: a perfect
speed-up on two cores) is the median of the per-round ratios, so a load change on a shared
machine hits both sides; the one-minute load average is printed too. For scale, the same
documents through one in-process ``Extractor``.

Needs ``pip install -e '.[spark]'`` and Java 17 (``tools/ci-java.sh``). ``measure()`` is what
``bench/run.py`` can call.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus as corpus_mod  # noqa: E402  (bench/ is not a package)

MASTERS = ("local[1]", "local[2]")


def _session(master: str, warehouse: str, partitions: int) -> Any:
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master(master).appName(f"unionfacts-bench-{master}")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", str(partitions))
             .config("spark.sql.warehouse.dir", warehouse)
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _worker(master: str, size_mb: float, partitions: int) -> int:
    """The subprocess side: set up, say ``ready``, then time one action per ``run`` line."""
    from unionfacts.spark import extract_facts

    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas")
    docs = [(d.doc_id, d.text) for d in corpus_mod.build_corpus(size_mb)]
    with tempfile.TemporaryDirectory(prefix="uf-spark-bench-") as warehouse:
        spark = _session(master, warehouse, partitions)
        try:
            df = spark.createDataFrame(docs, "id string, text string").repartition(partitions)
            df = df.cache()
            df.count()  # the input is in memory before anything is timed
            facts = extract_facts(df)
            facts.write.format("noop").mode("overwrite").save()  # warm-up
            print("ready", flush=True)
            for line in sys.stdin:
                if line.strip() != "run":
                    break
                t0 = time.perf_counter()
                facts.write.format("noop").mode("overwrite").save()
                print(f"{time.perf_counter() - t0:.6f}", flush=True)
        finally:
            spark.stop()
    return 0


class _Side:
    """One master's subprocess."""

    def __init__(self, master: str, size_mb: float, partitions: int) -> None:
        self.master = master
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--worker", master, "--size-mb", str(size_mb),
             "--partitions", str(partitions)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)

    def _line(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.master} worker died (run it with --worker to see why)")
        return line.strip()

    def ready(self) -> None:
        if self._line() != "ready":
            raise RuntimeError(f"the {self.master} worker did not start")

    def run(self) -> float:
        assert self.proc.stdin is not None
        self.proc.stdin.write("run\n")
        self.proc.stdin.flush()
        return float(self._line())

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=120)


def _in_process(docs: list[tuple[str, str]], runs: int) -> list[float]:
    from unionfacts import Extractor

    ex = Extractor()
    ex.extract_document(docs[0][1], docs[0][0])
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for doc_id, text in docs:
            ex.extract_document(text, doc_id)
        times.append(time.perf_counter() - t0)
    return times


def measure(size_mb: float = 5.0, rounds: int = 5, partitions: int = 8) -> dict[str, Any]:
    """local[1] and local[2] action times (seconds, medians) and their ratio."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    docs = [(d.doc_id, d.text) for d in corpus_mod.build_corpus(size_mb)]
    result: dict[str, Any] = {"size_mb": size_mb, "docs": len(docs),
                              "chars": sum(len(t) for _, t in docs), "rounds": rounds,
                              "partitions": partitions, "cpus": os.cpu_count()}
    sides = [_Side(m, size_mb, partitions) for m in MASTERS]
    times: dict[str, list[float]] = {m: [] for m in MASTERS}
    loads = []
    try:
        for side in sides:
            side.ready()
        for i in range(rounds):
            loads.append(os.getloadavg()[0])
            for side in (sides if i % 2 == 0 else sides[::-1]):
                times[side.master].append(side.run())
    finally:
        for side in sides:
            side.close()
    for m in MASTERS:
        result[m] = {"median_s": round(statistics.median(times[m]), 3),
                     "times_s": [round(t, 3) for t in times[m]]}
    ratios = [one / two for one, two in zip(times["local[1]"], times["local[2]"])]
    result["speedup_local2_over_local1"] = round(statistics.median(ratios), 2)
    result["load_average"] = [round(x, 2) for x in loads]
    single = statistics.median(_in_process(docs, min(rounds, 3)))
    result["in_process_s"] = round(single, 3)
    result["local1_over_in_process"] = round(result["local[1]"]["median_s"] / single, 2)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=float, default=5.0)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--partitions", type=int, default=8)
    ap.add_argument("--json", type=Path, help="also write the result here")
    ap.add_argument("--worker", metavar="MASTER", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        return _worker(args.worker, args.size_mb, args.partitions)
    r = measure(args.size_mb, args.rounds, args.partitions)
    print(f"corpus: {r['docs']} documents, {r['chars']:,} characters ({r['size_mb']} MB), "
          f"{r['partitions']} partitions, {r['cpus']} CPUs, load average {r['load_average']}")
    for master in MASTERS:
        print(f"{master}: {r[master]['median_s']:.2f} s (rounds: {r[master]['times_s']})")
    print(f"in one process, no Spark: {r['in_process_s']:.2f} s")
    print(f"local[2] speed-up over local[1] (median of rounds): "
          f"{r['speedup_local2_over_local1']:.2f}x; "
          f"local[1] / in-process: {r['local1_over_in_process']:.2f}")
    if args.json:
        args.json.write_text(json.dumps(r, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
