"""Number strings → exact ``Decimal``. The only module that calls cn2an.

Accepted: Arabic digits with decimals and thousands separators (``1,234.5``), Chinese
numerals including 两, 〇/零 and the financial capitals (壹贰叁…), and mixtures of an Arabic
mantissa with Chinese scale characters (``4.9亿``, ``3千万``, ``1.5万亿``). Anything else
(``1.2.3万``, ``万万``) gives ``None``: no number rather than a wrong one.
"""

from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation

import regex

_SCALE = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8, "拾": 10, "佰": 100, "仟": 1000}
_CAPITALS = str.maketrans("壹贰叁肆伍陆柒捌玖拾佰仟貳參陸", "一二三四五六七八九十百千二三六")
_ARABIC = regex.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})++|[0-9]++)(?:\.[0-9]++)?")
_CN = regex.compile(r"[零〇一二两三四五六七八九十百千万亿点]++")
_DIGIT_ONLY = regex.compile(r"[零〇一二两三四五六七八九]++")
_DIGIT_MAP = str.maketrans("零〇一二两三四五六七八九", "001223456789")


def plain(d: Decimal) -> str:
    """A Decimal as a plain string: no exponent, no trailing fractional zeros."""
    return format(d.normalize(), "f")


def tidy(d: Decimal) -> Decimal:
    """The same number with no exponent and no trailing zeros: ``Decimal('6700')``, not ``6.7E+3``."""
    return Decimal(plain(d))


def _scale_product(suffix: str) -> int | None:
    product = 1
    last = None
    for ch in suffix:
        f = _SCALE.get(ch)
        if f is None:
            return None
        # Scales must not grow then shrink oddly: allow 千万, 百万, 万亿, 亿万; reject 万万.
        if last is not None and ch == last:
            return None
        product *= f
        last = ch
    return product


@functools.lru_cache(maxsize=4096)
def _cn2an(s: str) -> Decimal | None:
    import cn2an  # imported lazily: the Arabic-only path never needs it

    try:
        v = cn2an.cn2an(s, "normal")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return Decimal(str(v))


@functools.lru_cache(maxsize=8192)
def parse_number(s: str) -> Decimal | None:
    """Parse one number string; ``None`` when it is not a well-formed number."""
    if not s:
        return None
    s = s.translate(_CAPITALS)
    m = _ARABIC.match(s)
    if m:
        try:
            mantissa = Decimal(m.group().replace(",", ""))
        except InvalidOperation:
            return None
        rest = s[m.end():]
        if not rest:
            return tidy(mantissa)
        factor = _scale_product(rest)
        if factor is None:
            return None
        return tidy(mantissa * factor)
    if not _CN.fullmatch(s):
        return None
    if s in ("十", "百", "千", "万", "亿"):  # 近千人, 上万名: the scale word alone is the number
        return Decimal(_SCALE[s])
    if _DIGIT_ONLY.fullmatch(s) and len(s) > 1:
        # 二〇二三 is read digit by digit (a year); 一一 or 三五 (“three or five”) is no number.
        if len(s) == 4 or "〇" in s or "零" in s:
            return Decimal(s.translate(_DIGIT_MAP))
        return None
    if s.startswith("两") or "两" in s:
        s = s.replace("两", "二")
    v = _cn2an(s)
    return tidy(v) if v is not None else None


def parse_scaled(num: str, scale: str | None) -> Decimal | None:
    """A number followed by a separate scale word (``500`` + ``万`` in ``500余万``)."""
    v = parse_number(num)
    if v is None:
        return None
    if scale:
        factor = _scale_product(scale)
        if factor is None:
            return None
        v = v * factor
    return tidy(v)
