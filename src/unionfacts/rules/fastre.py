"""Compile a pattern with the standard library's ``re`` where it means the same there.

The rule format is the ``regex`` module's syntax (``\\p{Han}``, variable-width lookbehinds,
repeated group names). For the patterns that need none of that, CPython's own engine is the
faster one here: measured on the benchmark corpus, about 1.6 × per anchored rule match and 3 ×
on the literal alternations of the anchor scan and the subject finder (``bench/README.md``).
So the library's internal patterns and the built-in rules are compiled with ``re`` when the
pattern compiles there unchanged — except for ``\\p{Han}``, spelled out as the same code point
ranges — and with ``regex`` otherwise. Patterns of user packs always use ``regex``, with its
match timeout. ``tests/test_fastre.py`` checks that both engines agree on the built-in rules.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from typing import Any

import regex

from unionfacts.rules import recache

#: The code points ``regex`` (Unicode 14 script data) calls ``\p{Han}``, as class ranges.
HAN_RANGES = (
    "\u2e80-\u2e99\u2e9b-\u2ef3\u2f00-\u2fd5\u3005\u3007\u3021-\u3029\u3038-\u303b"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufa6d\ufa70-\ufad9\U00016fe2-\U00016fe3"
    "\U00016ff0-\U00016ff6\U00020000-\U0002a6df\U0002a700-\U0002b81e\U0002b820-\U0002cead"
    "\U0002ceb0-\U0002ebe0\U0002ebf0-\U0002ee5d\U0002f800-\U0002fa1d\U00030000-\U0003134a"
    "\U00031350-\U00033479"
)
_HAN = r"\p{Han}"
# ``regex`` reads ``{e<=1}`` after an item as a fuzzy-match limit; ``re`` as literal text.
_FUZZY = re.compile(r"\{\s*[eisd]\s*[<=]|\{\s*[eisd]\s*\}")


def to_re_syntax(pattern: str) -> str | None:
    """``pattern`` with ``\\p{Han}`` spelled out for ``re``; ``None`` if it cannot be."""
    if _FUZZY.search(pattern):
        return None
    if _HAN not in pattern:
        return pattern
    out: list[str] = []
    i = 0
    in_class = False
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if pattern.startswith(_HAN, i):
            out.append(HAN_RANGES if in_class else "[" + HAN_RANGES + "]")
            i += len(_HAN)
            continue
        if ch == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            if ch == "[":
                return None  # a nested set: regex and re read it differently
            if ch == "]" and not (out and out[-1] in ("[", "[^")):
                in_class = False
        elif ch == "[":
            in_class = True
            if pattern.startswith("[^", i):
                out.append("[^")
                i += 2
                continue
        out.append(ch)
        i += 1
    return "".join(out)


_GROUP = re.compile(r"\\.|\[(?:\\.|[^\]\\])*\]|\(\?P<([A-Za-z_][A-Za-z0-9_]*)>|\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)")
ALIAS_SEP = "__"


def unique_group_names(pattern: str) -> tuple[str, dict[str, str]] | None:
    """``regex`` lets alternatives share a group name (``(?P<num>…)|(?P<num>…)``); ``re`` does
    not. The second and later groups of a name become ``num__2`` …; the map gives each new
    name its original. ``None`` when a back-reference names a repeated group."""
    seen: dict[str, int] = {}
    alias: dict[str, str] = {}
    refs: set[str] = set()

    def rename(m: re.Match[str]) -> str:
        whole = m.group()
        if m.group(2):
            refs.add(m.group(2))
            return whole
        name = m.group(1)
        if not name:
            return whole  # an escape or a character class: as is
        k = seen[name] = seen.get(name, 0) + 1
        if k == 1:
            return whole
        new = f"{name}{ALIAS_SEP}{k}"
        alias[new] = name
        return f"(?P<{new}>"

    out = _GROUP.sub(rename, pattern)
    if refs & set(alias.values()):
        return None
    return out, alias


def compile_fast(pattern: str) -> tuple[Any, dict[str, str]]:
    """The pattern compiled by ``re`` when it accepts it (``\\p{Han}`` spelled out, repeated
    group names numbered: see the returned map), else by ``regex`` (which raises
    ``regex.error`` for a bad pattern) with an empty map."""
    src = to_re_syntax(pattern)
    uniq = unique_group_names(src) if src is not None else None
    if uniq is not None and not recache.refused(uniq[0]):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # re's FutureWarning on set syntax it reads differently
                return recache.compile_re(uniq[0]), uniq[1]
        except (re.error, Warning):
            recache.note_refused(uniq[0])  # for good: the same Python refuses it again
        except (OverflowError, RecursionError):
            pass  # may depend on the stack: not remembered
    return regex.compile(pattern), {}


def fast(pattern: str) -> Any:
    """``compile_fast`` for the library's own patterns, which repeat no group name."""
    compiled, alias = compile_fast(pattern)
    if alias:
        raise ValueError(f"repeated group names in an internal pattern: {sorted(alias)}")
    return compiled


