"""What users see: frozen pydantic models, one per fact kind, the ``Fact`` union, ``Document``."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, TypeAdapter

from unionfacts.pipeline.numbers import plain

Qualifier = Literal["exact", "approx", "at_least", "at_most", "range"]

#: A Decimal that serialises to JSON as a plain decimal string (``"490000000"``, never ``"4.9E+8"``).
PlainDecimal = Annotated[Decimal, PlainSerializer(plain, return_type=str, when_used="json")]


class When(BaseModel):
    """The time a figure is reported for, read from a date expression of the text."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)
    value: str
    """ISO 8601, written as the ``value`` of a ``Date`` fact (``2023``, ``2023-11-21/2023-11-30``,
    ``--01-19`` when the year is unknown)."""
    start: int
    """Start offset (inclusive) of the date expression in the raw input text."""
    end: int
    """End offset (exclusive) of the date expression in the raw input text."""
    as_of: bool = False
    """True for an as-of time (``截至2023年11月底``)."""
    rule: str
    """Id of the reading rule that chose it (``context.when-clause``, ``context.when-sentence``,
    ``context.when-paragraph-head``, ``context.when-title``)."""


class Place(BaseModel):
    """The administrative area a figure is about."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)
    name: str
    """Full official name in Simplified script with its level suffix (``四川省``, ``广元市``,
    ``七里河区``), or ``全国`` for a nationwide figure."""
    level: Literal["country", "province", "prefecture", "county"]
    """Level of the area."""
    code: str | None = None
    """Six-digit administrative division code (GB/T 2260, ``510800``); None for ``全国``."""
    start: int
    """Start offset (inclusive) in the raw input text of the mention it was read from (``四川``,
    ``全省``, ``廣元市總工會``)."""
    end: int
    """End offset (exclusive) of that mention in the raw input text."""
    rule: str = ""
    """Id of the reading rule that chose it (``context.where-clause`` … ``context.where-document``)."""


class _FactBase(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    start: int
    """Start offset (inclusive) into the raw input text, in Python ``str`` indices."""
    end: int
    """End offset (exclusive) into the raw input text; ``text == raw[start:end]``."""
    text: str
    """The raw surface of the fact's core: number plus its unit or classifier."""
    qualifier: Qualifier = "exact"
    """How the value is bounded: ``exact``, ``approx``, ``at_least``, ``at_most`` or ``range``."""
    subject: str = ""
    """Short noun phrase naming what is counted or paid, in the text's own script; empty when none."""
    subject_simplified: str = ""
    """``subject`` in Simplified script."""
    rule: str
    """Id of the pattern rule that produced the fact (``<kind>.<slug>``)."""


class _Numeric(_FactBase):
    value: PlainDecimal
    """The normalised number (for a range: its lower bound)."""
    low: PlainDecimal | None = None
    """Lower bound of a range, when the text gives one."""
    high: PlainDecimal | None = None
    """Upper bound of a range, when the text gives one."""
    when: When | None = None
    """When the figure holds: the date expression that governs it; None when the text states none."""
    where: Place | None = None
    """Where the figure holds: the area it is about; None when the document names no place."""


class Money(_Numeric):
    """An amount of money, in the currency's base unit."""

    kind: Literal["money"] = "money"
    unit: str
    """ISO 4217 currency code (``CNY`` for 元)."""
    per: tuple[str, ...] = ()
    """Units the amount is given per (``每人每月补助500元`` → ``("人", "月")``)."""


class Count(_Numeric):
    """A count of things or people."""

    kind: Literal["count"] = "count"
    unit: str
    """Classifier or counting unit in Simplified script (``个``, ``项``, ``人次``)."""


class Percent(_Numeric):
    """A percentage, or a change in percentage points."""

    kind: Literal["percent"] = "percent"
    unit: Literal["%", "pp"] = "%"
    """``%`` for a percentage, ``pp`` for percentage points (个百分点)."""


class Measure(_Numeric):
    """A physical quantity."""

    kind: Literal["measure"] = "measure"
    unit: str
    """Short SI-style unit symbol (``kV``, ``km``, ``m2``)."""


