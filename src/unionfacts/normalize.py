"""Raw text → the cleaned view the rules match against, with an offset map back.

Two kinds of change are made, and both keep offsets true:

* length-preserving folds, applied character by character: full-width digits, Latin
  letters and signs, the ideographic space, Traditional → Simplified script (OpenCC);
* deletions and replacements found by one compiled scan: pinyin glosses after a character
  (``萬(wàn)``), zero-width characters, injected junk tokens (``包養網``) and spun synonyms
  (``年夜`` → ``大``), all from lexicons in ``patterns/``.

The map is kept as runs, not one integer per character, so a 50 MB text costs a few
lists of run starts rather than hundreds of megabytes.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field

import regex

from .fastre import fast

# Full-width forms → ASCII for the characters numbers, units and times are made of.
# Chinese sentence punctuation (，。；！？) is left alone: folding ， to , would glue list
# items into thousands separators (``100，200个``).
_FOLD: dict[int, str] = {0x3000: " "}
for _cp in range(0xFF10, 0xFF1A):  # ０-９
    _FOLD[_cp] = chr(_cp - 0xFEE0)
for _cp in list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B)):  # Ａ-Ｚ ａ-ｚ
    _FOLD[_cp] = chr(_cp - 0xFEE0)
for _ch in "％．＋－／：（）＝～＜＞":
    _FOLD[ord(_ch)] = chr(ord(_ch) - 0xFEE0)
_FOLD[ord("－")] = "-"
_FOLD[0x2014] = "—"  # keep em dash as is (explicit: not a minus)
_FOLD[0x00A0] = " "
for _ch in "–‒−":
    _FOLD[ord(_ch)] = "-"


_SURROGATE = regex.compile(r"[\ud800-\udfff]")
# str.translate looks every character up in the table (about 0.1 µs each on Chinese text);
# folded characters are sparse, so a scan that replaces only them costs a tenth of that.
_FOLD_CHAR = {chr(k): v for k, v in _FOLD.items()}
_FOLD_SCAN = fast("[" + "".join(regex.escape(c) for c in sorted(_FOLD_CHAR)) + "]")


def _fold_char(m) -> str:
    return _FOLD_CHAR[m.group()]


def without_surrogates(s: str) -> str:
    """``s`` with each lone surrogate replaced by U+FFFD (one code point for one), so that JSON
    can carry it; used for strings the library reads out (subjects, titles), never for spans."""
    return _SURROGATE.sub("\ufffd", s)


@functools.lru_cache(maxsize=1)
def _opencc():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified, guaranteed to keep the length (and so every offset)."""
    if not text:
        return text
    try:
        conv = _opencc().convert(text)
    except UnicodeEncodeError:
        # lone surrogates cannot cross into OpenCC: convert a stand-in, then put them back
        safe = without_surrogates(text)
        conv = to_simplified(safe)
        return "".join(o if _SURROGATE.match(o) else c for o, c in zip(text, conv))
    if len(conv) == len(text):
        return conv
    # A phrase mapping changed the length somewhere: fall back to one character at a time.
    out = []
    for ch in text:
        c = _opencc().convert(ch)
        out.append(c if len(c) == 1 else ch)
    return "".join(out)


def fold(text: str) -> str:
    """The length-preserving part of normalisation: width fold, then script fold (what
    ``Normalizer`` does first, spelled out there to see whether the script fold changed it)."""
    return to_simplified(_FOLD_SCAN.sub(_fold_char, text))


