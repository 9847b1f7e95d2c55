"""Load, validate and compile rule packs (``patterns/*.yaml``).

A pack is a folder of YAML files. Each file may hold ``macros`` (reusable regex building
blocks, ``{NAME}``), ``lexicons`` (word lists or word → value maps, ``{@name}`` in a
pattern), and ``rules`` (one regex each, with examples). Files are read with
PyYAML's safe loader only: a pack is data and loading it never runs code.

Packs merge in order: built-in first, then each user pack. Lexicons extend (a user pack adds
``{classifier: [...]}`` without copying the list), macros and rules with an existing
name/id replace the earlier ones, so a user can also override a built-in rule.

Loading checks what the code and the packs say of each other. Each stage module declares the
lexicons it reads (``require_lexicons``, at import): a declared lexicon that no pack defines,
or a lexicon a pack defines that neither a stage nor a pattern (``{@name}``) reads — a
misspelling — is a ``PatternError``. A rule's ``fields`` are checked per kind (``FIELDS``).

A user pack is untrusted input. Its files are read only when they are regular files of
bounded size; an expanded pattern has a bounded size; a built-in rule that expands a macro a
user pack redefined is no longer the tested built-in rule and runs as a user rule, under the
match timeout; macros that code compiles outside any rule (``CODE_MACROS``) cannot be
redefined. Lexicon words are escaped into patterns as literals, so extending a lexicon changes
no pattern's structure and built-in rules stay trusted.
"""

from __future__ import annotations

import functools
import importlib
import importlib.resources
import os
import pkgutil
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from unionfacts.errors import PatternError
from unionfacts.models import KINDS
from unionfacts.rules import recache
from unionfacts.rules.fastre import compile_fast, first_chars, word_alternation

