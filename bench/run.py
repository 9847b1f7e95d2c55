"""unionfacts benchmark: throughput against floors and a peer, start-up, memory, scale, profile.

    python bench/run.py                     # 10 MB corpus, 3 rounds, report in bench/results/
    python bench/run.py --quick             # a smoke run: 2 MB, 1 round, small profile
    python bench/run.py --with-100mb        # adds the 100 MB scale point and the 100 MB CLI run
    python bench/run.py --json out.json --runs 5 --size-mb 20

Everything that is compared runs in this one process, on the same corpus (bench/corpus.py,
fixed random seed), in rounds: each round runs every contender once, and each ratio is the
median of the per-round ratios, so a load change on a shared machine hits both sides:

* unionfacts end to end: ``extract_document(text, doc_id=...)`` per document, then the typed
  facts as JSONL bytes through ``unionfacts.io.sinks.jsonl_lines``;
* floors: one compiled ``regex`` number+unit scan, ``str.translate`` (a full-width fold),
  OpenCC ``t2s`` and ``jieba.lcut`` (a private ``jieba.Tokenizer``), each over the whole text;
* the peer, JioNLP ``extract_money`` + ``extract_time`` per document, on a slice (it is slow),
  with unionfacts timed on the same slice for the ratio.

Import and first-call time are measured in fresh subprocesses; CLI memory is the peak RSS of
``python -m unionfacts extract big.jsonl -o out`` in a subprocess. The profile is cProfile over
the first few MB. Optional tools: ``pip install -e .[bench]`` (JioNLP, psutil).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as _dt
import importlib.metadata
import importlib.util
import io
import json
import logging
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import corpus as corpus_mod  # noqa: E402  (bench/ is not a package)

try:
    import resource  # POSIX only
except ImportError:  # pragma: no cover - Windows
    resource = None

INSTALL_HINT = "pip install -e .[bench]"
MiB = 1024 * 1024

# Targets the lead has to reach (issue 7).
TARGETS = {
    "vs_jionlp": 10.0,        # unionfacts chars/s ÷ JioNLP chars/s, same slice
    "vs_jieba": 1.0,          # unionfacts chars/s ÷ jieba.lcut chars/s, whole corpus
    "startup_s": 0.5,         # import + first extract_document of a seed, fresh process
    "flat": 0.9,              # chars/s at the largest size ÷ chars/s at the smallest
    "cli_rss_mib": 200.0,     # peak RSS of the CLI on 100 MB of .jsonl input
    "jobs_efficiency": 0.8,   # CLI speed-up with --jobs N ÷ N ("near-linear"), N = the CPUs
}


# -- helpers ----------------------------------------------------------------------------

def _have(mod: str) -> bool:
    return importlib.util.find_spec(mod) is not None


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _maxrss_bytes(ru_maxrss: int) -> int:
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024


def peak_rss() -> int | None:
    """Peak resident set size of this process so far, in bytes."""
    if resource is not None:
        return _maxrss_bytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    if _have("psutil"):
        import psutil

        mi = psutil.Process().memory_info()
        return getattr(mi, "peak_wset", mi.rss)
    return None


def current_rss() -> int | None:
    if _have("psutil"):
        import psutil

        return psutil.Process().memory_info().rss
    return None


def mib(n: int | None) -> float | None:
    return None if n is None else round(n / MiB, 1)


def summarize(times: list[float], chars: int) -> dict:
    med = statistics.median(times)
    return {"runs_s": [round(t, 4) for t in times], "median_s": round(med, 4),
            "chars": chars, "chars_per_s": round(chars / med) if med > 0 else None,
            "best_chars_per_s": round(chars / min(times)) if min(times) > 0 else None,
            "spread": round((max(times) - min(times)) / med, 3) if med > 0 else None}


def say(msg: str = "") -> None:
    print(msg, flush=True)


# -- what is measured -------------------------------------------------------------------

def unionfacts_pass(docs) -> tuple[int, int, list[float]]:
    """One end-to-end pass: facts, JSONL bytes, per-document seconds."""
    import unionfacts
    from unionfacts.io.sinks import jsonl_lines

    facts = 0
    nbytes = 0
    per_doc = []
    for d in docs:
        t = time.perf_counter()
        doc = unionfacts.extract_document(d.text, doc_id=d.doc_id)
        for line in jsonl_lines(doc):
            nbytes += len(line.encode("utf-8")) + 1
            facts += 1
        per_doc.append(time.perf_counter() - t)
    return facts, nbytes, per_doc


def _style(doc_id: str) -> str:
    if doc_id.startswith("seed-"):
        return "seed"
    tags = doc_id.split("-")[2:]
    return "+".join(tags) if tags else "plain"


def unionfacts_result(docs, times: list[float], facts: int, nbytes: int, per_doc: list[float]) -> dict:
    chars = sum(len(d.text) for d in docs)
    res = summarize(times, chars)
    res.update(facts=facts, jsonl_bytes=nbytes, docs=len(docs),
               facts_per_1k_chars=round(facts / chars * 1000, 2))
    if not per_doc:
        return res
    # throughput by document length (a superlinear step shows as a falling column) and by noise,
    # from the first pass's per-document times; ``relative`` is to that pass's own rate
    pass_rate = chars / sum(per_doc)
    buckets = [(0, 1000), (1000, 3000), (3000, 10000), (10000, 10**12)]
    by_len = []
    for lo, hi in buckets:
        sel = [(len(d.text), t) for d, t in zip(docs, per_doc) if lo <= len(d.text) < hi]
        if sel:
            rate = sum(c for c, _ in sel) / sum(t for _, t in sel)
            by_len.append({"doc_chars": f"{lo}-{hi if hi < 10**12 else 'inf'}", "docs": len(sel),
                           "chars_per_s": round(rate), "relative": round(rate / pass_rate, 3)})
    res["by_doc_length"] = by_len
    styles: dict[str, list[tuple[int, float]]] = {}
    for d, t in zip(docs, per_doc):
        styles.setdefault(_style(d.doc_id), []).append((len(d.text), t))
    res["by_doc_style"] = {}
    for k, v in sorted(styles.items()):
        rate = sum(c for c, _ in v) / sum(t for _, t in v)
        res["by_doc_style"][k] = {"docs": len(v), "chars_per_s": round(rate), "relative": round(rate / pass_rate, 3)}
    srt = sorted(per_doc)
    res["per_doc_ms"] = {"p50": round(srt[len(srt) // 2] * 1000, 2),
                         "p99": round(srt[min(len(srt) - 1, int(len(srt) * 0.99))] * 1000, 2),
                         "max": round(srt[-1] * 1000, 2)}
    return res


def measure_unionfacts(docs, runs: int, label: str) -> dict:
    """unionfacts alone on ``docs`` (the 100 MB point)."""
    times: list[float] = []
    facts = nbytes = 0
    per_doc: list[float] = []
    chars = sum(len(d.text) for d in docs)
    for i in range(runs):
        t = time.perf_counter()
        facts, nbytes, pd = unionfacts_pass(docs)
        times.append(time.perf_counter() - t)
        per_doc = per_doc or pd
        say(f"  unionfacts {label} run {i + 1}/{runs}: {chars / times[-1]:,.0f} chars/s")
    return unionfacts_result(docs, times, facts, nbytes, per_doc)


def _paired(a: list[float], b: list[float]) -> float:
    """Median over runs of time(b) / time(a): how many times faster ``a`` is, run by run."""
    v = statistics.median(tb / ta for ta, tb in zip(a, b))
    return float(f"{v:.4g}")


def measure_interleaved(docs, small: dict[str, list], runs: int, skip_jieba: bool) -> dict:
    """unionfacts (main corpus and the small scale points) and the floors, run by run in turn.

    On a shared machine the load drifts over minutes; running every contender once per round
    lets each ratio be taken within a round (``paired``), which is steadier than a ratio of
    medians taken minutes apart.
    """
    import opencc
    import regex

    text = "\n\n".join(d.text for d in docs)
    chars = len(text)
    numunit = regex.compile(
        r"(?:[0-9]++(?:\.[0-9]++)?|[零〇一二两三四五六七八九十百千万亿]++)(?:万亿|亿|万)?"
        r"(?:元|个|名|人次|人|项|家|条|%|年|月|日|天|小时|公里|千伏|平方米|吨|亩)")
    table = {0x3000: " ", 0x00A0: " "}
    for cp in range(0xFF01, 0xFF5F):
        table[cp] = chr(cp - 0xFEE0)
    t2s = opencc.OpenCC("t2s")
    tok = None
    init_s = None
    if not skip_jieba:
        import jieba

        logging.getLogger("jieba").setLevel(logging.WARNING)
        tok = jieba.Tokenizer()  # private: the global tokenizer is never touched
        t = time.perf_counter()
        tok.initialize()
        init_s = time.perf_counter() - t

    uf_t: list[float] = []
    small_t: dict[str, list[float]] = {k: [] for k in small}
    fl_t: dict[str, list[float]] = {"regex_scan": [], "str_translate": [], "opencc_t2s": []}
    if tok is not None:
        fl_t["jieba_lcut"] = []
    facts = nbytes = 0
    per_doc: list[float] = []
    small_res: dict[str, tuple] = {}
    matches = words = 0
    for i in range(runs):
        t = time.perf_counter()
        facts, nbytes, pd = unionfacts_pass(docs)
        uf_t.append(time.perf_counter() - t)
        per_doc = per_doc or pd
        line = [f"unionfacts {chars / uf_t[-1]:,.0f}"]
        for k, sd in small.items():
            t = time.perf_counter()
            f2, b2, pd2 = unionfacts_pass(sd)
            small_t[k].append(time.perf_counter() - t)
            small_res.setdefault(k, (f2, b2, pd2))
            line.append(f"{k} {sum(len(d.text) for d in sd) / small_t[k][-1]:,.0f}")
        t = time.perf_counter()
        matches = sum(1 for _ in numunit.finditer(text))
        fl_t["regex_scan"].append(time.perf_counter() - t)
        t = time.perf_counter()
        text.translate(table)
        fl_t["str_translate"].append(time.perf_counter() - t)
        t = time.perf_counter()
        t2s.convert(text)
        fl_t["opencc_t2s"].append(time.perf_counter() - t)
        if tok is not None:
            t = time.perf_counter()
            words = len(tok.lcut(text))
            fl_t["jieba_lcut"].append(time.perf_counter() - t)
            line.append(f"jieba {chars / fl_t['jieba_lcut'][-1]:,.0f}")
        say(f"  round {i + 1}/{runs} (chars/s): " + ", ".join(line))
    uf = unionfacts_result(docs, uf_t, facts, nbytes, per_doc)
    floors = {k: summarize(v, chars) | {"unionfacts_times_faster_paired": _paired(uf_t, v),
                                        "chars_per_s_relative_to_unionfacts_paired": _paired(v, uf_t)}
              for k, v in fl_t.items()}
    floors["regex_scan"]["matches"] = matches
    if tok is not None:
        floors["jieba_lcut"].update(words=words, init_s=round(init_s, 3))
    scale = {}
    for k, sd in small.items():
        f2, b2, pd2 = small_res[k]
        r = unionfacts_result(sd, small_t[k], f2, b2, pd2)
        # chars/s of the small point ÷ chars/s of the main corpus, round by round
        r["rate_vs_main_paired"] = round(statistics.median(
            (r["chars"] / ts) / (uf["chars"] / tm) for ts, tm in zip(small_t[k], uf_t)), 3)
        scale[k] = r
    return {"unionfacts": uf, "floors": floors, "scale_small": scale}


def measure_peer(docs, runs: int, peer_chars: int) -> dict:
    """JioNLP extract_money + extract_time per document, and unionfacts on the same slice, in turn."""
    sl = []
    n = 0
    for d in docs:
        sl.append(d)
        n += len(d.text)
        if n >= peer_chars:
            break
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        t = time.perf_counter()
        import jionlp
        import_s = time.perf_counter() - t
    root = logging.getLogger()
    quiet = logging.NullHandler()  # JioNLP logs tracebacks via logging.error(); keep them off the terminal
    root.addHandler(quiet)
    found = [0, 0]

    def one():
        found[0] = found[1] = 0
        for d in sl:
            found[0] += len(jionlp.ner.extract_money(d.text))
            found[1] += len(jionlp.ner.extract_time(d.text))

    jt: list[float] = []
    ut: list[float] = []
    facts = nbytes = 0
    per_doc: list[float] = []
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            jionlp.ner.extract_money(sl[0].text)  # warm-up: lazy dictionaries load here
            jionlp.ner.extract_time(sl[0].text)
        for i in range(runs):
            with contextlib.redirect_stdout(io.StringIO()):
                t = time.perf_counter()
                one()
                jt.append(time.perf_counter() - t)
            t = time.perf_counter()
            facts, nbytes, pd = unionfacts_pass(sl)
            ut.append(time.perf_counter() - t)
            per_doc = per_doc or pd
            say(f"  round {i + 1}/{runs} (chars/s): JioNLP {n / jt[-1]:,.0f}, unionfacts {n / ut[-1]:,.0f}")
    finally:
        root.removeHandler(quiet)
    res = {"jionlp": summarize(jt, n), "slice_docs": len(sl), "slice_chars": n}
    res["jionlp"].update(version=_version("jionlp"), money_found=found[0], time_found=found[1],
                         in_process_import_s=round(import_s, 3))
    res["unionfacts_same_slice"] = unionfacts_result(sl, ut, facts, nbytes, per_doc)
    res["unionfacts_times_faster_paired"] = _paired(ut, jt)
    res["chars_per_s_relative_to_unionfacts_paired"] = _paired(jt, ut)
    return res


# -- subprocess measurements ------------------------------------------------------------

_STARTUP_UF = r"""
import json, sys, time
t0 = time.perf_counter()
import unionfacts
from unionfacts.io.sinks import jsonl_lines
t1 = time.perf_counter()
text = open(sys.argv[1], encoding="utf-8").read()
t2 = time.perf_counter()
lines = list(jsonl_lines(unionfacts.extract_document(text, doc_id="seed")))
t3 = time.perf_counter()
lines = list(jsonl_lines(unionfacts.extract_document(text, doc_id="seed")))
t4 = time.perf_counter()
rss = None
try:
    import resource
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
except ImportError:
    pass
