"""Score extraction against annotated gold facts (``unionfacts evaluate GOLD PATH ...``).

The gold file is JSONL in the shape of ``shared/gold/FORMAT.md``, one fact per line::

    {"doc": "000_x", "start": 10, "end": 16, "text": "4.9億元", "kind": "money",
     "value": "490000000", "unit": "CNY", "qualifier": "at_least", "subject": "資金"}

The definitions are those of the project's scorer (``shared/eval/score.py``):

Scope
    The gold defines the documents that are scored.  Predictions for other
    documents, and predictions whose kind is outside the taxonomy, are ignored
    (and counted).

Matching
    A prediction and a gold fact can match when they share document and kind
    and their ``[start, end)`` spans overlap by at least one character.  All
    overlapping pairs are taken in order of decreasing overlap (ties: smaller
    boundary distance ``|Δstart| + |Δend|``, then gold order, then prediction
    order); a pair is kept when neither side is matched yet (one-to-one).

Figures (per kind, and micro-averaged overall)
    span P/R/F1      matched pairs / predictions, / gold facts
    value P/R/F1     matched pairs with equal values: money, count, percent and
                     measure compare as ``Decimal`` (``4.9E8 == 490000000``),
                     falling back to string equality when either side is not a
                     number; date and duration compare as stripped strings
    unit accuracy    value-matched pairs whose stripped units are equal
    qualifier acc.   among value-matched pairs whose prediction gives a
                     qualifier: share equal to the gold one (case-insensitive)
    subject F1       mean character-overlap F1 (multisets of non-space
                     characters) over value-matched pairs with a non-empty gold
                     subject; a missing predicted subject scores 0

    A precision is ``None`` without predictions, a recall ``None`` without gold
    facts; F1 is ``None`` when both are, and 0 when exactly one side is empty.

Library use::

    from unionfacts.evaluate import load_gold, evaluate_predictions
    report = evaluate_predictions(load_gold("gold.jsonl"), pred_dicts_or_documents)
    report.kinds["money"].value.f1, report.overall.span.p, report.to_dict()

or ``evaluate_paths("gold.jsonl", ["docs/"])`` to extract and score in one go.
"""

from __future__ import annotations

import io
import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from unionfacts.errors import PatternError, UnionfactsError
from unionfacts.models import KINDS, NUMERIC_KINDS

_REQUIRED = ("doc", "start", "end", "kind", "value")
_OPTIONAL = ("text", "unit", "qualifier", "subject")

__all__ = [
    "FactRecord", "PRF", "RecordError", "Report", "Scores", "char_f1", "evaluate_paths",
    "evaluate_predictions", "load_gold", "load_records", "match", "values_equal",
]