FACT_KINDS = KINDS
RULE_KINDS = FACT_KINDS + ("veto", "enum")
_MACRO_REF = re.compile(r"\{([A-Z][A-Z0-9_]*)\}|\{@([a-z][a-z0-9_]*)\}")
_RULE_ID = r"^[a-z]+\.[a-z0-9][a-z0-9_.-]*$"
class _BadYaml(Exception):
    """A pack file PyYAML cannot read: its message and line (1-based, if known)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line
#: Regex match timeout (seconds) for rules: a catastrophic user pattern is reported, not hung on.
MATCH_TIMEOUT = 5.0
#: Largest pack file read, in bytes (the whole built-in pack is about 100 KB).
MAX_FILE_BYTES = 4 * 2**20
#: Largest pattern after macros and lexicons are expanded, and largest lexicon, in characters
#: (the longest built-in rule has about 2,000, the largest lexicon under 1,000): a pack whose
#: macros fan out fails fast rather than filling memory.
MAX_PATTERN_CHARS = 2**18
#: Macros that code compiles outside any rule, into scans over whole texts with no timeout
#: (the normaliser's pinyin gloss): a user pack may not redefine them.
CODE_MACROS = frozenset({"GLOSS"})

_REQUIRED: dict[str, frozenset[str]] = {}


def require_lexicons(stage: str, names: Iterable[str]) -> frozenset[str]:
    """Declare that ``stage`` (its module name) reads these lexicons; returns them.

    Every stage module calls this at import for the lexicons it reads from a ``PatternSet``.
    Loading then fails on a declared lexicon that no pack defines, and on a lexicon a pack
    defines that neither a stage nor a pattern reads. A new stage declares its own."""
    wanted = frozenset(names)
    _REQUIRED[stage] = _REQUIRED.get(stage, frozenset()) | wanted
    return wanted


def required_lexicons() -> dict[str, frozenset[str]]:
    """Stage → the lexicons it declared, over every stage of ``unionfacts.pipeline``."""
    # Imported here, by name: a stage not imported yet would be missing from the registry
    # (the stages import this module, so this one cannot import them at its top).
    pipeline = importlib.import_module("unionfacts.pipeline")
    for info in pkgutil.iter_modules(pipeline.__path__, pipeline.__name__ + "."):
        importlib.import_module(info.name)
    return dict(_REQUIRED)


def _flag(v: str) -> str | None:
    return None if v in ("true", "false") else "is a switch: 'true' or 'false'"


def _decimal(v: str) -> str | None:
    try:
        ok = Decimal(v).is_finite() and Decimal(v) >= 0
    except InvalidOperation:
        ok = False
    return None if ok else "must be a number of at least 0 (e.g. '10', '0.5')"


def _unit_text(v: str) -> str | None:
    return None if v.strip() == v and v else "must be a unit word or symbol, with no spaces around it"


def _currency(v: str) -> str | None:
    return None if re.fullmatch(r"[A-Z]{3}", v) else "must be an ISO 4217 code (e.g. 'CNY', 'USD')"


def _percent_unit(v: str) -> str | None:
    return None if v in ("%", "pp") else "must be '%' or 'pp' (percentage points)"


def _style(v: str) -> str | None:
    return None if re.fullmatch(r"[a-z][a-z0-9-]*", v) else "must be a lower-case slug (e.g. 'paren-cn')"


_Check = Callable[[str], "str | None"]
_NUMERIC_FIELDS: dict[str, _Check] = {"vague": _flag, "value": _decimal, "multiplier": _decimal}
#: Kind → the keys a rule's ``fields`` may set, each with its check (``None``: fine, else what
#: is wrong). The builders read them: ``pipeline/builders.py`` (money, count, percent, measure)
#: and ``pipeline/lists.py`` (enum); date, duration and veto rules read none.
FIELDS: dict[str, dict[str, _Check]] = {
    "money": {"unit": _currency, **_NUMERIC_FIELDS},
    "count": {"unit": _unit_text, **_NUMERIC_FIELDS},
    "measure": {"unit": _unit_text, **_NUMERIC_FIELDS},
    "percent": {"unit": _percent_unit, "fraction": _flag, "zhe": _flag, **_NUMERIC_FIELDS},
    "date": {}, "duration": {}, "veto": {},
    "enum": {"style": _style},
}
#: ``vague: 'true'`` reads the number from these groups (builders._vague): a rule that sets it
#: must capture one of these sets.
_VAGUE_GROUPS = ({"vpre", "vunit"}, {"vbase"}, {"vlo", "vhi", "vunit"})


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
    """True for rules of the built-in pack whose pattern is the tested one (tested with the
    anchor scan, see candidates.py; matched with no timeout). False for user-pack rules, and for
    a built-in rule that expands a macro a user pack redefined (see ``user_macros``)."""
    requires: frozenset[str] | None = None
    """The characters of ``spec.requires``, one of which must be in the window where the rule
    is tried (``None``: no precondition)."""
    alias: dict[str, str] = field(default_factory=dict)
    """Group names the compiled pattern numbered (``num__2``) → the rule's own (``num``)."""
    named: tuple[tuple[str, int], ...] = field(init=False, default=())
    """(the rule's own name, index in ``match.groups()``) of each named group, in the order of
    ``groupdict()``: built from ``regex`` and ``alias`` when the rule is made."""
    user_macros: tuple[str, ...] = ()
    """The macros of a built-in rule that a user pack redefined: the rule runs as a user rule."""

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
        """The lexicon ``name``; a ``KeyError`` when no pack defines it (loading checks that
        every lexicon a stage declares is defined, so this is a name no stage declared)."""
        try:
            return self.lexicons[name]
        except KeyError:
            raise KeyError(f"no pack defines the lexicon {name!r} (a stage reading it must "
                           f"declare it with require_lexicons)") from None

    def words(self, name: str) -> list[str]:
        return sorted(self.lexicon(name), key=len, reverse=True)

    def alternation(self, name: str) -> str:
        """The words of lexicon ``name`` as one alternation, longest first (a trie: see
        ``fastre.word_alternation``)."""
        return word_alternation(self.lexicon(name))

    def firsts(self, *names: str) -> str:
        """The first characters of the words of these lexicons, escaped for a character class:
        a scan led by ``(?=[…])`` skips other positions without trying each word there."""
        return first_chars(w for n in names for w in self.lexicon(n))

    def lead(self, *names: str) -> str:
        """``(?=[…])`` of ``firsts(*names)``; empty when those lexicons are (``[]`` is no class)."""
        chars = self.firsts(*names)
        return "(?=[" + chars + "])" if chars else ""

    def by_kind(self, kind: str) -> list[Rule]:
        return [r for r in self.rules if r.kind == kind]


def builtin_dir() -> Traversable:
    """The built-in pack: ``unionfacts._patterns`` (mapped to the top-level ``patterns/``)."""
    return importlib.resources.files("unionfacts._patterns")


