"""Number strings → exact ``Decimal``. The only module that calls cn2an.

Read here: Arabic digits with decimals and thousands separators (``1,234.5``); Chinese
numerals with 两, 〇/零, 廿/卅/卌 and the financial capitals (壹贰叁…); Arabic mantissas with
Chinese scales (``4.9亿``, ``3千万``, ``1.5万亿``) and positional mixtures (``1万600``,
``5亿1万4千6百``, ``四千230``); Chinese decimals with a scale (``三点五万``); digit-by-digit
readings (``二〇二三``, ``一七二零点一``); the colloquial elisions ``三千五`` (3500), ``一万五``
(15000) and ``百三`` (130); ``万万`` (10^8); a sign (负, -). Anything malformed (``1.2.3万``,
``万万万``, ``三十十``) gives ``None``: no number rather than a wrong one. What our reader
rejects is offered to cn2an before giving up; ``tests/test_numbers_oracle.py`` checks the
reader against cn2an on generated numerals.

The extraction rules decide which strings are figures at all: ``三五个`` ("three or five")
reads here as 35 but is never offered as a figure (see ``ambiguous_cn``).
"""

from __future__ import annotations

import functools
from decimal import (MAX_EMAX, MIN_EMIN, ROUND_HALF_EVEN, Context, Decimal, DivisionByZero,
                     InvalidOperation, localcontext)

import regex

_SCALE = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}
_FOLD = str.maketrans({
    "壹": "一", "贰": "二", "叁": "三", "肆": "四", "伍": "五", "陆": "六", "柒": "七", "捌": "八",
    "玖": "九", "拾": "十", "佰": "百", "仟": "千", "貳": "二", "參": "三", "陸": "六", "萬": "万",
    "億": "亿", "負": "负", "點": "点", "兩": "两", "〇": "零", "○": "零", "−": "-", "－": "-",
    "廿": "二十", "卅": "三十", "卌": "四十", "参": "三", "俩": "两", "倆": "两", " ": None,
    "\u3000": None,
})
_ARABIC = regex.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})++|[0-9]++)(?:\.[0-9]++)?")
_TOKEN = regex.compile(r"[0-9]++|[零一二两三四五六七八九]|[十百千万亿]")
_CN_DIGIT = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
_KNOWN = regex.compile(r"[0-9.,零一二两三四五六七八九十百千万亿点]*+")
_DIGITS_ONLY = regex.compile(r"[零一二两三四五六七八九]++")
_SCALED_FRACTION = regex.compile(r"([0-9零一二三四五六七八九]++)(万|亿|万亿)")


#: A number string longer than this is no figure (``parse_number`` gives ``None``).
MAX_DIGITS = 4000
#: Where every value is computed: exact for any figure (``MAX_DIGITS`` digits times any scale),
#: whatever decimal context the caller set (``getcontext().prec = 4`` must not round 123456789元).
EXACT = Context(prec=MAX_DIGITS + 100, rounding=ROUND_HALF_EVEN, Emax=MAX_EMAX, Emin=MIN_EMIN,
                traps=[InvalidOperation, DivisionByZero])
#: A quotient (千分之一 as a percent) is rounded to 28 significant digits, as Python's default.
QUOTIENT = Context(prec=28, rounding=ROUND_HALF_EVEN, Emax=MAX_EMAX, Emin=MIN_EMIN,
                   traps=[InvalidOperation, DivisionByZero])


def plain(d: Decimal) -> str:
    """A Decimal as a plain string: no exponent, no trailing fractional zeros."""
    return format(d.normalize(EXACT), "f")


def tidy(d: Decimal) -> Decimal:
    """The same number with no exponent and no trailing zeros: ``Decimal('6700')``, not ``6.7E+3``."""
    return Decimal(plain(d))


def ambiguous_cn(s: str) -> bool:
    """A run of 2–3 Chinese digits with no unit (三五, 一二): "three or five", not 35."""
    if s.isascii():
        return False  # Arabic digits (the fold maps nothing to ASCII but deletes spaces)
    s = s.translate(_FOLD)
    return 2 <= len(s) <= 3 and bool(_DIGITS_ONLY.fullmatch(s)) and "零" not in s


def _scale_product(suffix: str) -> int | None:
    product = 1
    last = None
    for ch in suffix.translate(_FOLD):
        f = _SCALE.get(ch)
        if f is None or ch == last:
            return None
        product *= f
        last = ch
    return product


def scale_value(word: str) -> Decimal | None:
    """The value of scale words alone: 万 → 10000, 十亿 → 10^9; ``None`` for anything else."""
    product = _scale_product(word) if word else None
    return Decimal(product) if product is not None else None


def _section(tokens: list[str]) -> int | None:
    """Tokens of a number below 10^4: digits, Arabic runs, 十百千."""
    total = 0
    pending: int | None = None
    pending_arabic = False
    last_unit = 10**4
    zero = False
    for i, tok in enumerate(tokens):
        if tok in ("十", "百", "千"):
            unit = _SCALE[tok]
            if unit >= last_unit:
                return None
            if pending is None:
                if i == 0 or (unit == 10 and zero):
                    pending = 1  # 十二, 百三, 一百零十
                else:
                    return None
            if pending >= 10:
                return None
            total += pending * unit
            last_unit = unit
            pending = None
            zero = False
            continue
        if tok == "零":
            if pending is not None:
                return None
            zero = True
            continue
        if pending is not None:
            return None
        if tok[0].isdigit():
            pending_arabic = True
            if len(tok) > 1 and tok[0] == "0":
                zero = True
            pending = int(tok)
            if pending >= last_unit:
                return None
        else:
            pending_arabic = False
            pending = _CN_DIGIT[tok]
    if pending is not None:
        if not pending_arabic and not zero and last_unit < 10**4 and i > 0:
            pending *= last_unit // 10  # 三千五 = 3500
        total += pending
    return total


