"""Peak memory and speed of the CLI on one big single-file text (issue 16 item 4, issue 15 #9).

    python bench/big.py                 # 1, 10 and 100 MB: peak RSS and chars/s of each
    python bench/big.py --sizes 1 10    # smaller sizes only
    python bench/big.py --dense 5       # also 5 MB of nothing but ``5%、`` (one figure per 3 chars)

Each text is the benchmark corpus (``corpus.py``) joined into one ``.txt``, one paragraph per
line; it is extracted by ``unionfacts extract BIG.txt -o OUT`` in a subprocess under
``/usr/bin/time -v`` (its "Maximum resident set size"), with the default piece size.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus as corpus_mod  # noqa: E402  (bench/ is not a package)


def write_big(path: Path, size_mb: float) -> int:
    """The corpus joined into one text of ``size_mb`` MB, one paragraph per line; its chars."""
    target = int(size_mb * 1_000_000)
    total = chars = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for doc in corpus_mod.iter_corpus():
            text = "\n".join(line for line in doc.text.splitlines() if line.strip()) + "\n"
            fh.write(text)
            total += len(text.encode("utf-8"))
            chars += len(text)
            if total >= target:
                return chars
    return chars


def write_dense(path: Path, size_mb: float) -> int:
    n = int(size_mb * 1_000_000) // len("5%、".encode("utf-8"))
    text = "5%、" * n
    path.write_text(text, encoding="utf-8")
    return len(text)


def measure(path: Path, chars: int, extra: list[str]) -> dict[str, float]:
    out = path.with_suffix(".jsonl")
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "unionfacts", "extract", str(path), "-o", str(out), *extra]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    lines = sum(1 for _ in open(out, encoding="utf-8")) if out.exists() else 0
    out.unlink(missing_ok=True)
    return {"rc": proc.returncode, "chars": chars, "seconds": round(wall, 2),
            "chars_per_s": round(chars / wall), "peak_rss_mib": round(int(m.group(1)) / 1024, 1) if m else -1,
            "lines": lines}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=float, nargs="*", default=[1, 10, 100])
    ap.add_argument("--dense", type=float, default=None, metavar="MB")
    ap.add_argument("--dir", default=None, help="where the texts are written (default: a temp folder)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as d:
        for size in args.sizes:
            p = Path(d) / f"big-{size:g}mb.txt"
            chars = write_big(p, size)
            print(json.dumps({"size_mb": size, **measure(p, chars, [])}), flush=True)
            p.unlink()
        if args.dense:
            p = Path(d) / "dense.txt"
            chars = write_dense(p, args.dense)
            print(json.dumps({"dense_mb": args.dense, **measure(p, chars, [])}), flush=True)
            p.unlink()
    os.sync()


if __name__ == "__main__":
    main()
