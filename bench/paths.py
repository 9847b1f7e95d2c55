"""Paired A/B of the compiled build against the pure-Python sources, in one run.

Two worker processes hold the same corpus prefix: one imports ``unionfacts`` as installed (the
compiled modules, when the build made them), the other a copy of the package's ``.py`` files
with every extension module left out (the pure path, the reference). The parent asks them in
turn to run a slice end to end (``extract_document`` → ``jsonl_lines`` → UTF-8), so load on a
shared machine falls on both alike; the speed-up is the median of per-pair ratios, on CPU time
(``time.process_time``) and on wall time. Their outputs are compared byte for byte too.

    python bench/paths.py --mb 1 --pairs 10
    python bench/paths.py --copy-to /tmp/pure   # only write the pure copy: then
    PYTHONPATH=/tmp/pure python bench/run.py     # runs the benchmark on the pure path
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

_WORKER = r"""
import hashlib, json, sys, time
sys.path.insert(0, sys.argv[1]) if sys.argv[1] != "-" else None
sys.path.insert(0, sys.argv[2])
import corpus as corpus_mod
import unionfacts
import unionfacts.pipeline.candidates as cand
from unionfacts.io.sinks import jsonl_lines
docs = corpus_mod.build_corpus(float(sys.argv[3]))
n = int(sys.argv[4])
slices = [docs[i::n] for i in range(n)]
def run(ds):
    h = hashlib.sha256()
    for d in ds:
        for line in jsonl_lines(unionfacts.extract_document(d.text, doc_id=d.doc_id)):
            h.update(line.encode("utf-8") + b"\n")
    return h.hexdigest()
run(docs[:6])
print(json.dumps({"file": cand.__file__, "chars": sum(len(d.text) for d in docs)}), flush=True)
for cmd in sys.stdin:
    i = int(cmd)
    c, w = time.process_time(), time.perf_counter()
    digest = run(slices[i])
    print(json.dumps({"cpu": time.process_time() - c, "wall": time.perf_counter() - w, "sha": digest}), flush=True)
"""


def pure_copy(dest: Path) -> Path:
    """The installed package's sources without its extension modules, under ``dest``."""
    import unionfacts

    src = Path(unionfacts.__file__).resolve().parent
    shutil.copytree(src, dest / "unionfacts", ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"))
    return dest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=1.0, help="corpus prefix, UTF-8 MB")
    ap.add_argument("--pairs", type=int, default=10, help="slices of the corpus, each run once by each path")
    ap.add_argument("--json", metavar="OUT", help="write the figures here too")
    ap.add_argument("--copy-to", metavar="DIR", help="only write the pure copy of the package into DIR")
    args = ap.parse_args(argv)
    if args.copy_to:
        print(pure_copy(Path(args.copy_to)) / "unionfacts")
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        root = pure_copy(Path(tmp))
        workers = {}
        for name, first in (("compiled", "-"), ("pure", str(root))):
            workers[name] = subprocess.Popen(
                [sys.executable, "-c", _WORKER, first, str(HERE), str(args.mb), str(args.pairs)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        info = {name: json.loads(p.stdout.readline()) for name, p in workers.items()}  # type: ignore[union-attr]
        rows: dict[str, list[dict[str, float | str]]] = {"compiled": [], "pure": []}
        for i in range(args.pairs):
            order = ("compiled", "pure") if i % 2 == 0 else ("pure", "compiled")
            for name in order:
                p = workers[name]
                p.stdin.write(f"{i}\n")  # type: ignore[union-attr]
                p.stdin.flush()  # type: ignore[union-attr]
                rows[name].append(json.loads(p.stdout.readline()))  # type: ignore[union-attr]
        for p in workers.values():
            p.stdin.close()  # type: ignore[union-attr]
            p.wait()
    chars = info["pure"]["chars"]
    same = all(a["sha"] == b["sha"] for a, b in zip(rows["compiled"], rows["pure"]))
    rep = {
        "compiled_module": info["compiled"]["file"], "pure_module": info["pure"]["file"],
        "chars": chars, "pairs": args.pairs, "identical_output": same,
    }
    for clock in ("cpu", "wall"):
        ratios = [float(b[clock]) / float(a[clock]) for a, b in zip(rows["compiled"], rows["pure"])]
        rep[f"speedup_{clock}"] = round(statistics.median(ratios), 3)
        rep[f"speedup_{clock}_range"] = [round(min(ratios), 3), round(max(ratios), 3)]
        for name in rows:
            total = sum(float(r[clock]) for r in rows[name])
            rep[f"{name}_ns_per_char_{clock}"] = round(1e9 * total / chars)
    print(json.dumps(rep, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(rep, indent=1) + "\n", encoding="utf-8")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