def _integer(tokens: list[str]) -> int | None:
    for big, factor in (("亿", 10**8), ("万", 10**4)):
        if big in tokens:
            k = tokens.index(big)
            head, tail = tokens[:k], tokens[k + 1:]
            if not head or big in tail:
                return None
            hi = _integer(head)
            if not hi:
                return None
            lo = _integer(tail) if tail else 0
            if lo is None or lo >= factor:
                return None
            if len(tail) == 1 and not tail[0][0].isdigit() and tail[0] != "零" and lo < 10:
                lo *= factor // 10  # 一万五 = 15000
            return hi * factor + lo
    return _section(tokens)


def _positional(s: str) -> Decimal | None:
    whole, dot, frac = s.partition("点")
    if dot and not (whole and frac):
        return None  # 零点, 点一: half a number
    scaled = _SCALED_FRACTION.fullmatch(frac) if dot else None
    if scaled:  # 三点五万 = 3.5 × 10^4: the scale words close the decimal number
        mantissa = _positional(f"{whole}点{scaled.group(1)}")
        factor = _scale_product(scaled.group(2))
        return None if mantissa is None or factor is None else mantissa * factor
    s = whole.replace("万万", "亿")
    tokens = _TOKEN.findall(s)
    if "".join(tokens) != s:
        return None
    if not tokens:
        v = 0 if dot else None
    elif _DIGITS_ONLY.fullmatch(s) and len(s) > 1:
        if "两" in s or len(s) > 40:
            return None  # 两两 is no number; 两 is never read digit by digit
        v = int("".join(str(_CN_DIGIT[c]) for c in s))  # 二零二三, 一二三: digit by digit
    else:
        v = _integer(tokens)
    if v is None:
        return None
    if not dot:
        return Decimal(v)
    if frac.isdigit() and frac.isascii():
        digits = frac
    elif frac and all(c in _CN_DIGIT for c in frac):
        digits = "".join(str(_CN_DIGIT[c]) for c in frac)
    else:
        return None
    return Decimal(f"{v}.{digits}")


@functools.lru_cache(maxsize=1024)
def _cn2an(s: str) -> Decimal | None:
    import cn2an  # type: ignore[import-untyped]  # lazily: slow to import, rarely needed

    try:
        v = cn2an.cn2an(s, "normal")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return Decimal(str(v))


@functools.lru_cache(maxsize=8192)
def parse_number(s: str) -> Decimal | None:
    """Parse one number string; ``None`` when it is not a well-formed number (or longer than
    ``MAX_DIGITS``). Exact whatever the caller's decimal context."""
    if not s or len(s) > MAX_DIGITS:
        return None
    with localcontext(EXACT):
        return _parse_number(s)


def _parse_number(s: str) -> Decimal | None:
    s = s.translate(_FOLD)
    sign = 1
    if s[:1] in ("负", "-"):
        sign, s = -1, s[1:]
    if not s or s[0] == "点" or s[-1] == "点":
        return None  # 零点, 点一: half a number
    if s[0] == "." and s[1:].isdigit() and s[1:].isascii():
        s = "0" + s  # .5, -.5
    m = _ARABIC.match(s)
    if m:
        lead, rest = m.group(), s[m.end():]
        if not rest or rest[0] != "点":
            try:
                mantissa = Decimal(lead.replace(",", ""))
            except InvalidOperation:
                return None
            if not rest:
                return tidy(sign * mantissa)
            factor = _scale_product(rest)
            if factor is not None:  # 4.9亿, 3千万, 1.5万亿
                return tidy(sign * mantissa * factor)
            if "." in lead or "," in lead:
                return None  # 1.2.3万, 1,5万6: a decimal cannot start a positional number
    if s in ("十", "百", "千"):  # 近千人: the scale word alone is the number; 万 alone is not
        return Decimal(sign * _SCALE[s])
    if s[0] == "." and s[1:].isdigit() and s[1:].isascii():
        s = "0" + s  # .5
    v = _positional(s)
    if v is None and not _KNOWN.fullmatch(s):
        v = _cn2an(s)  # characters our reader does not know: ask cn2an before giving up
    return tidy(sign * v) if v is not None else None


@functools.lru_cache(maxsize=8192)
def parse_scaled(num: str, scale: str | None) -> Decimal | None:
    """A number followed by a separate scale word (``500`` + ``万`` in ``500余万``). Cached as
    ``parse_number`` is: a pure function of two short strings, and a report repeats its
    numbers (a Decimal is immutable)."""
    v = parse_number(num)
    if v is None:
        return None
    with localcontext(EXACT):
        if scale:
            factor = _scale_product(scale)
            if factor is None:
                return None
            v = v * factor
        return tidy(v)
