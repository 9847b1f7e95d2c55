"""Load, validate and compile rule packs (``patterns/*.yaml``).

A pack is a folder of YAML files. Each file may hold ``macros`` (reusable regex building
blocks, ``{NAME}``), ``lexicons`` (word lists or word → value maps, ``{@name}`` in a
pattern), and ``rules`` (one regex each, with examples). Files are read with
PyYAML's safe loader only: a pack is data and loading it never runs code.

Packs merge in order: built-in first, then each user pack. Lexicons extend (a user pack adds
``{classifier: [...]}`` without copying the list), macros and rules with an existing
name/id replace the earlier ones, so a user can also override a built-in rule.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from unionfacts.errors import PatternError
from unionfacts.rules.fastre import compile_fast, first_chars

FACT_KINDS = ("money", "count", "percent", "date", "duration", "measure")
RULE_KINDS = FACT_KINDS + ("veto", "enum")
_MACRO_REF = re.compile(r"\{([A-Z][A-Z0-9_]*)\}|\{@([a-z][a-z0-9_]*)\}")
_RULE_ID = r"^[a-z]+\.[a-z0-9][a-z0-9_.-]*$"
# libyaml's C loader when present: the same safe constructors, ten times faster to load.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Regex match timeout (seconds) for rules: a catastrophic user pattern is reported, not hung on.
MATCH_TIMEOUT = 5.0


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Example(_Strict):
    """One example: ``[[…]]`` marks the facts of the rule's kind expected in ``text``."""

    text: str
    value: dict[str, str] | None = None
    """Expected fields of the first marked fact (as JSON strings, e.g. ``{value: '500'}``)."""
    xfail: str | None = None
    """A known gap: the reason. Run strict: a fix makes the example fail until moved."""
    published: str | None = None
    """Publication date to resolve relative dates against, for this example."""


class RuleSpec(_Strict):
    id: str = Field(pattern=_RULE_ID)
    pattern: str
    priority: int = 0
    fields: dict[str, str] = {}
    scan: Literal["window", "full"] = "window"
    """``window``: matched only near a figure anchor (a digit, a numeral before a unit word, a
    relative date word) — fast. ``full``: matched over the whole text; for rules whose match
    can lie far from any figure (a 《》 title). A full rule should start with a literal."""
    requires: str = ""
    """Characters of which at least one must occur where the rule is tried (the anchor's window
    for fact rules, the window around a candidate for vetoes); a cheap test that spares the
    regex where it cannot match. Empty: always tried."""
    description: str = ""
    examples: list[Example | str] = []
    not_: list[str] = Field(default=[], alias="not")


class PackFile(_Strict):
    kind: Literal["money", "count", "percent", "date", "duration", "measure", "veto", "enum",
                  "lexicon"] | None = None
    description: str = ""
    macros: dict[str, str] = {}
    lexicons: dict[str, list[str] | dict[str, str]] = {}
    rules: list[RuleSpec] = []
    context: dict[str, str] = {}

    @field_validator("macros")
    @classmethod
    def _macro_names(cls, v: dict[str, str]) -> dict[str, str]:
        for name in v:
            if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
                raise ValueError(f"macro name {name!r} must be UPPER_CASE")
        return v


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str
    scan: str
    pattern: str
    regex: Any
    priority: int
    order: int
    fields: dict[str, str]
    spec: RuleSpec
    file: str
    line: int | None
    context: dict[str, str]
    builtin: bool = False
    """True for rules of the built-in pack (tested with the anchor scan, see candidates.py)."""
    requires: frozenset[str] | None = None
    """The characters of ``spec.requires``, one of which must be in the window where the rule
    is tried (``None``: no precondition)."""
    alias: dict[str, str] = field(default_factory=dict)
    """Group names the compiled pattern numbered (``num__2``) → the rule's own (``num``)."""
    named: tuple[tuple[str, int], ...] = field(init=False, default=())
    """(the rule's own name, index in ``match.groups()``) of each named group, in the order of
    ``groupdict()``: built from ``regex`` and ``alias`` when the rule is made."""

    def __post_init__(self) -> None:
        index = getattr(self.regex, "groupindex", {})
        object.__setattr__(self, "named", tuple((self.alias.get(k, k), i - 1) for k, i in index.items()))

    def groups(self, m: Any) -> dict[str, str]:
        """The named groups of a match that took part in it, under the rule's own names (a
        later group of a name wins, as in ``groupdict()`` order)."""
        g = m.groups()
        return {name: g[i] for name, i in self.named if g[i] is not None}

    def examples(self) -> list[Example]:
        return [Example(text=e) if isinstance(e, str) else e for e in self.spec.examples]


