"""Numbered lists of measures: list markers (``patterns/enum.yaml``) → ``Enumeration``.

A marker is one match of an ``enum.<style>`` rule on the cleaned text. Markers of one style
make a list when their ordinals run 1, 2, 3… with at least two items; a marker that continues
no open list is prose (a lone 一是, 第一次), and is dropped. Each item gets a title: the phrase
after its marker up to the first sentence break, in the text's own script. A list that sits
inside one item of another list gets that list as ``parent``. A list is linked to the nearest
count before it that announces measures (十条举措, 五项措施, 5方面).
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import regex

from unionfacts.models import Document, Enumeration, EnumerationItem
from unionfacts.pipeline.normalize import Normalized, raw_view, without_surrogates
from unionfacts.pipeline.numbers import parse_number
from unionfacts.rules.packs import MATCH_TIMEOUT, PatternSet, Rule, require_lexicons


class _Case(Protocol):
    """What ``check_enum_case`` reads of a rule example (``rules.check.Case``)."""

    @property
    def rule(self) -> Rule: ...
    @property
    def text(self) -> str: ...
    @property
    def expected(self) -> tuple[tuple[int, int], ...] | None: ...
    @property
    def value(self) -> dict[str, str] | None: ...

require_lexicons(__name__, ("enum_sequence", "enum_measure_word", "enum_announce_unit", "clause_break"))

#: Ordinal a sequence word like 最后 gets from the lexicon (``last``): one past the list so far.
_LAST = 0
#: The items of one list may be far apart (headings of a long report), but not unboundedly.
_MAX_GAP = 20_000
#: A title is a short phrase; a heading without any break is cut here.
_MAX_TITLE = 60
#: Characters an announcing count and its measure word may have between them (十条具体举措).
_MEASURE_GAP = 2
_TITLE_SKIP = regex.compile(r"[\s，,、:：.．]*+")
_HAN = regex.compile(r"\p{Han}")


@dataclass(frozen=True, slots=True)
class _Marker:
    style: str
    ordinal: int
    start: int
    end: int


@dataclass(slots=True)
class _Chain:
    style: str
    markers: list[_Marker] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.markers[0].start


@dataclass(frozen=True, slots=True)
class ListRules:
    """The list-marker rules and word lists of a pattern set, compiled once."""

    rules: tuple[tuple[str, Rule], ...]
    sequence: dict[str, int]
    announce_units: frozenset[str]
    measure_words: frozenset[str]
    measure_after: Any
    title_break: Any  # where an item's title ends: a clause break


def rule_style(rule: Rule) -> str:
    """The marker style a rule finds: its ``fields.style``, else the slug of its id."""
    return rule.fields.get("style") or rule.id.split(".", 1)[1]


def compile_list_rules(pset: PatternSet) -> ListRules:
    sequence = {w: (_LAST if v == "last" else int(v)) for w, v in pset.lexicon("enum_sequence").items()}
    words = pset.alternation("enum_measure_word")
    return ListRules(
        rules=tuple((rule_style(r), r) for r in pset.by_kind("enum")),
        sequence=sequence,
        announce_units=frozenset(pset.lexicon("enum_announce_unit")),
        measure_words=frozenset(pset.lexicon("enum_measure_word")),
        title_break=regex.compile("[" + regex.escape("".join(sorted(pset.lexicon("clause_break")))) + "]"),
        measure_after=regex.compile(r"\p{Han}{0,%d}?(?:%s)|[:：]|如下" % (_MEASURE_GAP, words)),
    )


def _ordinal(m: Any, groups: dict[str, str], comp: ListRules) -> int | None:
    word = groups.get("word")
    if word is not None:
        return comp.sequence.get(word)
    num = groups.get("num") or m.group()
    if num.isascii():
        return int(num) if num.isdigit() and int(num) > 0 else None
    if len(num) == 1 and not _HAN.match(num):
        value = unicodedata.numeric(num, None)  # ① → 1
        return int(value) if value is not None and value == int(value) and value > 0 else None
    v = parse_number(num)
    if v is None or v != v.to_integral_value() or v <= 0:
        return None
    return int(v)


def _markers(text: str, comp: ListRules) -> list[_Marker]:
    found: dict[int, _Marker] = {}
    for style, rule in comp.rules:
        matches = (rule.regex.finditer(text) if rule.builtin  # built-in: tested, no timeout
                   else rule.regex.finditer(text, timeout=MATCH_TIMEOUT))
        for m in matches:
            if m.end() == m.start() or m.start() in found:
                continue
            ordinal = _ordinal(m, rule.groups(m), comp)
            if ordinal is not None:
                found[m.start()] = _Marker(style, ordinal, m.start(), m.end())
    return sorted(found.values(), key=lambda mk: mk.start)


def _chains(markers: list[_Marker]) -> list[_Chain]:
    """Lists of consecutive ordinals, per style. A 1 opens a list; any other ordinal extends
    the innermost open list it continues, which closes the lists opened inside it."""
    open_by_style: dict[str, list[_Chain]] = {}
    done: list[_Chain] = []
    for mk in markers:
        stack = open_by_style.setdefault(mk.style, [])
        if mk.ordinal == 1:
            stack.append(_Chain(mk.style, [mk]))
            continue
        for i in range(len(stack) - 1, -1, -1):
            chain = stack[i]
            last = chain.markers[-1]
            if mk.start - last.start > _MAX_GAP:
                continue
            if mk.ordinal == _LAST:
                if len(chain.markers) < 2:
                    continue
            elif mk.ordinal != last.ordinal + 1:
                continue
            done.extend(stack[i + 1:])
            del stack[i + 1:]
            if mk.ordinal == _LAST:
                chain.markers.append(_Marker(mk.style, last.ordinal + 1, mk.start, mk.end))
                done.append(stack.pop())  # nothing follows 最后
            else:
                chain.markers.append(mk)
            break
    for stack in open_by_style.values():
        done.extend(stack)
    return sorted((c for c in done if len(c.markers) >= 2), key=lambda c: c.start)


def _title_span(text: str, mk: _Marker, next_start: int, comp: ListRules) -> tuple[int, int]:
    limit = min(len(text), next_start, mk.end + _MAX_TITLE)
    skip = _TITLE_SKIP.match(text, mk.end)  # ``*+``: always matches, maybe empty
    pos = min(skip.end() if skip else mk.end, limit)
    brk = comp.title_break.search(text, pos, limit)
    end = brk.start() if brk else limit
    while end > pos and text[end - 1].isspace():
        end -= 1
    return pos, end


def _parents(chains: list[_Chain]) -> list[tuple[int, int] | None]:
    """For each list: (index of the enclosing list, index of the item it sits in), or None.

    A list is inside item k of another when all its markers fall between that list's
    markers k and k+1; inside the last item when it is of another style and starts no
    further after that item's marker than the other list's items are apart.
    """
    starts = [[mk.start for mk in c.markers] for c in chains]
    spans = [max(b - a for a, b in zip(s, s[1:])) for s in starts]
    out: list[tuple[int, int] | None] = []
    for j, inner in enumerate(chains):
        first, last = inner.start, inner.markers[-1].start
        best: tuple[int, int] | None = None
        best_at = -1
        for i, outer in enumerate(chains):
            if i == j or outer.start >= first:
                continue
            k = bisect.bisect_left(starts[i], first) - 1
            if k + 1 < len(starts[i]):
                inside = last < starts[i][k + 1]
            else:
                inside = outer.style != inner.style and first - starts[i][k] <= spans[i]
            if inside and starts[i][k] > best_at:
                best, best_at = (i, k), starts[i][k]
        out.append(best)
    return out


def _text_pos(norm: Normalized, raw_pos: int) -> int:
    """The cleaned-text index of the first character at or after raw index ``raw_pos``."""
    k = bisect.bisect_right(norm.r_starts, raw_pos) - 1
    if k < 0:
        return 0
    n = len(norm.t_starts)
    t0 = norm.t_starts[k]
    t1 = norm.t_starts[k + 1] if k + 1 < n else len(norm.text)
    r0, r1 = norm.r_starts[k], norm.r_ends[k]
    if raw_pos < r1:
        if r1 - r0 == t1 - t0:
            return t0 + (raw_pos - r0)
        return t0 if raw_pos == r0 else t1
    return t1


def _announcers(norm: Normalized, facts: Sequence[Any], comp: ListRules) -> list[Any]:
    """Count facts that announce measures, sorted by end."""
    out = []
    for f in facts:
        if getattr(f, "kind", None) != "count" or f.unit not in comp.announce_units:
            continue
        value = f.value
        if value != value.to_integral_value() or value <= 0:
            continue
        if f.unit in comp.measure_words or comp.measure_after.match(norm.text, _text_pos(norm, f.end)):
            out.append(f)
    return sorted(out, key=lambda f: (f.end, f.start))


def find_enumerations(norm: Normalized, facts: Sequence[Any], comp: ListRules) -> list[Enumeration]:
    """The numbered lists in ``norm``, in text order, each linked to its announcing count."""
    if not comp.rules:
        return []
    text = norm.text
    markers = _markers(text, comp)
    if not markers:
        return []
    chains = _chains(markers)
    if not chains:
        return []
    used_starts = sorted(mk.start for c in chains for mk in c.markers)
    parents = _parents(chains)
    ids = [f"enum-{i + 1}" for i in range(len(chains))]
    announcers = _announcers(norm, facts, comp)
    ends = [f.end for f in announcers]

    result: list[Enumeration] = []
    for j, chain in enumerate(chains):
        items = []
        for ordinal, mk in enumerate(chain.markers, 1):
            nxt = bisect.bisect_right(used_starts, mk.start)
            next_start = used_starts[nxt] if nxt < len(used_starts) else len(text)
            ms, me = norm.to_raw(mk.start, mk.end)
            ts, te = _title_span(text, mk, next_start, comp)
            if te > ts:
                title = without_surrogates(raw_view(norm, ts, te))  # JSON cannot carry a lone surrogate
                rts, rte = norm.to_raw(ts, te)
            else:
                title, rts, rte = "", me, me
            items.append(EnumerationItem(ordinal=ordinal, marker=norm.raw[ms:me], marker_start=ms,
                                         marker_end=me, title=title, title_start=rts, title_end=rte))
        link = _link(j, chains, parents, announcers, ends, norm)
        extra: dict[str, Any] = {}
        if link is not None:
            announced = int(link.value)
            extra = dict(announced=announced, announced_start=link.start, announced_end=link.end,
                         announced_text=link.text, agrees=announced == len(items))
        parent = parents[j]
        result.append(Enumeration(id=ids[j], style=chain.style, items=items,
                                  parent=ids[parent[0]] if parent else None, **extra))
    return result


def _ancestors(j: int, parents: list[tuple[int, int] | None]) -> set[int]:
    seen: set[int] = set()
    p = parents[j]
    while p is not None and p[0] not in seen:
        seen.add(p[0])
        p = parents[p[0]]
    return seen


def _link(j: int, chains: list[_Chain], parents: list[tuple[int, int] | None],
          announcers: list[Any], ends: list[int], norm: Normalized) -> Any:
    """The nearest announcing count before list ``j``, not before the item that holds it
    nor inside an earlier list that is not one of its ancestors."""
    if not announcers:
        return None
    first = chains[j].start
    bound = 0
    parent = parents[j]
    if parent is not None:
        i, k = parent
        bound = chains[i].markers[k].start
    ancestors = _ancestors(j, parents)
    for i, other in enumerate(chains[:j]):
        last = other.markers[-1].start
        if i not in ancestors and last < first:
            bound = max(bound, last)
    lo = norm.to_raw(bound, bound + 1)[0]
    hi = norm.to_raw(first, first + 1)[0]
    for k in range(bisect.bisect_right(ends, hi) - 1, -1, -1):
        f = announcers[k]
        if f.end <= lo:
            break
        if f.start >= lo:
            return f
    return None


# --- rule examples ------------------------------------------------------------------------

def _field(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return "" if v is None else str(v)


def _summary(e: Enumeration) -> dict[str, str]:
    return {"id": e.id, "style": e.style, "items": str(len(e.items)), "announced": _field(e.announced),
            "announced_text": _field(e.announced_text), "agrees": _field(e.agrees),
            "parent": _field(e.parent), "titles": "|".join(it.title for it in e.items)}


def _show(enums: list[Enumeration]) -> str:
    return "; ".join(f"{e.id} {e.style} [{', '.join(it.marker for it in e.items)}]" for e in enums) or "no list"


def check_enum_case(case: _Case, doc: Document) -> str | None:
    """``None`` when an ``enum.*`` example behaves as written, else what went wrong.

    ``[[…]]`` marks every list-item marker expected in the text (all styles, nested lists
    included); a ``not:`` string must yield no list. ``value`` checks the list that holds the
    first marked marker (``style``, ``items``, ``announced``, ``agrees``, ``parent``,
    ``titles`` joined by ``|``) and all lists in order (``styles``, ``parents``).
    """
    enums = doc.enumerations
    if case.expected is None:
        return None if not enums else f"expected no list in {case.text!r}, got {_show(enums)}"
    got = sorted((it.marker_start, it.marker_end) for e in enums for it in e.items)
    want = sorted(case.expected)
    if got != want:
        wanted = ", ".join(repr(case.text[a:b]) for a, b in want) or "nothing"
        return f"expected markers {wanted}, got {_show(enums)}"
    if not want:
        return None
    style = rule_style(case.rule)
    if not any(e.style == style for e in enums):
        return f"no {style!r} list in {case.text!r} (got {_show(enums)})"
    if case.value:
        holder = next(e for e in enums if any((it.marker_start, it.marker_end) == want[0] for it in e.items))
        fields = _summary(holder)
        fields["styles"] = "|".join(e.style for e in enums)
        fields["parents"] = "|".join(e.parent or "" for e in enums)
        for k, v in case.value.items():
            if k not in fields:
                return f"expected field {k}={v!r}, but lists have no field {k!r} (known: {', '.join(fields)})"
            if fields[k] != v:
                return f"expected {k}={v!r} for {holder.id}, got {fields[k]!r}"
    return None