def _read_regular(path: Path) -> str:
    """The text of a pack file, read only when it is a regular file of at most
    ``MAX_FILE_BYTES``: a FIFO, a device (a link to ``/dev/zero``) or a folder is refused,
    without blocking on it (opened non-blocking, then checked on the open descriptor)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise PatternError(f"cannot read: {exc.strerror}", file=str(path)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise PatternError("not a regular file (a FIFO, a device or a folder is no pack file)",
                               file=str(path))
        if st.st_size > MAX_FILE_BYTES:
            raise PatternError(f"larger than {MAX_FILE_BYTES} bytes", file=str(path))
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_FILE_BYTES:  # grew since the fstat
                raise PatternError(f"larger than {MAX_FILE_BYTES} bytes", file=str(path))
    except OSError as exc:
        raise PatternError(f"cannot read: {exc.strerror}", file=str(path)) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PatternError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=str(path)) from None


def _read_files(source: str | Path | Traversable) -> list[tuple[str, str]]:
    """(name, text) of every ``*.yaml`` in a pack folder (a Path or a Traversable)."""
    if isinstance(source, (str, Path)):
        p = Path(source)
        if not p.is_dir():
            raise PatternError("not a folder of rule files", file=str(p))
        items = sorted(p.glob("*.yaml")) + sorted(p.glob("*.yml"))
        return [(str(f), _read_regular(f)) for f in items]
    found = sorted((t for t in source.iterdir() if t.name.endswith((".yaml", ".yml"))),
                   key=lambda t: t.name)
    return [(f"patterns/{t.name}", t.read_text(encoding="utf-8")) for t in found]


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


def _key_line(text: str, key: str) -> int | None:
    """The line where a mapping key (a macro or lexicon name) is first written."""
    m = re.search(r"^[ \t]*['\"]?" + re.escape(key) + r"['\"]?[ \t]*:", text, re.MULTILINE)
    return None if m is None else text.count("\n", 0, m.start()) + 1


def _load_yaml(text: str) -> Any:
    # imported here: a process whose packs are all in the cache (recache) never needs PyYAML
    # (12 ms of import). libyaml's C loader when present: the same safe constructors, ten
    # times faster to load.
    import yaml

    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise _BadYaml(str(exc), None if line is None else line + 1) from None


def _parse_file(name: str, text: str, cached: bool = False) -> PackFile:
    """A pack file's data, validated. ``cached``: the built-in pack's files, whose data the
    cache keeps (a user pack is small, and may change with every run)."""
    try:
        data = recache.load_data(text, _load_yaml) if cached else _load_yaml(text)
    except _BadYaml as exc:
        raise PatternError(f"not valid YAML: {exc}", file=name, line=exc.line) from None
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


class _Expander:
    """Expands ``{MACRO}`` and ``{@lexicon}`` references, each macro and lexicon once per load
    (a macro used by fifty rules is expanded once), refusing a result longer than
    ``MAX_PATTERN_CHARS`` as soon as one is built: a pack whose macros fan out (each using the
    one before ten times) fails at the first macro past the limit, in milliseconds."""

    def __init__(self, macros: dict[str, str], lexicons: dict[str, dict[str, str]]) -> None:
        self._macros = macros
        self._lexicons = lexicons
        self._done: dict[str, tuple[str, frozenset[str]]] = {}
        self._words: dict[str, str] = {}

    def expand(self, pattern: str, file: str, rule: str | None) -> tuple[str, frozenset[str]]:
        """The expanded pattern and the names of every macro it used, directly or not."""
        return self._expand(pattern, file, rule, ())

    def _expand(self, pattern: str, file: str, rule: str | None,
                active: tuple[str, ...]) -> tuple[str, frozenset[str]]:
        parts: list[str] = []
        used: set[str] = set()
        size = 0
        last = 0
        for m in _MACRO_REF.finditer(pattern):
            name, lexname = m.group(1), m.group(2)
            if name:
                if name not in self._macros:
                    raise PatternError(f"unknown macro {{{name}}}", file=file, rule=rule)
                body, deps = self._macro(name, file, rule, active)
                piece = "(?:" + body + ")"
                used |= deps | {name}
            else:
                if lexname not in self._lexicons:
                    raise PatternError(f"unknown lexicon {{@{lexname}}}", file=file, rule=rule)
                piece = "(?:" + self._alternation(lexname) + ")"
            parts.append(pattern[last:m.start()])
            parts.append(piece)
            size += m.start() - last + len(piece)
            last = m.end()
            if size > MAX_PATTERN_CHARS:
                raise PatternError(f"pattern longer than {MAX_PATTERN_CHARS} characters once its "
                                   f"macros and lexicons are expanded", file=file, rule=rule)
        parts.append(pattern[last:])
        return "".join(parts), frozenset(used)

    def _macro(self, name: str, file: str, rule: str | None,
               active: tuple[str, ...]) -> tuple[str, frozenset[str]]:
        done = self._done.get(name)
        if done is not None:
            return done
        if name in active or len(active) > 12:
            raise PatternError(f"macro expansion too deep (a macro refers to itself?): "
                               f"{' → '.join(active + (name,))}", file=file, rule=rule)
        done = self._expand(self._macros[name], file, rule, active + (name,))
        self._done[name] = done
        return done

    def _alternation(self, name: str) -> str:
        alt = self._words.get(name)
        if alt is None:
            alt = self._words[name] = word_alternation(self._lexicons[name])
        return alt


def _check_fields(kind: str, spec: RuleSpec, groups: Iterable[str], file: str,
                  line: int | None) -> dict[str, str]:
    """The rule's ``fields`` checked against its kind (``FIELDS``); a switch set to
    ``'false'`` is left out (the builders read a switch as on when present)."""
    known = FIELDS.get(kind, {})
    out: dict[str, str] = {}
    for key, value in spec.fields.items():
        check = known.get(key)
        if check is None:
            allowed = ", ".join(sorted(known)) or "none"
            raise PatternError(f"fields: unknown key {key!r} for a {kind} rule (known: {allowed})",
                               file=file, rule=spec.id, line=line)
        problem = check(value)
        if problem is not None:
            raise PatternError(f"fields: {key}={value!r} {problem}", file=file, rule=spec.id, line=line)
        if value != "false" or check is not _flag:
            out[key] = value
    if out.get("vague") == "true" and not any(need <= set(groups) for need in _VAGUE_GROUPS):
        raise PatternError("fields: vague='true' needs the pattern to capture (?P<vpre>…)(?P<vunit>…), "
                           "(?P<vbase>…), or (?P<vlo>…)(?P<vhi>…)(?P<vunit>…)",
                           file=file, rule=spec.id, line=line)
    return out


def _check_lexicons(pset: PatternSet, files: list[tuple[str, str, PackFile]]) -> None:
    """Every lexicon a stage declares is defined; every lexicon defined is read by a stage
    or a pattern (a misspelt name in a pack otherwise adds words nothing reads)."""
    required = required_lexicons()
    for stage, names in sorted(required.items()):
        missing = sorted(names - pset.lexicons.keys())
        if missing:
            raise PatternError(f"lexicon {missing[0]!r}, read by {stage}, is defined by no pack",
                               file=", ".join(pset.sources) or None)
    read: set[str] = set().union(*required.values())
    for _name, _text, pf in files:
        texts = [*pf.macros.values(), *(spec.pattern for spec in pf.rules)]
        read.update(m.group(2) for t in texts for m in _MACRO_REF.finditer(t) if m.group(2))
    for name, text, pf in files:
        for lexname in pf.lexicons:
            if lexname not in read:
                import difflib  # only for this message: 2 ms of every start-up otherwise

                near = difflib.get_close_matches(lexname, sorted(read), n=3)
                hint = f"; did you mean {' or '.join(map(repr, near))}?" if near else ""
                raise PatternError(f"lexicon {lexname!r} is read by no stage and no pattern{hint}",
                                   file=name, line=_key_line(text, lexname))


def load_patterns(extra: Iterable[str | Path] | str | Path = (), *, builtin: bool = True) -> PatternSet:
    """Load the built-in pack (unless ``builtin=False``) and any user packs, in order.

    ``extra`` is a folder or a list of folders (a ``str`` is one folder)."""
    folders = [extra] if isinstance(extra, (str, Path)) else list(extra)
    sources: list[tuple[str, str | Path | Traversable]] = []
    if builtin:
        sources.append(("builtin", builtin_dir()))
    for d in folders:
        sources.append((str(d), d))
    files: list[tuple[str, str, PackFile]] = []
    builtin_files: set[str] = set()
    for label, src in sources:
        seen: dict[str, str] = {}  # rule id → the file of this pack that defines it
        for name, text in _read_files(src):
            pf = _parse_file(name, text, cached=label == "builtin")
            files.append((name, text, pf))
            if label == "builtin":
                builtin_files.add(name)
            else:
                for macro in sorted(CODE_MACROS & pf.macros.keys()):
                    raise PatternError(f"macro {macro} is compiled by the library outside any rule "
                                       f"(run with no timeout): a user pack cannot redefine it",
                                       file=name, line=_key_line(text, macro))
            for spec in pf.rules:
                if spec.id in seen:
                    raise PatternError(f"rule id defined twice in one pack (also in {seen[spec.id]})",
                                       file=name, rule=spec.id, line=_line_of(text, spec.id))
                seen[spec.id] = name
    pset = PatternSet(sources=[label for label, _ in sources])
    user_macros: set[str] = set()
    for name, text, pf in files:
        pset.macros.update(pf.macros)
        if name not in builtin_files:
            user_macros.update(pf.macros)
        for lname, entries in pf.lexicons.items():
            target = pset.lexicons.setdefault(lname, {})
            if isinstance(entries, list):
                for w in entries:
                    target.setdefault(w, w)
            else:
                target.update(entries)
            # a lexicon becomes one alternation, in rules and in the stages' own scans
            if sum(map(len, target)) > MAX_PATTERN_CHARS:
                raise PatternError(f"lexicon {lname!r} holds more than {MAX_PATTERN_CHARS} "
                                   f"characters", file=name, line=_key_line(text, lname))
    _check_lexicons(pset, files)
    specs: dict[str, tuple[str, str, PackFile, RuleSpec]] = {}
    for name, text, pf in files:
        for spec in pf.rules:
            specs[spec.id] = (name, text, pf, spec)  # a later pack overrides by id
    expander = _Expander(pset.macros, pset.lexicons)
    for order, (rid, (name, text, pf, spec)) in enumerate(specs.items()):
        kind = rid.split(".", 1)[0]
        line = _line_of(text, rid)
        if kind not in RULE_KINDS:
            raise PatternError(f"rule id must start with one of {', '.join(RULE_KINDS)}",
                               file=name, rule=rid, line=line)
        if pf.kind not in (None, "lexicon") and pf.kind != kind:
            raise PatternError(f"rule kind {kind!r} does not match the file's kind {pf.kind!r}",
                               file=name, rule=rid, line=line)
        expanded, used = expander.expand(spec.pattern, name, rid)
        touched = tuple(sorted(used & user_macros)) if name in builtin_files else ()
        trusted = name in builtin_files and not touched
        try:
            # Built-in fact rules are only matched anchored, in a bounded window: there the
            # faster engine, where the pattern means the same (tests/test_fastre.py runs both).
            # Rules scanned over a text (vetoes, enumerations, ``scan: full``) keep regex, whose
            # literal prefilters keep such scans linear; user patterns keep it for its timeout.
            fast = trusted and kind in FACT_KINDS and spec.scan == "window"
            compiled, alias = compile_fast(expanded) if fast else (regex.compile(expanded), {})
        except (regex.error, OverflowError, RecursionError, MemoryError) as exc:
            raise PatternError(f"pattern does not compile: {exc}", file=name, rule=rid,
                               line=line) from None
        groups = {alias.get(g, g) for g in compiled.groupindex}
        fields = _check_fields(kind, spec, groups, name, line)
        pset.rules.append(Rule(rid, kind, spec.scan, expanded, compiled, spec.priority, order,
                               fields, spec, name, line, dict(pf.context), trusted,
                               frozenset(spec.requires) if spec.requires else None,
                               alias, user_macros=touched))
    return pset


@functools.lru_cache(maxsize=8)
def _cached(extra: tuple[str, ...]) -> PatternSet:
    return load_patterns(extra)


def get_patterns(extra: Iterable[str | Path] | str | Path = ()) -> PatternSet:
    """Load once per distinct set of packs (compiled patterns are reused across calls).
    ``extra`` is a folder or a list of folders (a ``str`` is one folder)."""
    folders = [extra] if isinstance(extra, (str, Path)) else extra
    return _cached(tuple(str(Path(p).resolve()) for p in folders))