@dataclass(eq=False)
class PatternSet:
    """Everything compiled from one or more packs; built once, shared by every call."""

    rules: list[Rule] = field(default_factory=list)
    lexicons: dict[str, dict[str, str]] = field(default_factory=dict)
    macros: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def lexicon(self, name: str) -> dict[str, str]:
        return self.lexicons.get(name, {})

    def words(self, name: str) -> list[str]:
        return sorted(self.lexicons.get(name, {}), key=len, reverse=True)

    def alternation(self, name: str) -> str:
        return "|".join(regex.escape(w) for w in self.words(name)) or "(?!)"

    def firsts(self, *names: str) -> str:
        """The first characters of the words of these lexicons, escaped for a character class:
        a scan led by ``(?=[…])`` skips other positions without trying each word there."""
        return first_chars(w for n in names for w in self.lexicons.get(n, {}))

    def lead(self, *names: str) -> str:
        """``(?=[…])`` of ``firsts(*names)``; empty when those lexicons are (``[]`` is no class)."""
        chars = self.firsts(*names)
        return "(?=[" + chars + "])" if chars else ""

    def by_kind(self, kind: str) -> list[Rule]:
        return [r for r in self.rules if r.kind == kind]


def builtin_dir():
    """The built-in pack: ``unionfacts._patterns`` (mapped to the top-level ``patterns/``)."""
    return importlib.resources.files("unionfacts._patterns")


def _read_files(source) -> list[tuple[str, str]]:
    """(name, text) of every ``*.yaml`` in a pack folder (a Path or a Traversable)."""
    if isinstance(source, (str, Path)):
        p = Path(source)
        if not p.is_dir():
            raise PatternError("not a folder of rule files", file=str(p))
        items = sorted(p.glob("*.yaml")) + sorted(p.glob("*.yml"))
        out = []
        for f in items:
            try:
                out.append((str(f), f.read_text(encoding="utf-8")))
            except UnicodeDecodeError as exc:
                raise PatternError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=str(f)) from None
            except OSError as exc:
                raise PatternError(f"cannot read: {exc.strerror}", file=str(f)) from None
        return out
    items = sorted((t for t in source.iterdir() if t.name.endswith((".yaml", ".yml"))),
                   key=lambda t: t.name)
    return [(f"patterns/{t.name}", t.read_text(encoding="utf-8")) for t in items]


_ID_LINE = re.compile(r"\s*-?\s*id:\s*['\"]?(.+?)['\"]?\s*$")


@functools.lru_cache(maxsize=32)
def _rule_lines(text: str) -> dict[str, int]:
    """Rule id → the line of its ``id:`` (the first one), for every rule of a file at once."""
    lines: dict[str, int] = {}
    for i, line in enumerate(text.splitlines(), 1):
        m = _ID_LINE.match(line)
        if m is not None:
            lines.setdefault(m.group(1), i)
    return lines


def _line_of(text: str, rule_id: str) -> int | None:
    return _rule_lines(text).get(rule_id)


def _parse_file(name: str, text: str) -> PackFile:
    try:
        data = yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise PatternError(f"not valid YAML: {exc}", file=name,
                           line=None if line is None else line + 1) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PatternError("top level must be a mapping", file=name)
    try:
        return PackFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = err["loc"]
        rule = None
        line = None
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            rules = data.get("rules") or []
            if loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
                rule = str(rules[loc[1]].get("id", f"#{loc[1]}"))
                line = _line_of(text, rule)
        where = ".".join(str(x) for x in loc)
        raise PatternError(f"{where}: {err['msg']}", file=name, rule=rule, line=line) from None