class RecordError(UnionfactsError, ValueError):
    """A malformed gold (or prediction) record; the message names the file and line."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 role: str = "gold") -> None:
        if file is not None:
            where = f"{role} file {file}" + (f", line {line}" if line is not None else "")
        else:
            where = f"{role} record {line}" if line is not None else f"{role} record"
        super().__init__(f"{where}: {message}")
        self.file = file
        self.line = line
        self.role = role


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class FactRecord:
    """One fact as the scorer sees it (gold or predicted)."""

    doc: str
    start: int
    end: int
    kind: str
    value: str
    text: str = ""
    unit: str = ""
    qualifier: str = ""
    subject: str = ""
    line: int = 0
    """Line in the file it came from (or position in the input sequence), from 1; 0 if unknown."""

    def to_dict(self, texts: Mapping[str, str] | None = None) -> dict[str, Any]:
        d = {"doc": self.doc, "start": self.start, "end": self.end, "kind": self.kind,
             "text": self.surface(texts), "value": self.value, "unit": self.unit,
             "qualifier": self.qualifier, "subject": self.subject, "line": self.line}
        ctx = context(self, texts)
        if ctx:
            d["context"] = ctx
        return d

    def surface(self, texts: Mapping[str, str] | None = None) -> str:
        if self.text:
            return self.text
        raw = (texts or {}).get(self.doc)
        return raw[self.start:self.end] if raw is not None else ""


def _check_record(obj: object, is_gold: bool, err: dict[str, Any]) -> FactRecord | None:
    """Validate one decoded record; None for a prediction whose kind is outside the taxonomy."""

    def fail(message: str) -> RecordError:
        return RecordError(message, **err)

    if not isinstance(obj, dict):
        raise fail(f"expected a JSON object, got {type(obj).__name__}")
    missing = [k for k in _REQUIRED if k not in obj]
    if missing:
        raise fail(f"missing required field {missing[0]!r}")
    doc, start, end, kind, value = (obj[k] for k in _REQUIRED)
    if not isinstance(doc, str) or not doc:
        raise fail("'doc' must be a non-empty string")
    for name, num in (("start", start), ("end", end)):
        if isinstance(num, bool) or not isinstance(num, int):
            raise fail(f"{name!r} must be an integer, got {num!r}")
    if start < 0 or start > end:
        raise fail(f"need 0 <= start <= end, got start={start} end={end}")
    if not isinstance(kind, str):
        raise fail(f"'kind' must be a string, got {kind!r}")
    if is_gold and kind not in KINDS:
        raise fail(f"gold kind {kind!r} is not one of {', '.join(KINDS)}")
    if value is None and not is_gold:
        value = ""
    elif isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise fail(f"'value' must be a string or a number, got {value!r}")
    extra = {}
    for name in _OPTIONAL:
        item = obj.get(name)
        if item is not None and not isinstance(item, str):
            raise fail(f"{name!r} must be a string, got {item!r}")
        extra[name] = item or ""
    if kind not in KINDS:
        return None
    return FactRecord(doc=doc, start=start, end=end, kind=kind, value=str(value),
                      line=err.get("line") or 0, **extra)


def _read_text(path: str | os.PathLike[str], role: str) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RecordError(f"cannot read: {exc.strerror or exc}", file=str(path), role=role) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise RecordError(f"not UTF-8 ({exc.reason} at byte {exc.start})", file=str(path),
                          line=line, role=role) from None
    return text


def load_records(path: str | os.PathLike[str], *, is_gold: bool = True,
                 ignored: Counter[str] | None = None) -> list[FactRecord]:
    """Read a JSONL fact file; raise ``RecordError`` naming file and line at the first bad line.

    Blank lines are skipped. Prediction lines (``is_gold=False``) with a kind outside the
    taxonomy are left out and counted in ``ignored`` when given.
    """
    role = "gold" if is_gold else "predictions"
    text = _read_text(path, role)
    records: list[FactRecord] = []
    # universal newlines, as a text-mode file: a U+2028 inside a JSON string is not a line break
    for number, raw_line in enumerate(io.StringIO(text, newline=None), start=1):
        if not raw_line.strip():
            continue
        err: dict[str, Any] = {"file": str(path), "line": number, "role": role}
        try:
            obj = json.loads(raw_line)
        except json.JSONDecodeError as exc:
            raise RecordError(f"invalid JSON ({exc.msg}, column {exc.colno})", **err) from None
        if not is_gold and isinstance(obj, dict) and obj.get("record", "fact") != "fact":
            if ignored is not None:  # a document or list-item line of the CLI's stream
                ignored[f"record={obj['record']}"] += 1
            continue
        rec = _check_record(obj, is_gold, err)
        if rec is None:
            if ignored is not None:
                ignored[obj["kind"]] += 1
            continue
        records.append(rec)
    return records


def load_gold(path: str | os.PathLike[str]) -> list[FactRecord]:
    """The facts of a gold JSONL file, in file order (``RecordError`` on a malformed line)."""
    return load_records(path, is_gold=True)


def _coerce(items: Iterable[Any], is_gold: bool, ignored: Counter[str]) -> list[FactRecord]:
    """Dicts, ``FactRecord``s, or (for predictions) ``Document``s → validated records."""
    role = "gold" if is_gold else "prediction"
    out: list[FactRecord] = []
    position = 0
    for item in items:
        if isinstance(item, FactRecord):
            position += 1
            if item.kind in KINDS:
                out.append(item)
            elif is_gold:
                raise RecordError(f"gold kind {item.kind!r} is not one of {', '.join(KINDS)}",
                                  line=item.line or position, role=role)
            else:
                ignored[item.kind] += 1
            continue
        if not is_gold and hasattr(item, "facts") and hasattr(item, "doc"):
            from unionfacts.io.sinks import fact_records  # a Document

            dicts: Iterable[Any] = fact_records(item)
        else:
            dicts = (item,)
        for obj in dicts:
            position += 1
            if hasattr(obj, "model_dump") and not isinstance(obj, dict):
                raise RecordError("a bare fact model has no document id; pass a dict or a Document",
                                  line=position, role=role)
            rec = _check_record(obj, is_gold, {"line": position, "role": role})
            if rec is None:
                ignored[obj["kind"]] += 1
            else:
                out.append(rec)
    return out


# --------------------------------------------------------------------------
# Comparison and matching
# --------------------------------------------------------------------------


def values_equal(kind: str, gold: str, pred: str) -> bool:
    """Equal normalised values: numeric kinds as ``Decimal``, otherwise stripped strings."""
    a, b = str(gold).strip(), str(pred).strip()
    if kind in NUMERIC_KINDS:
        try:
            return Decimal(a) == Decimal(b)
        except (InvalidOperation, ValueError):
            pass
    return a == b


def char_f1(pred: str, gold: str) -> float:
    """F1 between the multisets of non-space characters of two strings (0 if nothing shared)."""
    pc = Counter(c for c in pred if not c.isspace())
    gc = Counter(c for c in gold if not c.isspace())
    shared = sum((pc & gc).values())
    if not shared:
        return 0.0
    p, r = shared / sum(pc.values()), shared / sum(gc.values())
    return 2 * p * r / (p + r)


def _overlap(a: FactRecord, b: FactRecord) -> int:
    return min(a.end, b.end) - max(a.start, b.start)


def match(golds: list[FactRecord], preds: list[FactRecord]) -> list[tuple[int, int]]:
    """Greedy one-to-one matching of overlapping spans (one document and kind).

    Returns ``(gold index, prediction index)`` pairs in the order they were taken.
    """
    ranked = []
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            size = _overlap(g, p)
            if size <= 0:
                continue
            ranked.append((-size, abs(g.start - p.start) + abs(g.end - p.end), gi, pi))
    ranked.sort()
    taken_g: set[int] = set()
    taken_p: set[int] = set()
    pairs = []
    for _, _, gi, pi in ranked:
        if gi in taken_g or pi in taken_p:
            continue
        taken_g.add(gi)
        taken_p.add(pi)
        pairs.append((gi, pi))
    return pairs


# --------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PRF:
    tp: int
    p: float | None
    r: float | None
    f1: float | None

    @classmethod
    def of(cls, tp: int, n_pred: int, n_gold: int) -> "PRF":
        p = tp / n_pred if n_pred else None
        r = tp / n_gold if n_gold else None
        if p is None and r is None:
            f1 = None
        elif p and r:
            f1 = 2 * p * r / (p + r)
        else:
            f1 = 0.0
        return cls(tp, p, r, f1)

    def to_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "p": self.p, "r": self.r, "f1": self.f1}


@dataclass
class Scores:
    """Counts for one slice (a kind, a document, or everything) and the figures derived from them."""

    gold: int = 0
    pred: int = 0
    span_tp: int = 0
    value_tp: int = 0
    unit_correct: int = 0
    qualifier_n: int = 0
    qualifier_correct: int = 0
    subject_n: int = 0
    subject_sum: float = 0.0

    def __iadd__(self, other: "Scores") -> "Scores":
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def span(self) -> PRF:
        return PRF.of(self.span_tp, self.pred, self.gold)

    @property
    def value(self) -> PRF:
        return PRF.of(self.value_tp, self.pred, self.gold)

    @property
    def unit_acc(self) -> float | None:
        return self.unit_correct / self.value_tp if self.value_tp else None

    @property
    def qualifier_acc(self) -> float | None:
        return self.qualifier_correct / self.qualifier_n if self.qualifier_n else None

    @property
    def subject_f1(self) -> float | None:
        return self.subject_sum / self.subject_n if self.subject_n else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "gold": self.gold,
            "pred": self.pred,
            "span": self.span.to_dict(),
            "value": self.value.to_dict(),
            "unit_acc": {"n": self.value_tp, "correct": self.unit_correct, "acc": self.unit_acc},
            "qualifier_acc": {"n": self.qualifier_n, "correct": self.qualifier_correct,
                              "acc": self.qualifier_acc},
            "subject_f1": {"n": self.subject_n, "mean": self.subject_f1},
        }


def _position(f: FactRecord) -> tuple[str, int, int, str]:
    return (f.doc, f.start, f.end, f.kind)


@dataclass
class Report:
    """The outcome of an evaluation: figures per kind and overall, and the errors behind them."""

    groups: dict[tuple[str, str], Scores]
    """(doc, kind) → counts."""
    docs: list[str]
    """Documents scored (those of the gold), sorted."""
    misses: list[FactRecord]
    """Gold facts no prediction matched."""
    false_hits: list[FactRecord]
    """Predictions that matched no gold fact."""
    value_mismatches: list[tuple[FactRecord, FactRecord]]
    """(gold, prediction) pairs matched by span whose values differ."""
    unit_mismatches: list[tuple[FactRecord, FactRecord]]
    """Value-matched pairs whose units differ."""
    qualifier_mismatches: list[tuple[FactRecord, FactRecord]]
    """Value-matched pairs whose prediction gives a qualifier different from the gold one."""
    ignored_kinds: Counter[str] = field(default_factory=Counter[str])
    """Predictions left out because their kind is outside the taxonomy, by kind."""
    ignored_other_doc: int = 0
    """Predictions left out because their document is not in the gold."""
    texts: dict[str, str] = field(default_factory=dict)
    """Document texts, when known (for context in error listings)."""
    warnings: list[str] = field(default_factory=list)
    docs_missing: list[str] = field(default_factory=list)
    """Gold documents that were not found among the inputs (left out of the figures)."""
    gold_path: str | None = None
    paths: list[str] = field(default_factory=list)

    @property
    def kinds(self) -> dict[str, Scores]:
        out = {k: Scores() for k in KINDS}
        for (_, kind), s in self.groups.items():
            out[kind] += s
        return out

    @property
    def overall(self) -> Scores:
        total = Scores()
        for s in self.groups.values():
            total += s
        return total

    def by_doc(self) -> dict[str, Scores]:
        out = {d: Scores() for d in self.docs}
        for (doc, _), s in self.groups.items():
            out[doc] += s
        return out

    # -- output -------------------------------------------------------------

    def to_dict(self, show_errors: int | None = None) -> dict[str, Any]:
        """JSON-ready report; error lists hold at most ``show_errors`` items (all when None)."""
        n = None if show_errors is None else max(0, show_errors)

        def cut(items: list[Any]) -> list[Any]:
            return items if n is None else items[:n]

        def pairs(items: list[tuple[FactRecord, FactRecord]]) -> list[dict[str, Any]]:
            return [{"gold": g.to_dict(self.texts), "pred": p.to_dict(self.texts)} for g, p in cut(items)]

        return {
            "gold_path": self.gold_path,
            "paths": list(self.paths),
            "docs_scored": list(self.docs),
            "docs_missing": list(self.docs_missing),
            "ignored_predictions": {"kind_outside_taxonomy": dict(sorted(self.ignored_kinds.items())),
                                    "doc_not_in_gold": self.ignored_other_doc},
            "kinds": {k: s.to_dict() for k, s in self.kinds.items()},
            "overall": self.overall.to_dict(),
            "errors": {
                "totals": {"misses": len(self.misses), "false_hits": len(self.false_hits),
                           "value_mismatches": len(self.value_mismatches),
                           "unit_mismatches": len(self.unit_mismatches),
                           "qualifier_mismatches": len(self.qualifier_mismatches)},
                "misses": [f.to_dict(self.texts) for f in cut(self.misses)],
                "false_hits": [f.to_dict(self.texts) for f in cut(self.false_hits)],
                "value_mismatches": pairs(self.value_mismatches),
                "unit_mismatches": pairs(self.unit_mismatches),
                "qualifier_mismatches": pairs(self.qualifier_mismatches),
            },
            "warnings": list(self.warnings),
        }

    def render(self, show_errors: int = 20) -> str:
        """Plain-text report: the table, then up to ``show_errors`` items of each error list."""
        overall = self.overall
        head = [f"gold: {self.gold_path}" if self.gold_path else "gold: (in memory)"]
        line = f"documents scored: {len(self.docs)}"
        if self.docs_missing:
            line += f" ({len(self.docs_missing)} gold documents not found among the inputs, left out)"
        line += f"   facts: {overall.gold} gold, {overall.pred} predicted"
        head.append(line)
        if self.ignored_kinds or self.ignored_other_doc:
            kinds = ", ".join(f"{k}: {v}" for k, v in sorted(self.ignored_kinds.items())) or "none"
            head.append(f"ignored predictions: kind outside taxonomy ({kinds}); "
                        f"document not in gold: {self.ignored_other_doc}")
        out = [*head, "", *_table({**self.kinds, "OVERALL": overall})]
        n = max(0, show_errors or 0)
        if n:
            out += self._listing("misses", "gold facts no prediction matched", self.misses, n)
            out += self._listing("false hits", "predictions matching no gold fact", self.false_hits, n)
            out += self._pair_listing("value mismatches", "span matched, value differs",
                                      self.value_mismatches, n)
            out += self._pair_listing("unit mismatches", "value matched, unit differs",
                                      self.unit_mismatches, n)
            out += self._pair_listing("qualifier mismatches", "value matched, qualifier differs",
                                      self.qualifier_mismatches, n)
        if self.warnings:
            out += ["", f"warnings: {len(self.warnings)} (on stderr; in the JSON report under 'warnings')"]
        return "\n".join(out) + "\n"

    def _shown(self, title: str, what: str, total: int, n: int) -> list[str]:
        more = f", first {n} shown" if total > n else ""
        return ["", f"{title}: {total} ({what}{more})"]

    def _listing(self, title: str, what: str, items: list[FactRecord], n: int) -> list[str]:
        out = self._shown(title, what, len(items), n)
        for f in items[:n]:
            out.append(f"  {_where(f)}  {f.kind:<8} {f.surface(self.texts) or '?'}  "
                       f"value={f.value} unit={f.unit or '-'} qualifier={f.qualifier or '-'}")
            ctx = context(f, self.texts)
            if ctx:
                out.append(f"      … {ctx} …")
        return out

    def _pair_listing(self, title: str, what: str, items: list[tuple[FactRecord, FactRecord]],
                      n: int) -> list[str]:
        if not items:
            return []
        out = self._shown(title, what, len(items), n)
        for g, p in items[:n]:
            out.append(f"  {_where(g)}  {g.kind:<8} gold {g.surface(self.texts) or '?'}  value={g.value} "
                       f"unit={g.unit or '-'} qualifier={g.qualifier or '-'}")
            out.append(f"  {' ' * len(_where(g))}  {'':<8} pred {p.surface(self.texts) or '?'}  "
                       f"value={p.value} unit={p.unit or '-'} qualifier={p.qualifier or '-'}"
                       f"  [{p.start}-{p.end}]")
            ctx = context(g, self.texts)
            if ctx:
                out.append(f"      … {ctx} …")
        return out


def _where(f: FactRecord) -> str:
    return f"{f.doc}:{f.start}-{f.end}"


def context(f: FactRecord, texts: Mapping[str, str] | None, width: int = 12) -> str:
    """``left[span]right`` around a fact, whitespace collapsed; empty without the document text."""
    raw = (texts or {}).get(f.doc)
    if raw is None:
        return ""
    snippet = f"{raw[max(0, f.start - width):f.start]}[{raw[f.start:f.end]}]{raw[f.end:f.end + width]}"
    return " ".join(snippet.split())


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _table(rows: Mapping[str, Scores]) -> list[str]:
    head = (f"{'kind':<9}{'gold':>5}{'pred':>6} | {'spanP':>6}{'spanR':>7}{'spanF1':>7} | "
            f"{'valP':>6}{'valR':>7}{'valF1':>7} | {'unit':>6} | {'qual':>6}{'n':>5} | "
            f"{'subjF1':>6}{'n':>5}")
    lines = [head, "-" * len(head)]
    for name, s in rows.items():
        sp, va = s.span, s.value
        lines.append(
            f"{name:<9}{s.gold:>5}{s.pred:>6} | {_num(sp.p):>6}{_num(sp.r):>7}{_num(sp.f1):>7} | "
            f"{_num(va.p):>6}{_num(va.r):>7}{_num(va.f1):>7} | {_num(s.unit_acc):>6} | "
            f"{_num(s.qualifier_acc):>6}{s.qualifier_n:>5} | {_num(s.subject_f1):>6}{s.subject_n:>5}")
    return lines


# --------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------


def evaluate_predictions(gold_records: Iterable[Any], pred_records: Iterable[Any], *,
                         texts: Mapping[str, str] | None = None) -> Report:
    """Score predictions against gold facts.

    ``gold_records``: dicts in the gold shape or ``FactRecord``s (e.g. from ``load_gold``).
    ``pred_records``: dicts (the JSONL lines of ``unionfacts extract``; ``text``, ``unit``,
    ``qualifier`` and ``subject`` optional), ``FactRecord``s, or ``Document``s. ``texts``
    (doc → raw text) adds context to the error listings. Raises ``RecordError`` for a
    malformed record.
    """
    ignored_gold: Counter[str] = Counter()
    ignored: Counter[str] = Counter()
    golds = _coerce(gold_records, True, ignored_gold)
    preds = _coerce(pred_records, False, ignored)
    docs = sorted({g.doc for g in golds})
    in_gold = set(docs)

    grouped: dict[tuple[str, str], tuple[list[FactRecord], list[FactRecord]]] = defaultdict(lambda: ([], []))
    for g in golds:
        grouped[(g.doc, g.kind)][0].append(g)
    other_doc = 0
    for p in preds:
        if p.doc in in_gold:
            grouped[(p.doc, p.kind)][1].append(p)
        else:
            other_doc += 1

    groups: dict[tuple[str, str], Scores] = {}
    misses: list[FactRecord] = []
    false_hits: list[FactRecord] = []
    value_mm: list[tuple[FactRecord, FactRecord]] = []
    unit_mm: list[tuple[FactRecord, FactRecord]] = []
    qual_mm: list[tuple[FactRecord, FactRecord]] = []
    for key in sorted(grouped):
        gs, ps = grouped[key]
        s = Scores(gold=len(gs), pred=len(ps))
        pairs = match(gs, ps)
        s.span_tp = len(pairs)
        for gi, pi in pairs:
            g, p = gs[gi], ps[pi]
            if not values_equal(g.kind, g.value, p.value):
                value_mm.append((g, p))
                continue
            s.value_tp += 1
            if g.unit.strip() == p.unit.strip():
                s.unit_correct += 1
            else:
                unit_mm.append((g, p))
            if p.qualifier.strip():
                s.qualifier_n += 1
                if p.qualifier.strip().lower() == g.qualifier.strip().lower():
                    s.qualifier_correct += 1
                else:
                    qual_mm.append((g, p))
            if g.subject.strip():
                s.subject_n += 1
                s.subject_sum += char_f1(p.subject, g.subject)
        hit_g = {gi for gi, _ in pairs}
        hit_p = {pi for _, pi in pairs}
        misses.extend(g for i, g in enumerate(gs) if i not in hit_g)
        false_hits.extend(p for i, p in enumerate(ps) if i not in hit_p)
        groups[key] = s

    def by_gold(pair: tuple[FactRecord, FactRecord]) -> tuple[str, int, int, str]:
        return _position(pair[0])

    return Report(
        groups=groups, docs=docs,
        misses=sorted(misses, key=_position), false_hits=sorted(false_hits, key=_position),
        value_mismatches=sorted(value_mm, key=by_gold), unit_mismatches=sorted(unit_mm, key=by_gold),
        qualifier_mismatches=sorted(qual_mm, key=by_gold),
        ignored_kinds=ignored, ignored_other_doc=other_doc, texts=dict(texts or {}),
    )


def _text_warnings(golds: list[FactRecord], texts: Mapping[str, str]) -> list[str]:
    out = []
    seen: set[tuple[Any, ...]] = set()
    for g in golds:
        key = (g.doc, g.start, g.end, g.kind)
        if key in seen:
            out.append(f"gold line {g.line}: duplicate fact {g.doc}:{g.start}-{g.end} {g.kind}")
        seen.add(key)
        raw = texts.get(g.doc)
        if raw is None:
            continue
        if g.end > len(raw):
            out.append(f"gold line {g.line}: end {g.end} is past the end of {g.doc} ({len(raw)} chars)")
        elif g.text and raw[g.start:g.end] != g.text:
            out.append(f"gold line {g.line}: text {g.text!r} != document slice {raw[g.start:g.end]!r}")
    return out


def evaluate_paths(gold: str | os.PathLike[str], paths: list[str], *,
                   extra_patterns: Iterable[str | os.PathLike[str]] | None = None,
                   encoding: str | None = None) -> Report:
    """Extract the gold's documents from ``paths`` (files or folders of ``*.txt``) and score them.

    Documents named by ``paths`` but absent from the gold are not extracted. Gold documents
    not found among the inputs (or unreadable) are left out of the figures and listed in
    ``report.docs_missing``; a document whose extraction fails is scored with no predictions.
    Both are reported in ``report.warnings``. Raises ``RecordError`` for a malformed gold file
    and ``PatternError`` for a broken rule pack.
    """
    from unionfacts.extractor import default_extractor
    from unionfacts.io.sinks import fact_records
    from unionfacts.io.sources import iter_sources

    golds = load_gold(gold)
    wanted = {g.doc for g in golds}
    ex = default_extractor(extra_patterns)
    texts: dict[str, str] = {}
    preds: list[dict[str, Any]] = []
    warnings: list[str] = []
    for src in iter_sources(list(paths), encoding=encoding, published=None):
        if src.doc not in wanted:
            continue
        if src.doc in texts:
            warnings.append(f"{src.label}: document {src.doc!r} given more than once; the first is used")
            continue
        if src.error or src.text is None:
            warnings.append(f"{src.label}: {src.error or 'no text'}")
            continue
        texts[src.doc] = src.text
        try:
            doc = ex.extract_document(src.text, doc_id=src.doc, published=src.published)
        except PatternError:
            raise
        except (UnionfactsError, ValueError, TypeError, TimeoutError) as exc:
            warnings.append(f"{src.label}: extraction failed ({exc}); scored with no predictions")
            continue
        preds.extend(fact_records(doc))
    missing = sorted(wanted - texts.keys())
    kept = [g for g in golds if g.doc in texts]
    report = evaluate_predictions(kept, preds, texts=texts)
    if missing:
        shown = ", ".join(missing[:10]) + (f", … ({len(missing)} in all)" if len(missing) > 10 else "")
        warnings.insert(0, f"{len(missing)} gold document(s) not found among the inputs, left out "
                           f"of the figures: {shown}")
    report.warnings = warnings + _text_warnings(kept, texts)
    report.docs_missing = missing
    report.gold_path = str(gold)
    report.paths = [str(p) for p in paths]
    return report