print(json.dumps({"import_s": t1 - t0, "first_call_s": t3 - t2, "second_call_s": t4 - t3,
                  "facts": len(lines), "maxrss": rss}))
"""

_STARTUP_SPLIT = r"""
import json, sys, time
T = time.perf_counter
t0 = T()
import unionfacts
from unionfacts.io.sinks import jsonl_lines
t1 = T()
from unionfacts.extractor import default_extractor
default_extractor()
t2 = T()
text = open(sys.argv[1], encoding="utf-8").read()
t3 = T()
lines = list(jsonl_lines(unionfacts.extract_document(text, doc_id="seed")))
t4 = T()
print(json.dumps({"import_s": t1 - t0, "load_patterns_s": t2 - t1, "rest_of_first_call_s": t4 - t3}))
"""

_STARTUP_JIO = r"""
import contextlib, io, json, logging, sys, time
logging.getLogger().addHandler(logging.NullHandler())
text = open(sys.argv[1], encoding="utf-8").read()
with contextlib.redirect_stdout(io.StringIO()):
    t0 = time.perf_counter()
    import jionlp
    t1 = time.perf_counter()
    jionlp.ner.extract_money(text); jionlp.ner.extract_time(text)
    t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "first_call_s": t2 - t1}))
"""

_COLD_PROFILE = r"""
import cProfile, sys
text = open(sys.argv[1], encoding="utf-8").read()
pr = cProfile.Profile()
pr.enable()
import unionfacts
from unionfacts.io.sinks import jsonl_lines
list(jsonl_lines(unionfacts.extract_document(text, doc_id="seed")))
pr.disable()
pr.dump_stats(sys.argv[2])
"""

_RSS_WRAPPER = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.call(sys.argv[2:])
wall = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as fh:
    json.dump({"rc": rc, "wall_s": wall, "ru_maxrss": ru.ru_maxrss, "user_s": ru.ru_utime,
               "sys_s": ru.ru_stime}, fh)
"""


