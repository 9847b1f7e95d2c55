"""Compiled rules × normalised text → candidates. Regex only: no values, no context."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .patterns import MATCH_TIMEOUT, PatternSet, Rule


@dataclass(frozen=True, slots=True)
class Candidate:
    rule: Rule
    start: int
    end: int
    groups: dict[str, str]

    @property
    def kind(self) -> str:
        return self.rule.kind


def find_candidates(pset: PatternSet, text: str, kinds: frozenset[str] | None = None,
                    timeout: float | None = MATCH_TIMEOUT) -> Iterator[Candidate]:
    """Every match of every rule (vetoes included), in rule order then text order.

    A rule that times out on this text (a catastrophic user pattern) raises
    ``TimeoutError`` from the ``regex`` module; the caller reports it.
    """
    for rule in pset.rules:
        if kinds is not None and rule.kind not in kinds and rule.kind != "veto":
            continue
        for m in rule.regex.finditer(text, timeout=timeout):
            if m.end() == m.start():
                continue
            groups = {k: v for k, v in m.groupdict().items() if v is not None}
            yield Candidate(rule, m.start(), m.end(), groups)