#: Words longer than this keep the flat form (the trie is built by recursion, one level a character).
TRIE_DEPTH = 64


def word_alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` (literal text) that means what ``a|b|…`` of them sorted
    longest first means, factored as a trie: ``从业人员|从业|从而`` → ``从(?:业(?:人员)?|而)``.

    The engines try the alternatives of an alternation one after another at each position, so
    a lexicon of hundreds of words cost hundreds of tries there; factored, only the words
    sharing the characters read so far are tried. The match is the same: the words that can
    match at one position are prefixes of each other, tried longest first either way (a node
    tries its longer words before the word that ends there). A node whose words go on with one
    character each becomes a class (``[个项名]``). ``(?!)`` (never matches) for no words.

    Words with a cased letter keep the flat form: under ``(?i)`` ``A`` and ``ab`` can both match
    at one position without one being a prefix of the other. So do words longer than
    ``TRIE_DEPTH``. An empty word (the flat form then matches nothing at all as its last
    choice) makes the trie optional. (tests/test_fastre.py compares both forms.)"""
    unique = list(dict.fromkeys(words))  # in their order: the same pattern text in every process
    if any(ch.lower() != ch.upper() for w in unique for ch in w) or any(len(w) > TRIE_DEPTH for w in unique):
        return "|".join(regex.escape(w) for w in sorted(unique, key=len, reverse=True)) or "(?!)"
    tree: dict[str, Any] = {}
    for w in unique:
        if not w:
            continue
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    if not tree:
        return "(?!)"  # no words (an empty word alone: the flat form was empty, read as none)
    return "(?:" + _trie(tree) + ")?" if "" in unique else _trie(tree)


def _trie(node: dict[str, Any]) -> str:
    ends = "" in node
    branches = sorted((ch, sub) for ch, sub in node.items() if ch)
    if branches and all(not sub.keys() - {""} for _, sub in branches):  # one character each
        body = (regex.escape(branches[0][0]) if len(branches) == 1
                else "[" + "".join(regex.escape(ch) for ch, _ in branches) + "]")
        return body + "?" if ends else body
    alts = [regex.escape(ch) + _trie(sub) for ch, sub in branches]
    if ends:
        return "(?:" + "|".join(alts) + ")?" if alts else ""
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


def first_chars(words: Iterable[str]) -> str:
    """The first characters of ``words``, escaped for a character class. A scan led by
    ``(?=[…])`` of them passes other positions without trying each alternative there; for a
    plain alternation of words ``re`` derives that class itself (measured: adding it is slower)."""
    return "".join(sorted({regex.escape(w[0]) for w in words if w}))


def is_re(compiled: object) -> bool:
    """True when ``compiled`` is a standard-library pattern (no ``timeout`` argument)."""
    return isinstance(compiled, re.Pattern)