def _last_json(out: str) -> dict:
    for line in reversed(out.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError(f"no JSON in subprocess output: {out[-500:]!r}")


def measure_startup(seed_path: Path, runs: int, with_peer: bool) -> dict:
    py = sys.executable
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="0")
    base = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([py, "-c", "pass"], check=True)
        base.append(time.perf_counter() - t)
    rows = []
    walls = []
    for _ in range(runs + 1):  # the first run may compile .pyc files: dropped below
        t = time.perf_counter()
        p = subprocess.run([py, "-c", _STARTUP_UF, str(seed_path)], capture_output=True, text=True, env=env)
        walls.append(time.perf_counter() - t)
        if p.returncode:
            raise RuntimeError(f"unionfacts start-up subprocess failed:\n{p.stderr}")
        rows.append(_last_json(p.stdout))
    rows, walls = rows[1:], walls[1:]
    imp = statistics.median(r["import_s"] for r in rows)
    first = statistics.median(r["first_call_s"] for r in rows)
    res = {
        "seed": seed_path.name, "seed_chars": len(seed_path.read_text(encoding="utf-8")), "runs": runs,
        "python_startup_s": round(statistics.median(base), 4),
        "import_s": round(imp, 4), "first_call_s": round(first, 4),
        "import_plus_first_call_s": round(statistics.median(r["import_s"] + r["first_call_s"] for r in rows), 4),
        "second_call_s": round(statistics.median(r["second_call_s"] for r in rows), 4),
        "process_wall_s": round(statistics.median(walls), 4),
        "peak_rss_mib": mib(_maxrss_bytes(rows[-1]["maxrss"])) if rows[-1]["maxrss"] else None,
        "facts": rows[-1]["facts"],
    }
    # the same with an empty compiled-pattern cache each time (unionfacts/rules/recache.py):
    # the first process after an install or a pack edit
    cold = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as empty:
            p = subprocess.run([py, "-c", _STARTUP_UF, str(seed_path)], capture_output=True, text=True,
                               env=dict(env, UNIONFACTS_CACHE_DIR=empty))
        if p.returncode == 0:
            r = _last_json(p.stdout)
            cold.append(r["import_s"] + r["first_call_s"])
    if cold:
        res["cold_cache_import_plus_first_call_s"] = round(statistics.median(cold), 4)
    # the first call split: loading the rule packs, then everything else (internals: may go)
    split = []
    for _ in range(runs):
        p = subprocess.run([py, "-c", _STARTUP_SPLIT, str(seed_path)], capture_output=True, text=True)
        if p.returncode == 0:
            split.append(_last_json(p.stdout))
    if split:
        res["first_call_split"] = {k: round(statistics.median(r[k] for r in split), 4) for k in split[0]}
    # which imports cost most (python -X importtime), cumulative microseconds
    p = subprocess.run([py, "-X", "importtime", "-c", "import unionfacts"], capture_output=True, text=True)
    imports = []
    for line in p.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[0].startswith("import time:") and parts[1].strip().isdigit():
            imports.append((int(parts[1]), int(parts[0].split(":")[1]), parts[2].rstrip()))
    top = sorted(imports, reverse=True)[:15]
    res["importtime_top"] = [{"module": m.strip(), "cumulative_ms": round(c / 1000, 1), "self_ms": round(s / 1000, 1),
                              "depth": (len(m) - len(m.lstrip())) // 2} for c, s, m in top]
    if with_peer:
        jr = []
        for _ in range(min(runs, 3)):
            p = subprocess.run([py, "-c", _STARTUP_JIO, str(seed_path)], capture_output=True, text=True)
            if p.returncode == 0:
                jr.append(_last_json(p.stdout))
        if jr:
            res["jionlp"] = {"import_s": round(statistics.median(r["import_s"] for r in jr), 4),
                             "first_call_s": round(statistics.median(r["first_call_s"] for r in jr), 4)}
    return res


def cold_profile(seed_path: Path, out_dir: Path, top: int) -> dict:
    prof = out_dir / "cold-start.prof"
    subprocess.run([sys.executable, "-c", _COLD_PROFILE, str(seed_path), str(prof)], check=True)
    return {"file": str(prof), "top_cumulative": _top(pstats.Stats(str(prof)), "cumulative", top)}


def run_with_rss(cmd: list[str], tmp: Path) -> dict:
    """Run ``cmd``; its wall time and peak RSS (bytes) measured by a one-child wrapper."""
    if resource is not None:
        rep = tmp / "rss.json"
        subprocess.run([sys.executable, "-c", _RSS_WRAPPER, str(rep), *cmd], check=True)
        r = json.loads(rep.read_text())
        r["peak_rss"] = _maxrss_bytes(r.pop("ru_maxrss"))
        r["method"] = "getrusage(RUSAGE_CHILDREN) in a wrapper process"
        return r
    import psutil  # Windows: sample every 20 ms (may miss a short peak)

    t = time.perf_counter()
    p = psutil.Popen(cmd)
    peak = 0
    while p.poll() is None:
        with contextlib.suppress(psutil.Error):
            peak = max(peak, p.memory_info().rss)
        time.sleep(0.02)
    return {"rc": p.returncode, "wall_s": time.perf_counter() - t, "peak_rss": peak,
            "method": "psutil sampling every 20 ms"}


def measure_cli(size_mb: float, seed: int, tmp: Path) -> dict:
    src = tmp / f"big-{size_mb:g}mb.jsonl"
    out = tmp / "out.jsonl"
    in_bytes = corpus_mod.write_jsonl_stream(size_mb, src, seed)
    text_chars = 0
    with open(src, encoding="utf-8") as fh:
        for line in fh:
            text_chars += len(json.loads(line)["text"])
    cmd = [sys.executable, "-m", "unionfacts", "extract", str(src), "-o", str(out)]
    say(f"  CLI on {in_bytes / 1e6:.1f} MB .jsonl: {' '.join(cmd[1:])}")
    r = run_with_rss(cmd, tmp)
    lines = 0
    out_bytes = 0
    if out.exists():
        out_bytes = out.stat().st_size
        with open(out, "rb") as fh:
            lines = sum(1 for _ in fh)
    res = {"input_mb": round(in_bytes / 1e6, 1), "input_chars": text_chars, "rc": r["rc"],
           "wall_s": round(r["wall_s"], 2), "chars_per_s": round(text_chars / r["wall_s"]),
           "peak_rss_mib": mib(r["peak_rss"]), "output_lines": lines, "output_mb": round(out_bytes / 1e6, 1),
           "rss_method": r["method"], "command": "python -m unionfacts extract big.jsonl -o out.jsonl"}
    for f in (src, out):
        with contextlib.suppress(OSError):
            f.unlink()
    return res


def measure_jobs(size_mb: float, seed: int, tmp: Path, jobs: int, rounds: int) -> dict:
    """The CLI with ``--jobs 1`` and ``--jobs N`` on one ``.jsonl`` corpus, alternating, so a
    load change hits both; the speed-up is the median of per-round ratios. Both outputs must
    be byte-identical (input order is kept)."""
    src = tmp / f"jobs-{size_mb:g}mb.jsonl"
    corpus_mod.write_jsonl_stream(size_mb, src, seed)
    walls: dict[int, list[float]] = {1: [], jobs: []}
    same = True
    for i in range(rounds):
        outs = {}
        for j in ((1, jobs) if i % 2 == 0 else (jobs, 1)):
            out = tmp / f"jobs-out-{j}.jsonl"
            cmd = [sys.executable, "-m", "unionfacts", "extract", str(src), "--jobs", str(j), "-o", str(out)]
            t = time.perf_counter()
            subprocess.run(cmd, check=True)
            walls[j].append(time.perf_counter() - t)
            outs[j] = out.read_bytes()
        same = same and outs[1] == outs[jobs]
    speedups = [a / b for a, b in zip(walls[1], walls[jobs])]
    for f in tmp.glob("jobs-*"):
        with contextlib.suppress(OSError):
            f.unlink()
    return {"input_mb": size_mb, "jobs": jobs, "rounds": rounds,
            "wall_s": {str(k): [round(x, 2) for x in v] for k, v in walls.items()},
            "speedup_paired": round(statistics.median(speedups), 3),
            "efficiency": round(statistics.median(speedups) / jobs, 3),
            "output_identical": same,
            "command": "python -m unionfacts extract big.jsonl --jobs N -o out.jsonl"}


# -- profile ----------------------------------------------------------------------------

def _label(key) -> str:
    file, line, func = key
    if file == "~":
        return func
    p = Path(file)
    parts = p.parts
    if "unionfacts" in parts:
        short = "unionfacts/" + "/".join(parts[parts.index("unionfacts") + 1:])
    elif "site-packages" in parts:
        short = "/".join(parts[parts.index("site-packages") + 1:])
    else:
        short = p.name
    return f"{short}:{line}({func})"


def _top(st: pstats.Stats, sort: str, n: int) -> list[dict]:
    total = st.total_tt or 1e-12
    rows = []
    for key, (_cc, nc, tt, ct, _callers) in st.stats.items():
        rows.append((ct if sort == "cumulative" else tt, key, nc, tt, ct))
    rows.sort(key=lambda r: r[0], reverse=True)
    return [{"function": _label(k), "calls": nc, "tottime_s": round(tt, 3), "cumtime_s": round(ct, 3),
             "tottime_pct": round(100 * tt / total, 1), "cumtime_pct": round(100 * ct / total, 1)}
            for _, k, nc, tt, ct in rows[:n]]


# Stage entry points: (path suffix, function) → stage name.
_STAGES = [
    ("unionfacts/extractor.py", "extract_document", "extract_document (all)"),
    ("unionfacts/pipeline/timebase.py", "detect_metadata", "detect_metadata (header)"),
    ("unionfacts/pipeline/normalize.py", "__call__", "Normalizer.__call__ (all calls)"),
    ("unionfacts/pipeline/normalize.py", "to_simplified", "  to_simplified (OpenCC)"),
    ("unionfacts/pipeline/candidates.py", "find_candidates", "find_candidates (rules at anchors)"),
    ("unionfacts/pipeline/candidates.py", "anchors", "  anchors (figure anchor scan)"),
    ("unionfacts/pipeline/candidates.py", "_matches", "  _matches (vetoes, scan: full rules)"),
    ("unionfacts/pipeline/builders.py", "build_numeric", "build_numeric"),
    ("unionfacts/pipeline/dates.py", "build_time", "build_time"),
    ("unionfacts/pipeline/resolve.py", "select", "select (overlaps, vetoes)"),
    ("unionfacts/pipeline/resolve.py", "apply_context", "apply_context (qualifiers, per)"),
    ("unionfacts/extractor.py", "_to_fact", "_to_fact (raw span, model)"),
    ("unionfacts/pipeline/subjects.py", "find_subject", "find_subject (Extractor._subjects)"),
    ("unionfacts/io/sinks.py", "jsonl_lines", "jsonl_lines (records + JSON)"),
    ("unionfacts/io/sinks.py", "fact_records", "  fact_records (read from the models)"),
]


def profile_unionfacts(docs, out_dir: Path, top: int) -> dict:
    import unionfacts
    from unionfacts.io.sinks import jsonl_lines

    chars = sum(len(d.text) for d in docs)
    pr = cProfile.Profile()
    t = time.perf_counter()
    pr.enable()
    for d in docs:
        for line in jsonl_lines(unionfacts.extract_document(d.text, doc_id=d.doc_id)):
            line.encode("utf-8")
    pr.disable()
    wall = time.perf_counter() - t
    prof = out_dir / "unionfacts.prof"
    pr.dump_stats(str(prof))
    st = pstats.Stats(str(prof))
    total = st.total_tt or 1e-12
    stages = []
    for suffix, func, name in _STAGES:
        for key, (_cc, nc, _tt, ct, _c) in st.stats.items():
            if key[2] == func and key[0].replace(os.sep, "/").endswith(suffix):
                stages.append({"stage": name, "calls": nc, "cumtime_s": round(ct, 3),
                               "pct_of_total": round(100 * ct / total, 1)})
                break
    own = [r for r in _top(st, "cumulative", 10**6) if r["function"].startswith("unionfacts/")][:top]
    return {"file": str(prof), "chars": chars, "docs": len(docs), "wall_s_under_profiler": round(wall, 2),
            "total_tt_s": round(total, 3), "stages": stages,
            "top_cumulative": _top(st, "cumulative", top), "top_tottime": _top(st, "tottime", top),
            "unionfacts_cumulative": own}


class _TimedRegex:
    """Stands in for a rule's compiled regex and times every call made through it."""

    def __init__(self, rx) -> None:
        self._rx = rx
        self.calls = 0
        self.hits = 0
        self.seconds = 0.0

    def _timed(self, name: str, *args, **kwargs):
        t = time.perf_counter()
        out = getattr(self._rx, name)(*args, **kwargs)
        if name in ("finditer", "findall"):
            out = list(out)
            self.hits += len(out)
            out = iter(out) if name == "finditer" else out
        elif out is not None:
            self.hits += 1
        self.seconds += time.perf_counter() - t
        self.calls += 1
        return out

    def match(self, *a, **k):
        return self._timed("match", *a, **k)

    def search(self, *a, **k):
        return self._timed("search", *a, **k)

    def fullmatch(self, *a, **k):
        return self._timed("fullmatch", *a, **k)

    def finditer(self, *a, **k):
        return self._timed("finditer", *a, **k)

    def findall(self, *a, **k):
        return self._timed("findall", *a, **k)

    def __getattr__(self, name):
        return getattr(self._rx, name)


def rule_costs(docs, top: int) -> dict:
    """Seconds spent in each rule's regex during an end-to-end pass (whatever the scan strategy).

    Each ``Rule.regex`` of the built-in pattern set is swapped for a timing proxy for the pass,
    then put back. Reads unionfacts internals (``default_extractor().patterns.rules``); if they change shape
    the section is skipped, not the benchmark.
    """
    import unionfacts
    from unionfacts.io.sinks import jsonl_lines
    from unionfacts.extractor import default_extractor

    pset = default_extractor().patterns
    originals = [(r, r.regex) for r in pset.rules]
    proxies = []
    try:
        for r, rx in originals:
            px = _TimedRegex(rx)
            object.__setattr__(r, "regex", px)  # Rule is a frozen dataclass
            proxies.append((r, px))
        chars = sum(len(d.text) for d in docs)
        t = time.perf_counter()
        for d in docs:
            for line in jsonl_lines(unionfacts.extract_document(d.text, doc_id=d.doc_id)):
                line.encode("utf-8")
        wall = time.perf_counter() - t
    finally:
        for r, rx in originals:
            object.__setattr__(r, "regex", rx)
    total = sum(px.seconds for _, px in proxies)
    rows = sorted(proxies, key=lambda rp: rp[1].seconds, reverse=True)
    return {"chars": chars, "wall_s": round(wall, 3), "regex_s": round(total, 3),
            "regex_share_pct": round(100 * total / wall, 1),
            "note": "timed through a Python proxy: adds ~0.2 µs per call, so calls-heavy rules look dearer",
            "rules": [{"rule": r.id, "kind": r.kind, "calls": px.calls, "hits": px.hits,
                       "seconds": round(px.seconds, 4), "us_per_call": round(1e6 * px.seconds / px.calls, 2)
                       if px.calls else None, "pct_of_wall": round(100 * px.seconds / wall, 1)}
                      for r, px in rows[:top]]}


# -- report -----------------------------------------------------------------------------

def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = None
    if _have("psutil"):
        import psutil

        mem = round(psutil.virtual_memory().total / 2**30, 1)
    git = {}
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src", "patterns"],
                               capture_output=True, text=True, timeout=10).stdout.split("\n")
        git = {"head": head, "dirty_src_or_patterns": [ln[3:] for ln in dirty if ln.strip()]}
    load = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    return {"git": git, "loadavg_at_start": load, "python": platform.python_version(), "implementation": platform.python_implementation(),
            "platform": platform.platform(), "cpu": cpu, "cpus": os.cpu_count(), "ram_gib": mem,
            "versions": {k: _version(k) for k in ("unionfacts", "regex", "pydantic", "pydantic-core", "jieba",
                                                  "OpenCC", "cn2an", "jionlp", "psutil")}}


def fmt_rate(x) -> str:
    return "-" if x is None else f"{x:>12,}"


def print_summary(rep: dict) -> None:
    ufr = rep["throughput"]["unionfacts"]
    uf = ufr["chars_per_s"]
    say("")
    say("=" * 78)
    c = rep["corpus"]
    say(f"corpus: {c['mb']} MB, {c['chars']:,} chars, {c['docs']} docs (seed {rep['args']['seed']}); "
        f"{rep['args']['runs']} rounds; {ufr['facts']:,} facts ({ufr['facts_per_1k_chars']}/1k chars)")
    say(f"{'':46}{'chars/s':>12}{'best':>12}  {'÷ unionfacts':>12}")
    say(f"  {'unionfacts end to end':44}{fmt_rate(uf)}{fmt_rate(ufr['best_chars_per_s'])}  {1:>12.3f}")
    fl = rep["throughput"].get("floors", {})
    for key, name in (("regex_scan", "floor: one regex number+unit scan"), ("str_translate", "floor: str.translate"),
                      ("opencc_t2s", "floor: OpenCC t2s"), ("jieba_lcut", "floor: jieba.lcut (private Tokenizer)")):
        if key in fl:
            r = fl[key]
            say(f"  {name:44}{fmt_rate(r['chars_per_s'])}{fmt_rate(r['best_chars_per_s'])}  "
                f"{r['chars_per_s_relative_to_unionfacts_paired']:>12.4g}")
    peer = rep["throughput"].get("peer")
    if peer and "jionlp" in peer:
        j = peer["jionlp"]
        u = peer["unionfacts_same_slice"]
        say(f"  {'peer: JioNLP money+time (' + format(peer['slice_chars'], ',') + ' chars)':44}"
            f"{fmt_rate(j['chars_per_s'])}{fmt_rate(j['best_chars_per_s'])}  "
            f"{peer['chars_per_s_relative_to_unionfacts_paired']:>12.4g}")
        say(f"  {'  unionfacts on that slice':44}{fmt_rate(u['chars_per_s'])}{fmt_rate(u['best_chars_per_s'])}")
    else:
        say(f"  peer: JioNLP skipped ({rep['throughput'].get('peer_skipped', 'not installed')})")
    say("  (÷ unionfacts: the contender's chars/s over unionfacts', median of per-round ratios)")
    s = rep.get("startup")
    if s:
        say(f"start-up (fresh process, median of {s['runs']}): python {s['python_startup_s']:.3f} s, "
            f"import {s['import_s']:.3f} s, first extract_document {s['first_call_s']:.3f} s, "
            f"second {s['second_call_s']:.3f} s")
        if "cold_cache_import_plus_first_call_s" in s:
            say(f"  with an empty pattern cache (the first process after an install): import + first "
                f"{s['cold_cache_import_plus_first_call_s']:.3f} s")
        if "jionlp" in s:
            say(f"  JioNLP: import {s['jionlp']['import_s']:.3f} s, first money+time {s['jionlp']['first_call_s']:.3f} s")
    sc = rep.get("scale")
    if sc:
        say("scale: " + ", ".join(f"{p['mb']} MB {p['chars_per_s']:,} chars/s (×{p.get('rate_vs_main_paired')})"
                                  for p in sc["points"]))
        say(f"  flatness, largest ÷ smallest: {sc['flatness']} (load-corrected), {sc['flatness_of_medians']} (raw medians)")
    m = rep["memory"]
    say("memory (in-process peak RSS, MiB): " + ", ".join(f"{k.replace('_mib', '')} {v}" for k, v in m.items()))
    for cl in rep.get("cli", []):
        say(f"CLI: {cl['input_mb']} MB .jsonl → peak RSS {cl['peak_rss_mib']} MiB, {cl['wall_s']} s, "
            f"{cl['chars_per_s']:,} chars/s, rc {cl['rc']}, {cl['output_lines']:,} lines")
    jb = rep.get("jobs")
    if jb:
        say(f"CLI --jobs {jb['jobs']} on {jb['input_mb']:g} MB: ×{jb['speedup_paired']} over --jobs 1 "
            f"(median of {jb['rounds']} paired rounds; walls {jb['wall_s']}), output identical: {jb['output_identical']}")
    say("targets:")
    for name, t in rep["targets"].items():
        mark = {True: "PASS", False: "FAIL", None: "n/a "}[t["met"]]
        say(f"  [{mark}] {name}: {t['measured']} (target {t['target']}){'  ' + t['note'] if t.get('note') else ''}")
    pf = rep.get("profile")
    if pf:
        say(f"profile ({pf['chars']:,} chars, cProfile total {pf['total_tt_s']} s); stages by cumulative time:")
        for s in pf["stages"]:
            say(f"  {s['stage']:44}{s['cumtime_s']:>9.2f} s {s['pct_of_total']:>6.1f}%")
        rc = rep.get("rule_costs", {})
        if rc.get("rules"):
            say(f"  regex time by rule (proxy-timed pass: regex {rc['regex_share_pct']}% of wall):")
            for r in rc["rules"][:10]:
                say(f"    {r['pct_of_wall']:>5.1f}%  {r['calls']:>9,} calls {r['us_per_call']:>8} µs/call  {r['rule']}")
        say("  top by total (own) time:")
        for r in pf["top_tottime"][:12]:
            say(f"    {r['tottime_pct']:>5.1f}%  {r['calls']:>9,}  {r['function']}")
    say("=" * 78)


def evaluate_targets(rep: dict) -> dict:
    out = {}
    tp = rep["throughput"]
    peer = tp.get("peer")
    name = "unionfacts ÷ JioNLP (chars/s, same slice, paired)"
    if peer and "jionlp" in peer:
        v = peer["unionfacts_times_faster_paired"]
        out[name] = {"measured": v, "target": f">= {TARGETS['vs_jionlp']}", "met": v >= TARGETS["vs_jionlp"]}
    else:
        out[name] = {"measured": None, "target": f">= {TARGETS['vs_jionlp']}", "met": None, "note": "JioNLP not run"}
    jl = tp.get("floors", {}).get("jieba_lcut")
    if jl:
        v = jl["unionfacts_times_faster_paired"]
        out["unionfacts ÷ jieba.lcut (chars/s, paired)"] = {"measured": v, "target": f">= {TARGETS['vs_jieba']}",
                                                           "met": v >= TARGETS["vs_jieba"]}
    s = rep.get("startup")
    if s:
        v = s["import_plus_first_call_s"]
        out["import + first extraction (s)"] = {"measured": v, "target": f"<= {TARGETS['startup_s']}",
                                               "met": v <= TARGETS["startup_s"]}
        j = s.get("jionlp")
        if j:  # issue 20: no slower than the peer's, in the same run
            peer_s = j["import_s"] + j["first_call_s"]
            out["import + first extraction ÷ JioNLP's"] = {
                "measured": round(v / peer_s, 3), "target": "<= 1.0", "met": v <= peer_s,
                "note": f"{v:.3f} s vs {peer_s:.3f} s; pattern cache warm (see the cold figure)"}
    sc = rep.get("scale")
    if sc and len(sc["points"]) > 1:
        v = sc["flatness"] if sc["flatness"] is not None else sc["flatness_of_medians"]
        lo = min(p["mb"] for p in sc["points"])
        big = max(p["mb"] for p in sc["points"])
        ok = v >= TARGETS["flat"]
        out["flat throughput (largest ÷ smallest)"] = {
            "measured": f"{v:.3f} ({lo}→{big} MB)", "target": f">= {TARGETS['flat']} from 1 to 100 MB",
            "met": ok if big >= 99 or not ok else None,
            "note": "" if big >= 99 else "100 MB not run (--with-100mb)"}
    cl = rep.get("cli")
    if cl:
        big = max(cl, key=lambda r: r["input_mb"])
        over = big["peak_rss_mib"] is not None and big["peak_rss_mib"] > TARGETS["cli_rss_mib"]
        met = (not over) if big["input_mb"] >= 99 else (False if over else None)
        out["CLI peak RSS (MiB)"] = {"measured": f"{big['peak_rss_mib']} at {big['input_mb']} MB",
                                    "target": f"<= {TARGETS['cli_rss_mib']:g} at 100 MB", "met": met,
                                    "note": "" if big["input_mb"] >= 99 else "100 MB not run (--with-100mb)"}
    jb = rep.get("jobs")
    if jb:
        out[f"CLI --jobs {jb['jobs']} speed-up ÷ {jb['jobs']}"] = {
            "measured": jb["efficiency"], "target": f">= {TARGETS['jobs_efficiency']}",
            "met": jb["efficiency"] >= TARGETS["jobs_efficiency"] and jb["output_identical"],
            "note": "" if jb["output_identical"] else "outputs differ"}
    return out


def _prefix(docs, size_mb: float) -> list:
    out, total = [], 0
    for d in docs:
        out.append(d)
        total += len(d.text.encode("utf-8"))
        if total >= size_mb * 1e6:
            break
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mb", type=float, default=10.0, help="corpus size, UTF-8 MB (default 10)")
    ap.add_argument("--runs", type=int, default=3, help="rounds (each contender once per round); medians are reported")
    ap.add_argument("--json", metavar="OUT", default=str(HERE / "results" / "latest.json"),
                    help="JSON report path (default bench/results/latest.json)")
    ap.add_argument("--quick", action="store_true", help="smoke run: 2 MB, 1 round, small slices")
    ap.add_argument("--seed", type=int, default=corpus_mod.DEFAULT_SEED, help="corpus random seed")
    ap.add_argument("--peer-chars", type=int, default=300_000, help="JioNLP slice, characters")
    ap.add_argument("--scale-mb", default="1", help="extra corpus sizes for the scale check (comma list)")
    ap.add_argument("--with-100mb", action="store_true", help="add 100 MB to the scale check and the CLI run")
    ap.add_argument("--cli-mb", type=float, default=None, help="CLI input size (default: --size-mb)")
    ap.add_argument("--profile-mb", type=float, default=2.0, help="cProfile over this much text (0: skip)")
    ap.add_argument("--top", type=int, default=25, help="profile rows to keep")
    ap.add_argument("--with-sinks", action="store_true",
                    help="add bench/sinks.py: SQLite, Parquet and CSV sinks against JSONL (share of end to end)")
    ap.add_argument("--with-big", action="store_true",
                    help="add bench/big.py: peak RSS and chars/s of one 1, 10 and 100 MB text through the CLI")
    ap.add_argument("--with-spark", action="store_true",
                    help="add bench/spark.py: Spark local[2] over local[1] (needs pyspark and a JDK)")
    ap.add_argument("--no-peer", action="store_true", help="skip JioNLP")
    ap.add_argument("--no-jieba", action="store_true", help="skip the jieba floor")
    ap.add_argument("--no-cli", action="store_true", help="skip the CLI memory run")
    ap.add_argument("--no-startup", action="store_true", help="skip the start-up subprocesses")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="worker processes for the CLI --jobs run (default: the CPUs; 1 skips it)")
    args = ap.parse_args(argv)
    if args.quick:
        args.size_mb = min(args.size_mb, 2.0)
        args.runs = 1
        args.peer_chars = min(args.peer_chars, 60_000)
        args.scale_mb = "0.5"
        args.profile_mb = min(args.profile_mb, 0.5)
    cli_mb = args.cli_mb if args.cli_mb is not None else args.size_mb

    if not _have("unionfacts"):
        print(f"unionfacts is not importable; from the project root run: {INSTALL_HINT}", file=sys.stderr)
        return 2
    missing = [m for m in ("jionlp", "psutil") if not _have(m)]
    if missing:
        print(f"note: optional benchmark tools missing ({', '.join(missing)}); install them with: {INSTALL_HINT}",
              file=sys.stderr)
    with_peer = not args.no_peer and _have("jionlp")

    out_path = Path(args.json)
    out_dir = out_path.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    rep: dict = {"generated": _dt.datetime.now().isoformat(timespec="seconds"), "args": vars(args) | {"cli_mb": cli_mb},
                 "machine": machine(), "throughput": {}, "memory": {}}
    seed_path = sorted(corpus_mod.SEEDS_DIR.glob("*.txt"))[0]
    t_all = time.perf_counter()

    if not args.no_startup:
        say("start-up (fresh subprocesses)…")
        rep["startup"] = measure_startup(seed_path, 3 if args.quick else 5, with_peer)

    say(f"building the corpus ({args.size_mb:g} MB, seed {args.seed})…")
    t = time.perf_counter()
    docs = corpus_mod.build_corpus(args.size_mb, args.seed)
    rep["corpus"] = corpus_mod.stats(docs) | {"build_s": round(time.perf_counter() - t, 2)}
    rep["memory"]["rss_before_unionfacts_mib"] = mib(current_rss())
    rep["memory"]["corpus_str_mib"] = mib(sum(sys.getsizeof(d.text) for d in docs))

    import unionfacts
    from unionfacts.io.sinks import jsonl_lines

    list(jsonl_lines(unionfacts.extract_document(seed_path.read_text(encoding="utf-8"), doc_id="warm-up")))

    # scale points below the main size are prefixes of the main corpus, measured in the same rounds
    sizes = sorted({float(x) for x in args.scale_mb.split(",") if x.strip()})
    small: dict[str, list] = {}
    for size in sizes:
        if size < args.size_mb - 1e-9:
            small[f"{size:g} MB"] = _prefix(docs, size)
    say(f"unionfacts end to end, scale points {', '.join(small) or '-'}, floors: {args.runs} rounds…")
    inter = measure_interleaved(docs, small, args.runs, args.no_jieba)
    rep["throughput"]["unionfacts"] = inter["unionfacts"]
    rep["throughput"]["floors"] = inter["floors"]
    rep["memory"]["peak_after_unionfacts_and_floors_mib"] = mib(peak_rss())

    main_mb = rep["corpus"]["mb"]
    uf = inter["unionfacts"]
    points = [{"mb": main_mb, "chars": uf["chars"], "chars_per_s": uf["chars_per_s"],
               "best_chars_per_s": uf["best_chars_per_s"], "runs": args.runs, "rate_vs_main_paired": 1.0}]
    for k, r in inter["scale_small"].items():
        points.append({"mb": round(sum(len(d.text.encode("utf-8")) for d in small[k]) / 1e6, 2), "chars": r["chars"],
                       "chars_per_s": r["chars_per_s"], "best_chars_per_s": r["best_chars_per_s"],
                       "runs": args.runs, "rate_vs_main_paired": r["rate_vs_main_paired"],
                       "by_doc_style": r.get("by_doc_style")})
    big_sizes = [x for x in sizes if x > args.size_mb + 1e-9] + ([100.0] if args.with_100mb else [])
    for size in sorted(set(big_sizes)):
        say(f"building the {size:g} MB corpus…")
        big = corpus_mod.build_corpus(size, args.seed)
        # one pass (it is long); bracketed by passes over the main corpus's first MB to see the load
        ref = _prefix(docs, 1.0)
        ref_chars = sum(len(d.text) for d in ref)
        t = time.perf_counter()
        unionfacts_pass(ref)
        before = ref_chars / (time.perf_counter() - t)
        r = measure_unionfacts(big, 1, f"{size:g} MB")
        t = time.perf_counter()
        unionfacts_pass(ref)
        after = ref_chars / (time.perf_counter() - t)
        ref1 = next((p for p in points if abs(p["mb"] - 1.0) < 0.05), None)
        points.append({"mb": round(sum(len(d.text.encode("utf-8")) for d in big) / 1e6, 2), "chars": r["chars"],
                       "chars_per_s": r["chars_per_s"], "best_chars_per_s": r["best_chars_per_s"], "runs": 1,
                       "bracket_1mb_chars_per_s": [round(before), round(after)],
                       "rate_vs_bracket": round(r["chars_per_s"] / ((before + after) / 2), 3),
                       "rate_vs_main_paired": (round(ref1["rate_vs_main_paired"] * r["chars_per_s"]
                                                     / ((before + after) / 2), 3) if ref1 else None),
                       "by_doc_length": r.get("by_doc_length"), "by_doc_style": r.get("by_doc_style")})
        rep["memory"][f"peak_after_{size:g}mb_mib"] = mib(peak_rss())
        del big
    points.sort(key=lambda p: p["mb"])
    # flatness: the largest point's rate ÷ the smallest's, each relative to the main corpus in
    # the same round (or, for a one-pass point, to a 1 MB pass just before and after it)
    lo, hi = points[0], points[-1]
    flat = None
    if len(points) > 1 and lo.get("rate_vs_main_paired") and hi.get("rate_vs_main_paired"):
        flat = round(hi["rate_vs_main_paired"] / lo["rate_vs_main_paired"], 3)
    rep["scale"] = {"points": points, "flatness": flat,
                    "flatness_of_medians": round(hi["chars_per_s"] / lo["chars_per_s"], 3) if len(points) > 1 else None}

    if with_peer:
        say(f"peer (JioNLP) on {args.peer_chars:,} chars, {args.runs} rounds…")
        rep["throughput"]["peer"] = measure_peer(docs, args.runs, args.peer_chars)
    else:
        rep["throughput"]["peer_skipped"] = ("--no-peer" if args.no_peer
                                             else f"jionlp not installed ({INSTALL_HINT})")
        say(f"peer (JioNLP) skipped: {rep['throughput']['peer_skipped']}")
    rep["memory"]["peak_after_all_mib"] = mib(peak_rss())

    if not args.no_cli:
        say("CLI memory…")
        rep["cli"] = []
        with tempfile.TemporaryDirectory(prefix="unionfacts-bench-") as tmp:
            for size in sorted({cli_mb} | ({100.0} if args.with_100mb else set())):
                rep["cli"].append(measure_cli(size, args.seed, Path(tmp)))
            if args.jobs > 1:
                say(f"CLI --jobs {args.jobs} against --jobs 1 ({cli_mb:g} MB)…")
                rep["jobs"] = measure_jobs(cli_mb, args.seed, Path(tmp), args.jobs, 1 if args.quick else 2)
        uf = rep["throughput"]["unionfacts"]
        first = rep["cli"][0]
        if abs(first["input_mb"] - rep["corpus"]["mb"]) < 0.05:
            first["matches_in_process_facts"] = first["output_lines"] == uf["facts"]

    if args.profile_mb > 0:
        say(f"profiling ({args.profile_mb:g} MB)…")
        sub = _prefix(docs, args.profile_mb)
        rep["profile"] = profile_unionfacts(sub, out_dir, args.top)
        try:
            rep["rule_costs"] = rule_costs(sub, args.top)
        except Exception as exc:  # internals moved: report it, keep the rest  # noqa: BLE001
            rep["rule_costs"] = {"skipped": f"{type(exc).__name__}: {exc}"}
        if not args.no_startup:
            rep["profile_cold_start"] = cold_profile(seed_path, out_dir, args.top)

    # the corpus-scale benchmarks, each in its own process (each measures its ratios within
    # its own rounds); their reports are kept as they print them
    for flag, script, extra in (("with_sinks", "sinks.py", []), ("with_big", "big.py", []),
                                ("with_spark", "spark.py", [])):
        if getattr(args, flag):
            say(f"running bench/{script} …")
            proc = subprocess.run([sys.executable, str(HERE / script), *extra], capture_output=True,
                                  text=True, check=False)
            rep[script.removesuffix(".py")] = {"returncode": proc.returncode, "report": proc.stdout,
                                               "stderr_tail": proc.stderr[-2000:]}
            say(proc.stdout)

    rep["targets"] = evaluate_targets(rep)
    if hasattr(os, "getloadavg"):
        rep["machine"]["loadavg_at_end"] = list(os.getloadavg())
    rep["elapsed_s"] = round(time.perf_counter() - t_all, 1)
    out_path.write_text(json.dumps(rep, ensure_ascii=False, indent=2), encoding="utf-8")
    print_summary(rep)
    say(f"report: {out_path}  (profiles: {out_dir}/*.prof; elapsed {rep['elapsed_s']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