def _expand(pattern: str, macros: dict[str, str], lex: dict[str, dict[str, str]],
            file: str, rule: str | None, depth: int = 0) -> str:
    if depth > 12:
        raise PatternError("macro expansion too deep (a macro refers to itself?)", file=file, rule=rule)

    def sub(m: re.Match) -> str:
        name, lexname = m.group(1), m.group(2)
        if name:
            if name not in macros:
                raise PatternError(f"unknown macro {{{name}}}", file=file, rule=rule)
            return "(?:" + _expand(macros[name], macros, lex, file, rule, depth + 1) + ")"
        if lexname not in lex:
            raise PatternError(f"unknown lexicon {{@{lexname}}}", file=file, rule=rule)
        words = sorted(lex[lexname], key=len, reverse=True)
        return "(?:" + ("|".join(regex.escape(w) for w in words) or "(?!)") + ")"

    return _MACRO_REF.sub(sub, pattern)


def load_patterns(extra: Iterable[str | Path] = (), *, builtin: bool = True) -> PatternSet:
    """Load the built-in pack (unless ``builtin=False``) and any user packs, in order."""
    sources: list[tuple[str, Any]] = []
    if builtin:
        sources.append(("builtin", builtin_dir()))
    for d in extra:
        sources.append((str(d), d))
    files: list[tuple[str, str, PackFile]] = []
    builtin_files: set[str] = set()
    for label, src in sources:
        for name, text in _read_files(src):
            files.append((name, text, _parse_file(name, text)))
            if label == "builtin":
                builtin_files.add(name)
    pset = PatternSet(sources=[label for label, _ in sources])
    for _name, _text, pf in files:
        pset.macros.update(pf.macros)
        for lname, entries in pf.lexicons.items():
            target = pset.lexicons.setdefault(lname, {})
            if isinstance(entries, list):
                for w in entries:
                    target.setdefault(w, w)
            else:
                target.update(entries)
    specs: dict[str, tuple[str, str, PackFile, RuleSpec]] = {}
    for name, text, pf in files:
        for spec in pf.rules:
            specs[spec.id] = (name, text, pf, spec)  # a later pack overrides by id
    for order, (rid, (name, text, pf, spec)) in enumerate(specs.items()):
        kind = rid.split(".", 1)[0]
        if kind not in RULE_KINDS:
            raise PatternError(f"rule id must start with one of {', '.join(RULE_KINDS)}",
                               file=name, rule=rid, line=_line_of(text, rid))
        if pf.kind not in (None, "lexicon") and pf.kind != kind:
            raise PatternError(f"rule kind {kind!r} does not match the file's kind {pf.kind!r}",
                               file=name, rule=rid, line=_line_of(text, rid))
        expanded = _expand(spec.pattern, pset.macros, pset.lexicons, name, rid)
        try:
            # Built-in fact rules are only matched anchored, in a bounded window: there the
            # faster engine, where the pattern means the same (tests/test_fastre.py runs both).
            # Rules scanned over a text (vetoes, enumerations, ``scan: full``) keep regex, whose
            # literal prefilters keep such scans linear; user packs keep it for its timeout.
            fast = name in builtin_files and kind in FACT_KINDS and spec.scan == "window"
            compiled, alias = compile_fast(expanded) if fast else (regex.compile(expanded), {})
        except (regex.error, OverflowError) as exc:
            raise PatternError(f"pattern does not compile: {exc}", file=name, rule=rid,
                               line=_line_of(text, rid)) from None
        pset.rules.append(Rule(rid, kind, spec.scan, expanded, compiled, spec.priority, order,
                               dict(spec.fields), spec, name, _line_of(text, rid), dict(pf.context),
                               name in builtin_files,
                               frozenset(spec.requires) if spec.requires else None,
                               alias))
    return pset


@functools.lru_cache(maxsize=8)
def _cached(extra: tuple[str, ...]) -> PatternSet:
    return load_patterns(extra)


def get_patterns(extra: Iterable[str | Path] = ()) -> PatternSet:
    """Load once per distinct set of packs (compiled patterns are reused across calls)."""
    return _cached(tuple(str(Path(p).resolve()) for p in extra))