class Date(_FactBase):
    """A calendar date, month, year, date-time or interval."""

    kind: Literal["date"] = "date"
    value: str
    """ISO 8601: ``2024-02-24``, ``2023-11``, ``2023``, ``2024-02-22T09:35``, an interval
    ``2023-09-21/2023-09-30``, or a partial ``--02-24`` when the year is unknown."""
    unit: str = ""
    """Always empty for dates (kept for a uniform record shape)."""
    granularity: Literal["year", "month", "day", "minute", "interval"] = "day"
    """The precision the text gives."""
    first: str | None = None
    """First day the fact covers (ISO date), when the year is known."""
    last: str | None = None
    """Last day the fact covers (ISO date, inclusive), when the year is known."""
    resolved: bool = True
    """False when the year could not be resolved and ``value`` is partial."""
    as_of: bool = False
    """True for the as-of marker of 截至 (``截至2023年11月底``)."""


class Duration(_FactBase):
    """A length of time."""

    kind: Literal["duration"] = "duration"
    value: str
    """ISO 8601 duration (``PT24H``, ``P3Y``)."""
    unit: str = ""
    """Always empty for durations."""
    amount: PlainDecimal
    """The number of ``time_unit``s (for a range: its lower bound, as ``value``)."""
    time_unit: Literal["year", "month", "week", "day", "hour", "minute", "second"]
    """Unit of ``amount``."""
    low: PlainDecimal | None = None
    """Lower bound of a range of lengths (三至五年 → 3), in ``time_unit``s."""
    high: PlainDecimal | None = None
    """Upper bound of a range of lengths (三至五年 → 5), in ``time_unit``s."""
    when: When | None = None
    """When the figure holds: the date expression that governs it; None when the text states none."""
    where: Place | None = None
    """Where the figure holds: the area it is about; None when the document names no place."""


Fact = Annotated[Money | Count | Percent | Measure | Date | Duration, Field(discriminator="kind")]
"""Any fact; the ``kind`` field tells which model."""

KINDS: tuple[str, ...] = ("money", "count", "percent", "date", "duration", "measure")
"""Every kind of fact, in the order they are listed everywhere: the one list of kinds."""
NUMERIC_KINDS: frozenset[str] = frozenset(("money", "count", "percent", "measure"))
"""The kinds with an amount, a unit and a subject."""


class EnumerationItem(BaseModel):
    """One item of a numbered list of measures (``一是突出思想政治引领``)."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    ordinal: int
    """Position in the list, from 1."""
    marker: str
    """The marker's raw text (``一是``, ``（一）``, ``1.``)."""
    marker_start: int
    marker_end: int
    title: str
    """Short phrase after the marker up to the first sentence break, raw script, glosses removed."""
    title_start: int
    title_end: int


class Enumeration(BaseModel):
    """A numbered list found in a document, linked to the count that announced it."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    id: str
    """Stable id within the document (``enum-1`` …)."""
    style: str
    """Marker style (``shi`` for 一是/二是, ``paren-cn`` for （一）, ``dot-arabic`` for 1. …)."""
    items: list[EnumerationItem]
    announced: int | None = None
    """The number the text announced (``十条举措`` → 10), when linked."""
    announced_start: int | None = None
    """Raw start of the announcing count fact."""
    announced_end: int | None = None
    announced_text: str | None = None
    agrees: bool | None = None
    """Whether the announced number equals the number of items found (None when nothing announced)."""
    parent: str | None = None
    """Id of the enclosing enumeration for a nested list."""


class Evidence(BaseModel):
    """Where a piece of document metadata was found."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    start: int
    """Start offset of the evidence in the raw text."""
    end: int
    """End offset (exclusive) of the evidence in the raw text."""
    text: str
    """The evidence as it stands in the text."""
    rule: str
    """Which detector found it (``published.header-line`` …)."""


