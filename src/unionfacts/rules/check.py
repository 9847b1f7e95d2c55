"""Run the examples of rule packs: ``unionfacts rules check`` and the parametrised test.

An example's ``[[…]]`` marks are the facts of the rule's kind expected in the text: the found
set must equal the marked set, so one line checks misses and false hits. A veto rule's
examples speak of every kind (a veto example with no marks must yield no fact at all), and its
pattern must match the example. ``value`` checks fields of the first marked fact. ``not:``
strings must yield no fact of the kind. ``xfail: reason`` marks a known gap and is strict: an
example that starts passing is reported, so the mark gets removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from unionfacts.errors import PatternError
from unionfacts.pipeline.numbers import plain
from unionfacts.rules.packs import (
    FACT_KINDS,
    MATCH_TIMEOUT,
    PatternSet,
    Rule,
    builtin_dir,
    get_patterns,
)

_MARK = re.compile(r"\[\[(.+?)\]\]")


@dataclass(frozen=True, slots=True)
class Case:
    """One example or negative of one rule, ready to run."""

    rule: Rule
    index: int
    text: str
    expected: tuple[tuple[int, int], ...] | None  # None: a ``not:`` string (no fact)
    value: dict[str, str] | None
    published: str | None
    xfail: str | None
    extra: tuple[str, ...]

    @property
    def name(self) -> str:
        tag = "not" if self.expected is None else "ex"
        return f"{self.rule.id}[{tag}{self.index}]"


def unmark(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Text without ``[[``/``]]`` and the marked spans in that text."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    last = 0
    for m in _MARK.finditer(marked):
        out.append(marked[last:m.start()])
        pos += m.start() - last
        spans.append((pos, pos + len(m.group(1))))
        out.append(m.group(1))
        pos += len(m.group(1))
        last = m.end()
    out.append(marked[last:])
    return "".join(out), tuple(spans)


def iter_cases(pset: PatternSet, extra: tuple[str, ...] = ()) -> Iterator[Case]:
    for rule in pset.rules:
        ref = rule.context.get("reference_date")
        for i, ex in enumerate(rule.examples()):
            text, spans = unmark(ex.text)
            yield Case(rule, i, text, spans, ex.value, ex.published or ref, ex.xfail, extra)
        for i, neg in enumerate(rule.spec.not_):
            yield Case(rule, i, neg, None, None, ref, None, extra)


def _field_str(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        return plain(v)
    if isinstance(v, (tuple, list)):
        return ",".join(str(x) for x in v)
    return "" if v is None else str(v)


def run_case(case: Case) -> str | None:
    """``None`` when the case behaves as written, else what went wrong (a pattern that timed
    out on the example, too: that is a fault of the rule, reported as its failure)."""
    try:
        return _run_case(case)
    except PatternError as exc:
        return str(exc)


def _run_case(case: Case) -> str | None:
    from unionfacts.extractor import default_extractor

    ex = default_extractor(case.extra)
    if case.rule.kind == "enum":
        from unionfacts.pipeline.lists import check_enum_case
        return check_enum_case(case, ex.extract_document(case.text, published=case.published))
    facts = ex.extract(case.text, published=case.published)
    kind = case.rule.kind
    if kind in FACT_KINDS:
        facts = [f for f in facts if f.kind == kind]
    got = tuple((f.start, f.end) for f in facts)
    shown = ", ".join(f"{f.kind} {f.text!r}={_field_str(f.value)}" for f in facts) or "nothing"
    if case.expected is None:
        return None if not got else f"expected no fact in {case.text!r}, got {shown}"
    if kind == "veto":
        if not case.rule.regex.search(ex.normalize(case.text).text):
            return f"veto pattern does not match {case.text!r}"
    if got != case.expected:
        want = ", ".join(repr(case.text[a:b]) for a, b in case.expected) or "nothing"
        return f"expected {want}, got {shown}"
    if case.value and facts:
        f = facts[0]
        for k, v in case.value.items():
            if not hasattr(f, k):
                return f"expected field {k}={v!r}, but {f.kind} facts have no field {k!r}"
            actual = _field_str(getattr(f, k))
            if actual != v:
                return f"expected {k}={v!r} for {f.text!r}, got {actual!r}"
    return None


def check_packs(dirs: list[str], out: TextIO, err: TextIO) -> int:
    """Validate packs and run their examples; print failures as ``file:rule: expected … got …``."""
    extra = tuple(str(Path(d).resolve()) for d in dirs)
    try:
        builtin = str(Path(str(builtin_dir())).resolve())
        extra = tuple(d for d in extra if d != builtin)
        pset = get_patterns(extra)
    except PatternError as exc:
        print(f"{exc}", file=err)
        return 1
    wanted = set(extra)
    for rule in pset.rules:
        if rule.user_macros:
            line = f":{rule.line}" if rule.line else ""
            print(f"{rule.file}{line}:{rule.id}: note: a user pack redefines "
                  f"{', '.join(rule.user_macros)}: run as a user rule, under the "
                  f"{MATCH_TIMEOUT:g} s match timeout", file=out)
    failures = total = 0
    for case in iter_cases(pset, extra):
        if wanted and not any(case.rule.file.startswith(d) for d in wanted):
            continue
        total += 1
        problem = run_case(case)
        if case.xfail:
            if problem is None:
                problem = f"XPASS: marked xfail ({case.xfail}) but passes now; remove the mark"
            else:
                continue
        if problem:
            failures += 1
            line = f":{case.rule.line}" if case.rule.line else ""
            print(f"{case.rule.file}{line}:{case.name}: {problem}", file=out)
    print(f"{total - failures} passed, {failures} failed", file=out)
    return 1 if failures else 0
