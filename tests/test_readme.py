"""The README's Python examples run, and print what the README says they print.

Each fenced ``python`` block runs in a fresh interpreter from the repository root; when the next
fenced block is a plain one (no language), it is the expected output, compared line by line.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)


def _examples() -> list[tuple[int, str, str | None]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [(m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1) for m in _FENCE.finditer(text)]
    out = []
    for i, (lang, body, line) in enumerate(blocks):
        if lang != "python":
            continue
        follow = blocks[i + 1] if i + 1 < len(blocks) else None
        expected = follow[1] if follow is not None and follow[0] == "" else None
        out.append((line, body, expected))
    return out


EXAMPLES = _examples()


def test_the_readme_has_python_examples():
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize(("line", "code", "expected"), EXAMPLES, ids=[f"line{e[0]}" for e in EXAMPLES])
def test_readme_example_runs(line, code, expected):
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, f"README example at line {line} failed:\n{proc.stderr}"
    if expected is not None:
        # trailing blanks are invisible in the README: compare without them
        got = [ln.rstrip() for ln in proc.stdout.rstrip().splitlines()]
        assert got == [ln.rstrip() for ln in expected.rstrip().splitlines()]


def _shell_examples() -> list[tuple[int, str, str, list[str]]]:
    """Plain blocks that open with ``$ printf '…' | unionfacts extract …``: (line, input, the
    command's arguments, the lines the README shows it print)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    out = []
    for m in _FENCE.finditer(text):
        lines = m.group(2).splitlines()
        head = re.fullmatch(r"\$ printf '([^']*)' \| unionfacts (extract .*)", lines[0]) if lines else None
        if m.group(1) == "" and head:
            out.append((text.count("\n", 0, m.start()) + 1, head.group(1), head.group(2), lines[1:]))
    return out


SHELL = _shell_examples()


@pytest.mark.parametrize(("line", "stdin", "command", "expected"), SHELL, ids=[f"line{e[0]}" for e in SHELL])
def test_readme_shell_example_prints_what_it_shows(line, stdin, command, expected):
    proc = subprocess.run([sys.executable, "-m", "unionfacts", *command.split()], input=stdin, cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, f"README shell example at line {line} failed:\n{proc.stderr}"
    assert proc.stdout.splitlines() == expected


def test_the_readme_has_a_shell_example():
    assert SHELL
