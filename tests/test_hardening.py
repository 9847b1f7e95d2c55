"""Signals and progress (issue 15 #6, issue 16 item 4): killing the parent leaves no worker,
SIGTERM/SIGHUP leave no temp file, the progress line shows only on a terminal."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from unionfacts.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux: /proc and PDEATHSIG")


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            out.append(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended


def _wait(cond, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def test_killing_the_parent_ends_its_workers(tmp_path: Path) -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in SEEDS) * 4
    docs = tmp_path / "docs.jsonl"
    with open(docs, "w", encoding="utf-8") as fh:
        for i in range(200):
            fh.write(json.dumps({"id": str(i), "text": text}, ensure_ascii=False) + "\n")
    proc = subprocess.Popen([sys.executable, "-m", "unionfacts", "extract", str(docs), "--jobs", "2",
                             "-o", str(tmp_path / "out.jsonl")], stderr=subprocess.DEVNULL)
    try:
        assert _wait(lambda: len(_children(proc.pid)) >= 2, 30), "no workers started"
        time.sleep(0.5)  # let them take work
        workers = _children(proc.pid)
    finally:
        proc.kill()
        proc.wait()
    try:
        assert _wait(lambda: not any(_alive(w) for w in workers), 5), "workers outlived their parent"
    finally:
        for w in workers:  # leave no process behind, whatever the outcome
            if _alive(w) and b"unionfacts" in Path(f"/proc/{w}/cmdline").read_bytes():
                os.kill(w, signal.SIGKILL)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_terminated_run_leaves_no_temp_file(tmp_path: Path, sig: int, jobs: str) -> None:
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "unionfacts", "extract", "-", "--jobs", jobs, "-o", str(out)],
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert _wait(lambda: bool(list(tmp_path.glob(".unionfacts-*.tmp"))), 30), "no temp file"
        proc.send_signal(sig)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        assert proc.stdin is not None and proc.stderr is not None
        proc.stdin.close()
        err = proc.stderr.read().decode()
        proc.stderr.close()
    assert proc.returncode == 128 + sig, err
    assert "Traceback" not in err
    assert not list(tmp_path.glob(".unionfacts-*.tmp"))
    assert not out.exists()


def test_an_existing_output_survives_termination(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "unionfacts", "extract", "-", "-o", str(out)],
                            stdin=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert _wait(lambda: bool(list(tmp_path.glob(".unionfacts-*.tmp"))), 30)
    proc.terminate()
    proc.wait(10)
    assert proc.stdin is not None
    proc.stdin.close()
    assert out.read_text(encoding="utf-8") == "old\n"
    assert not list(tmp_path.glob(".unionfacts-*.tmp"))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal_and_not_with_quiet(monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm")  # the 'progress' extra, part of the 'test' extra
    seeds = str(ROOT / "seeds")
    assert main(["extract", seeds]) == 0
    assert capsys.readouterr().err == ""  # stderr is no terminal here
    for quiet, shown in (([], True), (["--quiet"], False), (["-q"], False)):
        term = _Terminal()
        monkeypatch.setattr(sys, "stderr", term)
        assert main(["extract", seeds, *quiet]) == 0
        assert ("extract" in term.getvalue()) is shown
        assert capsys.readouterr().out.count('"record":"document"') == len(SEEDS)