class Document(BaseModel):
    """One document's metadata and facts."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    doc: str = ""
    """Document id (file name without ``.txt`` for files)."""
    published: str | None = None
    """Publication date or date-time (ISO 8601) used to resolve relative dates."""
    published_evidence: Evidence | None = None
    """The text the publication date was read from; ``None`` when the caller gave it."""
    title: str | None = None
    source: str | None = None
    author: str | None = None
    facts: list[Fact] = []
    enumerations: list[Enumeration] = []
    """Numbered lists of measures, with the count that announced each."""
    text: str | None = Field(default=None, exclude=True, repr=False)
    """The raw text the facts' offsets refer to, when kept (for ``to_html``); never serialised."""

    def to_html(self, text: str | None = None, *, title: str | None = None) -> str:
        """A self-contained HTML page showing this document's facts highlighted in ``text``
        (by default the document's own ``text``; without either, the facts table only)."""
        from unionfacts.view import render_html

        raw = self.text if text is None else text
        return render_html([(self, raw) if raw is not None else self],
                           title=title or self.title or self.doc or "unionfacts")

    def _repr_html_(self) -> str:
        """What a notebook shows when a ``Document`` is a cell's value."""
        from unionfacts.view import render_fragment

        return render_fragment([self])


def constructor(cls: type[BaseModel]) -> Callable[[dict[str, Any]], BaseModel]:
    """A function ``values → cls instance`` that, like ``cls.model_construct(**values)``, trusts
    ``values`` (the library builds them typed; tests compare both ways on every seed fact) but
    costs a fifth of it: the defaults and the field order are looked up once, not per call."""
    # every field in declaration order, holding its default (a required one: None, until given)
    template = {name: (None if f.is_required() else f.get_default(call_default_factory=True))
                for name, f in cls.model_fields.items()}
    required = frozenset(name for name, f in cls.model_fields.items() if f.is_required())
    new = cls.__new__
    setattr_ = object.__setattr__

    def make(values: dict[str, Any]) -> BaseModel:
        keys = values.keys()
        if not (keys >= required and keys <= template.keys()):
            raise TypeError(f"{cls.__name__}: missing {sorted(required - keys)}, "
                            f"unknown {sorted(keys - template.keys())}")
        fields = template.copy()  # a copy keeps the declaration order; update keeps it too
        fields.update(values)
        m = new(cls)
        setattr_(m, "__dict__", fields)
        setattr_(m, "__pydantic_fields_set__", set(values))
        setattr_(m, "__pydantic_extra__", None)
        setattr_(m, "__pydantic_private__", None)
        return m

    return make


def _describe_fields(models: tuple[type[BaseModel], ...]) -> None:
    """Each field's description from the docstring under it, as pydantic's
    ``use_attribute_docstrings`` sets it (tests/test_api.py compares both), but read from one
    parse of this module's source: pydantic reads the source again for every class, which was
    a tenth of the library's import time. The models defer their schemas (``defer_build``), so
    the descriptions are in place before any schema is built. A missing source (a build that
    ships no ``.py`` files) leaves the descriptions out, as pydantic would."""
    try:
        tree = ast.parse(Path(__file__).with_suffix(".py").read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return
    docs: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            own = docs[node.name] = {}
            target = None
            for stmt in node.body:
                if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) \
                        and isinstance(stmt.value.value, str) and target is not None:
                    own[target] = inspect.cleandoc(stmt.value.value)
                target = stmt.target.id if isinstance(stmt, ast.AnnAssign) \
                    and isinstance(stmt.target, ast.Name) else None
    for cls in models:
        for name, info in cls.model_fields.items():
            if info.description is None:
                # the class that declares the field (a subclass holds a copy of an inherited one)
                owner = next((c for c in cls.__mro__ if name in c.__dict__.get("__annotations__", {})), cls)
                info.description = docs.get(owner.__name__, {}).get(name)


_describe_fields((When, Place, _FactBase, _Numeric, Money, Count, Percent, Measure, Date, Duration,
                  EnumerationItem, Enumeration, Evidence, Document))

FACT_ADAPTER: TypeAdapter[Fact] = TypeAdapter(Fact, config=ConfigDict(defer_build=True))
FACTS_ADAPTER: TypeAdapter[list[Fact]] = TypeAdapter(list[Fact], config=ConfigDict(defer_build=True))