@dataclass(frozen=True, slots=True)
class Normalized:
    """The cleaned view ``text`` of ``raw`` and the map between them.

    The map is a list of runs: run ``k`` covers ``text[t_starts[k]:t_starts[k+1]]`` and
    ``raw[r_starts[k]:r_ends[k]]``. An identity run has equal lengths on both sides. A
    replacement run (a spun word folded to its plain form, listed in ``replaced``) maps
    character by character when both sides have one length, else as one block.
    """

    raw: str
    text: str
    t_starts: tuple[int, ...]
    r_starts: tuple[int, ...]
    r_ends: tuple[int, ...]
    replaced: frozenset[int] = frozenset()
    """The replacement runs (a spun word → its plain form), even when both have one length."""
    spun: bool = False
    """Whether the text showed a synonym spinner's marks, so that ``spun_context`` applied."""
    traditional: bool = False
    """Whether the script fold changed the text: words the library writes into it (a spun
    word's plain form) are then given in Traditional script, from ``traditional_forms``."""
    traditional_forms: dict[str, str] = field(default_factory=dict)

    def _run(self, pos: int) -> int:
        return bisect.bisect_right(self.t_starts, pos) - 1

    def raw_start(self, pos: int) -> int:
        k = self._run(pos)
        r0 = self.r_starts[k]
        t0 = self.t_starts[k]
        if self.r_ends[k] - r0 == self._tlen(k):
            return r0 + (pos - t0)
        return r0

    def raw_end(self, pos: int) -> int:
        """Raw index just after text character ``pos - 1``."""
        k = self._run(pos - 1)
        r0 = self.r_starts[k]
        t0 = self.t_starts[k]
        if self.r_ends[k] - r0 == self._tlen(k):
            return r0 + (pos - t0)
        return self.r_ends[k]

    def _tlen(self, k: int) -> int:
        nxt = self.t_starts[k + 1] if k + 1 < len(self.t_starts) else len(self.text)
        return nxt - self.t_starts[k]

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Half-open text span → half-open raw span."""
        return self.raw_start(start), self.raw_end(end)


#: A text is read as spinner output (and ``spun_context`` applies) when it holds at least
#: this many distinct ``spun`` words: words no writer uses, that a synonym spinner leaves.
SPUN_EVIDENCE = 2


class Normalizer:
    """Built once per pattern set: the deletion/replacement scan is compiled from lexicons.

    Spun words come in two lists. ``spun`` holds spinner output that is no word of its own
    (``年夜`` for 大, ``平易近`` for 民): folded back in every text. ``spun_context`` holds
    spinner output that is also a real word (``优良`` for 优秀, ``运动`` for 活动): folded back
    only in a text that shows ``SPUN_EVIDENCE`` distinct words of the first list. A pinyin
    gloss may sit inside a spun word (``下層(céng)組織``); the word is matched across it.
    """

    def __init__(self, junk: list[str], spun: dict[str, str], gloss_pattern: str,
                 spun_context: dict[str, str] | None = None,
                 spun_traditional: dict[str, str] | None = None) -> None:
        self._parts = [
            r"(?P<zw>[\u200b-\u200f\u2060\ufeff\u00ad])",
            # A gloss follows a Han character (or a closing bracket of an earlier gloss).
            # Each alternative opens with its literal, lookbehind second: the scan skips
            # ahead on the literals rather than testing a lookbehind at every character.
            r"(?P<gloss>(?=\()(?<=[\p{Han}])" + gloss_pattern + ")",
            # a full-width comma between digit groups is a thousands separator: 82，225.00
            # only with a decimal part after it: 20，300 may be two list items
            r"(?P<comma>，)(?<=[0-9]，)(?=[0-9]{3}(?:[，,][0-9]{3})*\.[0-9])",
        ]
        if junk:
            alts = "|".join(regex.escape(j) for j in sorted(junk, key=len, reverse=True))
            self._parts.append(f"(?P<junk>{alts})")
        self._gloss = gloss_pattern
        self._strip_gloss = fast(gloss_pattern)
        self._spun = dict(spun)
        self._context = {k: v for k, v in (spun_context or {}).items() if k not in self._spun}
        self._plain = {**self._context, **self._spun}
        self._traditional = {k: v for k, v in (spun_traditional or {}).items() if len(k) == len(v)}
        self._scan = self._compile(self._spun)
        self._context_scan = None

    def _compile(self, spun: dict[str, str]):
        parts = list(self._parts)
        if spun:
            gap = "(?:" + self._gloss + ")?"
            alts = "|".join(gap.join(regex.escape(c) for c in w)
                            for w in sorted(spun, key=len, reverse=True))
            parts.append(f"(?P<spun>{alts})")
        return fast("|".join(parts))

    def _spun_key(self, m) -> str:
        w = m.group()
        return w if w in self._spun or w in self._context else self._strip_gloss.sub("", w)

    def _matches(self, folded: str) -> tuple[list, bool]:
        """The deletions and replacements of the text, and whether it reads as spun."""
        found = list(self._scan.finditer(folded))
        if self._context:
            marks = {self._spun_key(m) for m in found if m.lastgroup == "spun"}
            if len(marks) >= SPUN_EVIDENCE:
                if self._context_scan is None:  # compiled when the first spun text comes
                    self._context_scan = self._compile(self._plain)
                return list(self._context_scan.finditer(folded)), True
        return found, False

    def __call__(self, raw: str) -> Normalized:
        width = _FOLD_SCAN.sub(_fold_char, raw)
        folded = to_simplified(width)
        pieces: list[str] = []
        t_starts: list[int] = []
        r_starts: list[int] = []
        r_ends: list[int] = []
        replaced: list[int] = []
        tpos = 0
        last = 0
        plain = self._plain
        found, spun = self._matches(folded)
        for m in found:
            a, b = m.span()
            if a > last:
                t_starts.append(tpos)
                r_starts.append(last)
                r_ends.append(a)
                pieces.append(folded[last:a])
                tpos += a - last
            if m.lastgroup in ("spun", "comma"):
                rep = plain[self._spun_key(m)] if m.lastgroup == "spun" else ","
                replaced.append(len(t_starts))
                t_starts.append(tpos)
                r_starts.append(a)
                r_ends.append(b)
                pieces.append(rep)
                tpos += len(rep)
            last = b
        if last < len(folded) or not t_starts:
            t_starts.append(tpos)
            r_starts.append(last)
            r_ends.append(len(folded))
            pieces.append(folded[last:])
        return Normalized(raw, "".join(pieces), tuple(t_starts), tuple(r_starts), tuple(r_ends),
                          frozenset(replaced), spun, folded != width, self._traditional)


def raw_view(norm: Normalized, start: int, end: int) -> str:
    """The cleaned span ``text[start:end]`` in the raw text's own script.

    Glosses and junk inside the span are left out (they are not in ``text``); a spun word
    appears in its plain form (``年夜`` → ``大``), as a reader would write it.
    """
    out: list[str] = []
    k = norm._run(start)
    pos = start
    n = len(norm.t_starts)
    while pos < end and k < n:
        t0 = norm.t_starts[k]
        t1 = norm.t_starts[k + 1] if k + 1 < n else len(norm.text)
        seg_end = min(end, t1)
        r0 = norm.r_starts[k]
        if k not in norm.replaced:
            out.append(norm.raw[r0 + (pos - t0):r0 + (seg_end - t0)])
        else:
            # the plain form, in the raw text's script: 下層組織 → 基層組織, not 基层组织
            plain = norm.text[t0:t1]
            if norm.traditional:
                plain = norm.traditional_forms.get(plain, plain)
            out.append(plain[pos - t0:seg_end - t0])
        pos = seg_end
        k += 1
    return "".join(out)
