"""Compiled rules × normalised text → candidates. Regex only: no values, no context.

Speed: a regex costs tens of nanoseconds to microseconds per text position even where it
cannot match, so forty rules scanned over a whole document would cost microseconds per
character. Instead one cheap *anchor* scan finds where a figure can start — a digit run, a
Chinese numeral run right before a unit word (a classifier, currency, measure or time unit from
the lexicons), a relative date word (今年), 百分之, or a currency symbol — and notes which kinds
the characters after it can open (a classifier → count, 元 → money, 年 → date or duration …).
Each built-in rule of those kinds is then tried once, anchored at that position
(``regex.match``), with ``_AFTER`` characters of room for its match and trailing lookaheads;
lookbehinds still see the text before. Vetoes are sought only around the candidates found.
Rules of user packs (which may use units no lexicon lists) and rules marked ``scan: full``
(a 《》 title that starts far from any figure) are scanned over the whole text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import regex

from unionfacts.errors import PatternError
from unionfacts.rules.fastre import fast, word_alternation
from unionfacts.rules.packs import MATCH_TIMEOUT, PatternSet, Rule, require_lexicons
from unionfacts.pipeline.timebase import REL_LEXICONS

require_lexicons(__name__, ("kind_opener", "anchor_word", "currency_symbol", "currency", "classifier",
                            "person_noun", "measure_unit", "measure_symbol"))

_AFTER = 24   # room after an anchor for a match and its lookaheads (30万新就业形态劳动者, 2023年12月26日至27日)
_LOOK = 6     # the characters after an anchor that say which kinds can follow it
_VETO_PAD = 14  # vetoes are sought this far around each candidate (ICP备…, 电话:, link-list cells)
_NUMERALS = "零〇一二两三四五六七八九十百千万亿廿卅卌壹贰叁肆伍陆柒捌玖拾佰仟"
# The relative date words of the time base (its lexicons `REL_LEXICONS`) open date figures
# without a numeral before them; the lexicons `anchor_word` (word → kind) and `kind_opener` (kind
# → characters that may follow a number of that kind, beyond the first characters of its unit
# lexicons) add the rest.
# A sign before a number (-22.2%, 负3.9%) or 前 (前三季度, the first three quarters) may
# open the match one character before the anchor.
_LEADS = "-−负前"
_DOTTED_DATE = regex.compile(r"(?:1[89]|20)[0-9]{2}\.[0-9]")
_KIND_LEXICONS = {"money": ("currency",), "count": ("classifier", "person_noun"),
                  "measure": ("measure_unit", "measure_symbol")}


@dataclass(slots=True)  # not frozen: a frozen __init__ sets each field through object.__setattr__
class Candidate:
    """One match of one rule; nothing changes it after the scan."""

    rule: Rule
    start: int
    end: int
    groups: dict[str, str]

    @property
    def kind(self) -> str:
        return self.rule.kind


@dataclass(frozen=True, slots=True)
class ScanPlan:
    anchor: Any
    char_kinds: dict[str, frozenset[str]]  # a character after a number → the kinds it can open
    anchor_words: dict[str, str]  # a word that opens a figure → its kind
    by_kind: dict[str, tuple[Rule, ...]]  # built-in fact rules: tried at anchors of their kind
    by_kinds: dict[frozenset[str], tuple[tuple[Any, ...], ...]]
    """Every set of kinds an anchor can open → its rules with their ``requires`` characters."""
    veto_rules: tuple[Rule, ...]     # built-in vetoes: only in windows that produced a candidate
    full_rules: tuple[Rule, ...]     # user-pack rules and ``scan: full`` rules: the whole text


def scan_plan(pset: PatternSet) -> ScanPlan:
    kind_chars = {k: set(v) for k, v in pset.lexicon("kind_opener").items()}
    for kind, lexes in _KIND_LEXICONS.items():
        for lex in lexes:
            kind_chars[kind].update(w[0] for w in pset.lexicon(lex) if w)
    units = set().union(*kind_chars.values()) - set(".-/—~～至到:：")
    unit_class = "".join(sorted(regex.escape(c) for c in units))
    anchor_words = {w: "date" for name in REL_LEXICONS for w in pset.lexicon(name)}
    anchor_words.update(pset.lexicon("anchor_word"))
    anchor_words.update({w: "money" for w in pset.lexicon("currency_symbol")})
    word_list = sorted(anchor_words, key=len, reverse=True)
    words = word_alternation(word_list)
    # A leading class of every possible first character lets the scan skip other positions
    # fast (the alternation alone costs about a microsecond per character).
    firsts = "".join(sorted({w[0] for w in word_list} | set("0123456789几数" + _NUMERALS)))
    anchor = fast(
        r"(?=[" + regex.escape(firsts) + r"])(?:(?P<w>" + words + r")|[0-9]++(?:[.,][0-9]++)*+"
        r"|(?<![" + _NUMERALS + r"几数])[几数上]?[" + _NUMERALS + r"]++(?=[余多几]?[万亿]?[余多]?[" + unit_class + r"~～\-—至到]))")
    char_kinds: dict[str, frozenset[str]] = {}
    for kind, chars in kind_chars.items():
        for ch in chars:
            char_kinds[ch] = char_kinds.get(ch, frozenset()) | {kind}
    # User-pack rules may use units no lexicon lists, so no anchor would find them: they run
    # over the whole text (slower, always right). Built-in rules are tested with anchors.
    builtin = {id(r) for r in pset.rules if r.builtin}
    rules = [r for r in pset.rules if r.kind != "enum"]
    by_kind: dict[str, list[Rule]] = {}
    for r in rules:
        if id(r) in builtin and r.scan == "window" and r.kind != "veto":
            by_kind.setdefault(r.kind, []).append(r)
    frozen = {k: tuple(v) for k, v in by_kind.items()}
    kinds = sorted(set(frozen).union(anchor_words.values(), *char_kinds.values()))
    by_kinds = {frozenset(ks): _rules_for(frozen, frozenset(ks))
                for n in range(len(kinds) + 1) for ks in combinations(kinds, n)}
    return ScanPlan(
        anchor, char_kinds, anchor_words, frozen, by_kinds,
        tuple(r for r in rules if id(r) in builtin and r.scan == "window" and r.kind == "veto"),
        tuple(r for r in rules if id(r) not in builtin or r.scan == "full"))


def anchors(plan: ScanPlan, text: str) -> list[tuple[int, int, frozenset[str]]]:
    """Every anchor ``(start, end, kinds)``: where a figure of those kinds can start."""
    out: list[tuple[int, int, frozenset[str]]] = []
    get = plan.char_kinds.get
    empty: frozenset[str] = frozenset()
    seen: dict[str, frozenset[str]] = {}  # the kinds of a look-ahead string: the same ones recur
    for m in plan.anchor.finditer(text):
        s, e = m.span()
        word = m.group("w")
        if word:
            out.append((s, e, frozenset((plan.anchor_words[word],))))
            continue
        look = text[e:e + _LOOK]
        kinds = seen.get(look)
        if kinds is None:
            kinds = empty
            for c in look:
                k = get(c)
                if k is not None and k is not kinds:
                    kinds = k if kinds is empty else kinds | k
            seen[look] = kinds
        if "." in m.group() and _DOTTED_DATE.match(m.group()):
            kinds = kinds | {"date"}  # 2024.03.06
        if kinds:
            out.append((s, e, kinds))
    return out


def _rules_for(by_kind: dict[str, tuple[Rule, ...]], kinds: frozenset[str]) -> tuple[tuple[Any, ...], ...]:
    """The built-in rules tried at an anchor of these kinds, in a fixed order (kinds sorted):
    ``(rule, its requires characters or None, its bound match, its bound groups)``."""
    return tuple((r, r.requires, r.regex.match, r.groups)
                 for k in sorted(kinds) for r in by_kind.get(k, ()))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def find_candidates(plan: ScanPlan, text: str, kinds: frozenset[str] | None = None,
                    timeout: float | None = MATCH_TIMEOUT,
                    found: dict[str, list[Candidate]] | None = None) -> Iterator[Candidate]:
    """Every match of every rule (vetoes included). ``found``: the matches of whole-text rules
    that the caller has already scanned for (by rule id, see ``scan_full``), not scanned again.

    A user-pack rule that times out on this text (a catastrophic pattern) raises
    ``PatternError`` naming it. Built-in rules run without the timeout: the guard costs more
    than the match itself, and the test suite runs every built-in rule on adversarial input.
    """
    n = len(text)
    spans: list[tuple[int, int]] = []
    for rule in plan.full_rules:
        if kinds is None or rule.kind in kinds or rule.kind == "veto":
            known = found.get(rule.id) if found else None
            for c in known if known is not None else _matches(rule, text, 0, n, timeout):
                if rule.kind != "veto":
                    spans.append((c.start, c.end))
                yield c
    by_kinds = plan.by_kinds
    for s, e, akinds in anchors(plan, text):
        if kinds is not None:
            akinds = akinds & kinds
        rules = by_kinds.get(akinds)
        if rules is None:  # kinds no rule of the plan has (a user pack's own anchor word)
            rules = _rules_for(plan.by_kind, akinds)
        end = e + _AFTER
        if end > n:
            end = n
        starts: tuple[int, ...] = (s, s - 1) if s and text[s - 1] in _LEADS else (s,)
        if text[s] in "零〇上" and e - s > 1:
            starts += (s + 1,)  # 找零十块: 零 may close the word before; 上千名 but 线上一个
        window = None
        for rule, req, match, groups in rules:
            if req is not None:
                # the rule's ``requires``: one of its characters in the window (set test)
                if window is None:
                    window = set(text[s:end])
                if req.isdisjoint(window):
                    continue
            for p in starts:
                m = match(text, p, end)  # built-in, tested: no timeout
                if m is not None:
                    b = m.end()
                    if b > p:
                        spans.append((p, b))
                        yield Candidate(rule, p, b, groups(m))
    if not spans:
        return
    wins = _merge([(max(0, a - _VETO_PAD), min(n, b + _VETO_PAD)) for a, b in spans])
    # each window's characters once, for every veto's ``requires`` (a set test per rule)
    chars = [set(text[a:b]) for a, b in wins]
    for rule in plan.veto_rules:
        req = rule.requires
        for (a, b), cs in zip(wins, chars):
            if req is None or not req.isdisjoint(cs):
                yield from _matches(rule, text, a, b, None)


def scan_full(rule: Rule, text: str) -> list[Candidate]:
    """Every match of one rule over the whole text (a built-in one: no timeout)."""
    return list(_matches(rule, text, 0, len(text), None))


def _matches(rule: Rule, text: str, a: int, b: int, timeout: float | None) -> Iterator[Candidate]:
    try:
        if timeout is None or rule.builtin:  # built-in: tested on adversarial input, see above
            found = list(rule.regex.finditer(text, a, b))
        else:  # user-pack rules: always compiled by regex, which has the timeout
            found = list(rule.regex.finditer(text, a, b, timeout=timeout))
    except TimeoutError:
        raise PatternError(f"pattern timed out after {timeout} s on this text (catastrophic "
                           "backtracking?)", file=rule.file, rule=rule.id, line=rule.line) from None
    for m in found:
        if m.end() == m.start():
            continue
        yield Candidate(rule, m.start(), m.end(), rule.groups(m))
