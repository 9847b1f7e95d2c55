"""Conformance runner: unionfacts against the peer test cases in ``shared/conformance``.

    python tools/conformance.py [DIR] [--json OUT] [--show-misses N] [--category CAT ...]
                                     [--source SRC ...]

``DIR`` defaults to ``$UNIONFACTS_CONFORMANCE``, else the ``shared/conformance`` folder found
beside the repository root, walking up from this file and from the working directory. The
JSONL case files are read directly (the folder's own ``load.py`` is not needed).

What is run (everything else is counted as out of scope, with a reason):

* money, number and percent cases of Recognizers-Text, JioNLP (``parse_money``,
  ``extract_money``), cn2an (``cn2an``), Duckling (money, numeral) and the NeMo /
  WeTextProcessing inverse-normalisation fixtures (cardinal, decimal, money);
* date and date-period cases of Recognizers-Text (date / date-period extractor and parser specs),
  JioNLP ``parse_time`` and Duckling time, each with the case's reference time passed as
  ``published``.

How a case is judged, which phenomena are out of scope and why: ``docs/conformance.md``.
The scope rules are the ``_OUT`` tables and the ``_*_scope`` functions below; each returns a
reason key from ``REASONS`` so that every case left out is listed and counted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import regex

from unionfacts.extractor import extract
from unionfacts.pipeline.normalize import fold
from unionfacts.pipeline.numbers import parse_number

ENV_VAR = "UNIONFACTS_CONFORMANCE"

CATEGORIES = ("money", "number", "percent", "date", "daterange")

#: File stem → (category family, how its items are judged). Files not listed are not run.
RUN_FILES: dict[str, str] = {
    "recognizers_zh_currency": "money",
    "recognizers_zh_number": "number",
    "recognizers_zh_percent": "percent",
    "jionlp_money_parse": "money",
    "jionlp_money_extract": "money",
    "cn2an_cn2an": "number",
    "duckling_zh_money": "money",
    "duckling_zh_numeral": "number",
    "nemo_zh_itn_cardinal": "number",
    "nemo_zh_itn_decimal": "number",
    "nemo_zh_itn_money": "money",
    "wetext_itn_number": "number",
    "wetext_itn_cardinal": "number",
    "wetext_itn_money": "money",
    "recognizers_zh_date_parser": "date",
    "recognizers_zh_date_extractor": "date",
    "recognizers_zh_dateperiod_parser": "daterange",
    "recognizers_zh_dateperiod_extractor": "daterange",
    "jionlp_time_parse": "time",
    "duckling_zh_time": "time",
}

#: Files whose expected items list *every* fact of the kind in the sentence: an extra fact of
#: that kind that overlaps no expected item fails the case.
EXHAUSTIVE = {"recognizers_zh_currency", "recognizers_zh_percent", "jionlp_money_extract"}

#: Files (and categories) whose in-scope pass rates the targets are stated for.
TARGETS = {
    "numeric": {"target": 0.95, "files": ("recognizers_zh_currency", "recognizers_zh_number",
                                          "recognizers_zh_percent", "jionlp_money_parse",
                                          "cn2an_cn2an")},
    "dates": {"target": 0.90, "categories": ("date", "daterange")},
}

#: Reason key → why such cases are out of scope for a news-text extractor.
REASONS: dict[str, str] = {
    # whole files
    "file:time-of-day": "time-of-day and time-period specs (Recognizers Time / TimePeriod, ITN time): "
                        "sub-day facts are out of scope",
    "file:datetime-model": "Recognizers DateTime model / date-time / merged specs: mostly date + time "
                           "of day; the date parts are covered by the date and date-period specs run",
    "file:set": "recurring sets (每周, 每年): not a single date",
    "file:holiday": "holiday specs: holiday names need calendars and conventions; not in the gold "
                    "taxonomy",
    "file:duration": "duration specs: the duration kind is not judged by this runner (dates, money, "
                     "numbers and percentages only)",
    "file:range": "Recognizers NumberRange: ranges of bare numbers (大于20小于35) with no unit are not "
                  "facts",
    "file:ordinal": "ordinals (第三): not facts in the gold taxonomy",
    "file:fraction": "fraction files: fractions are not a value type of our API",
    "file:itn-date": "ITN date rewrites: the peer data gives no normalised value (written form only)",
    "file:fst-time": "fst-time-nlu ground truth: voice-assistant commands, no spans; not in the "
                     "requested source set",
    "file:time-extract": "JioNLP extract_time: span-only assistant-style time extraction, not in the "
                         "requested set (its parse_time cases are run)",
    "file:not-requested": "file not in this runner's set",
    "file:an2cn": "an2cn / num2char: number → Chinese text, the reverse direction of an extractor",
    "file:transform": "whole-sentence rewrites (cn2an transform, ITN normalizer): no spans or values "
                      "to compare",
    "file:measure-age": "measures, temperature and age: peer unit names need a mapping to our "
                        "units; ages (岁) are not a fact kind of ours",
    # numbers
    "num:no-value": "the peer data has no normalised value (ranges such as 三五百, digit sequences, "
                    "phone / ID numbers, lossy peer values)",
    "num:spaced": "numeral spelled with spaces between its characters (一百 五 十 二, 百 分 之 2.4): "
                  "tokenised / ASR-style input, not how edited news text is written",
    "num:exponent": "scientific or power notation (2e5, 2^5, 1.1^+23): not used for quantities in "
                    "Chinese news",
    "num:k-suffix": "k / M / G / w magnitude suffixes (40k, 15k左右, 30w, 3M, 百分之15K): internet / "
                    "recruiting slang, not news writing",
    "num:fraction": "fractions (五分之一, 3/5, 一又十分一, 二份一, 一半): not a value type of our API "
                    "(parse_number covers integers and decimals with scales)",
    "num:multiplier": "pair / dozen multipliers (一对 = 2, 五打 = 60) and 半百: idioms or classifier "
                      "semantics, not numerals",
    "num:zhao": "兆 read as 10^12 (Japanese / Taiwan usage); in mainland news 兆 is 10^6 (兆瓦, "
                "兆字节), so the peer's value is one convention of two",
    "peer:disputed": "the peer's value is one reading of a malformed or disputed form (listed in "
                     "DISPUTED with the reason)",
    "num:spoken-digits": "幺 / 洞 / 拐 spoken digit names (幺八九): read-out phone / code style, "
                         "not written text",
    "num:strict-only-error": "cn2an strict-mode ValueError for an input cn2an itself accepts in "
                             "normal / smart mode (the same input is a value case): a news "
                             "extractor takes the lenient reading",
    # money
    "money:bare-currency": "a currency name with no amount (人民币 美元): not a money fact",
    "money:no-currency": "no currency written (JioNLP defaults to 元): a bare number is not a "
                         "money fact in news text",
    "money:cantonese": "Cantonese colloquial money words (蚊, 毫, 仙, 個 for dollar): not written "
                       "news Chinese",
    "money:cents-only": "a bare 分 / 角 / 毛 amount with no 元 / 块 / 钱: without context it is a "
                        "score, minutes or an angle as often as money",
    "money:obsolete-unit": "obsolete sub-unit 銭 (sen)",
    "money:crypto": "cryptocurrency (比特币): no ISO 4217 code, and Money.unit is an ISO 4217 code",
    # percent
    "pct:peer-limit-negative": "the peer expects nothing only because it cannot read an "
                               "approximate range (百分之二三十 = 20–30%); a news reader takes it as "
                               "a fact, so the negative expectation is not ours",
    # dates
    "date:duration": "a length of time (4周, 两年半), not a date: the duration kind, not judged here",
    "date:recurring": "recurring sets (每年, 每周三, 每隔3天): not a single date",
    "date:lunar": "lunar-calendar dates (农历, 正月, 初一, 闰月, 除夕; JioNLP's 廿 / 卅 days and its "
                  "lunar readings of X月十五): need a lunar calendar; not in the gold taxonomy",
    "date:holiday": "holidays, festivals, solar terms, seasons and school vacations (春节, 国庆, "
                    "冬至, 夏天, 暑假): names whose dates need calendars and conventions; not in the "
                    "gold taxonomy",
    "date:week": "weekdays and weeks (星期一, 上周, 下周末, 第2周): Date has no week granularity and "
                 "week resolution depends on a week convention",
    "date:time-of-day": "time of day with no date (下午三点, 15:37, 晚上8点许): sub-day facts are out "
                        "of scope (with a date, the date part is judged)",
    "date:sub-day-relative": "offsets in hours / minutes / seconds (三小时后, 上两分钟): sub-day",
    "date:now": "deictic 'now' and vague periods (现在, 此时, 当前, 最近, 全天): not date facts "
                "(gold format: vague periods are not facts)",
    "date:open-ended": "open-ended spans anchored at the reference time (2019年5月8日起, 至今, "
                       "年底前, 以来, 以内): one end is 'now', not written in the text",
    "date:rolling": "relative offsets and rolling windows (三年前, 20天后, 近三年, 过去十年, 未来两天, "
                    "前两个月, 上2个月): no agreed anchor / span convention (calendar units vs "
                    "rolling days); in news they describe durations or vague periods",
    "date:anaphoric": "anaphoric references (同月, 次年, 次日, 当晚): relative to a date earlier in "
                      "the text, not to the publication date",
    "date:two-digit-year": "two-digit years (07年, 19年底, 九七年): informal and century-ambiguous "
                           "(JioNLP reads 三三年 as 1933 but 24年 as 2024); the library rejects "
                           "them by design",
    "date:pre-1000": "years before 1000 (三六七年, 789年): historical; in news a 3-digit number "
                     "before 年 is almost always a count of years",
    "date:era": "imperial reign years (康熙三年, 神龙元年): need a reign table; historical writing",
    "date:numeric-order": "numeric dates not in year-month-day order or with a 2-digit year "
                          "(13.5.2015, 3/3/2015, 05/05/89, 10/1/2018-10/7/2018): not a Chinese "
                          "convention",
    "date:numeric-md": "numeric month-day with no year (12/1, 09-01, 2/15, 6·30, 11/3号): in news "
                       "ambiguous with scores, ranges and event names (7·20暴雨)",
    "date:bare-year": "a bare 4-digit number read as a year (2018 看起来是一个年份): in news such "
                      "numbers are counts or codes unless followed by 年",
    "date:ordinal": "ordinal positions (第三天, 第七年, 第8个月): relative to an unstated start",
    "date:between-exclusive": "'after A before B' (2010年之后2018年之前): the bounds' inclusion is "
                              "ambiguous",
    "date:no-value": "the peer data has no resolved value (open-ended, vague or unresolvable "
                     "expression)",
}

#: Single cases whose peer value is one reading of a disputed form (see README of the data:
#: "ASR-oriented and sometimes odd ... treat as peer opinion").
DISPUTED: dict[str, str] = {
    "nemo_zh_itn_money:10": "一千五万元 → 10050000 (NeMo); not a well-formed numeral",
    "nemo_zh_itn_cardinal:89": "一億零一萬一千一百一 → …1101 (NeMo); 一百一 is 110 in ordinary usage",
}

_EMPTY: dict = {}


# --------------------------------------------------------------------------- locating the data

def find_conformance_dir(explicit: str | os.PathLike | None = None) -> Path | None:
    """The conformance folder: ``explicit``, else ``$UNIONFACTS_CONFORMANCE``, else
    ``shared/conformance`` beside the repository root (found walking up from this module and
    from the working directory). ``None`` when there is none."""
    if explicit:
        p = Path(explicit)
        return p if p.is_dir() else None
    env = os.environ.get(ENV_VAR)
    if env:
        p = Path(env)
        return p if p.is_dir() else None
    seen: set[Path] = set()
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for d in (start, *start.parents):
            if d in seen:
                continue
            seen.add(d)
            cand = d / "shared" / "conformance"
            if cand.is_dir() and any(cand.glob("*.jsonl")):
                return cand
    return None


def load_cases(folder: Path) -> Iterator[dict]:
    """Every case of every ``*.jsonl`` file, with ``file`` (the stem) added."""
    for path in sorted(folder.glob("*.jsonl")):
        stem = path.stem
        with path.open(encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line:
                    case = json.loads(line)
                    case.setdefault("file", stem)
                    yield case


# --------------------------------------------------------------------------- small helpers

def _dec(x: Any) -> Decimal | None:
    if x is None:
        return None
    try:
        return Decimal(str(x))
    except InvalidOperation:
        return None


def published_from(ref: str | None) -> str | None:
    """A peer reference time → what ``extract(published=)`` takes: ``YYYY-MM-DD`` or
    ``YYYY-MM-DDTHH:MM``. The UTC offset is dropped (peer values are local times); a partial
    reference (``2021``, ``2019-06``) is padded with the first month / day."""
    if not ref:
        return None
    m = regex.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:[T ](\d{2}):(\d{2}))?", ref)
    if not m:
        return None
    y, mo, d, hh, mi = m.groups()
    day = f"{y}-{mo or '01'}-{d or '01'}"
    return f"{day}T{hh}:{mi}" if hh is not None else day


@functools.lru_cache(maxsize=None)
def _facts(text: str, published: str | None) -> tuple:
    try:
        return tuple(extract(text, published=published))
    except Exception as exc:  # a crash is a miss, reported with its message
        return (("error", f"{type(exc).__name__}: {exc}"),)


def _ok_facts(facts: tuple) -> list:
    return [f for f in facts if not isinstance(f, tuple)]


def _error_of(facts: tuple) -> str | None:
    for f in facts:
        if isinstance(f, tuple):
            return f[1]
    return None


def _overlaps(f, start: int | None, end: int | None) -> bool:
    if start is None or end is None:
        return True
    return f.start < end and start < f.end


def _show_fact(f) -> str:
    if isinstance(f, tuple):
        return f"ERROR {f[1]}"
    if f.kind in ("date", "duration"):
        return f"{f.kind}:{f.text}={f.value}"
    bounds = f" [{f.low},{f.high}]" if getattr(f, "low", None) is not None else ""
    unit = f" {f.unit}" if f.unit else ""
    v = format(f.value.normalize(), "f")
    return f"{f.kind}:{f.text}={v}{unit}{bounds} {f.qualifier}"


# --------------------------------------------------------------------------- results

@dataclass
class Result:
    id: str
    file: str
    source: str
    category: str
    input: str
    status: str                       # pass | fail | out
    reason: str | None = None         # reason key when out
    published: str | None = None
    expected: list[str] = field(default_factory=list)
    got: list[str] = field(default_factory=list)
    why: str | None = None            # short failure explanation
    out_items: list[str] = field(default_factory=list)   # items left out inside an in-scope case

    def as_json(self) -> dict:
        d = {"id": self.id, "file": self.file, "source": self.source, "category": self.category,
             "input": self.input, "status": self.status}
        if self.reason:
            d["reason"] = self.reason
        if self.status != "out":
            d.update(published=self.published, expected=self.expected, got=self.got)
            if self.why:
                d["why"] = self.why
            if self.out_items:
                d["out_items"] = self.out_items
        return d


# --------------------------------------------------------------------------- scope: numbers

_SPACED = regex.compile(r"\p{Han}\s+\p{Han}|[0-9０-９]\s+[0-9０-９]|\p{Han}\s+[kK]")
_EXPONENT = regex.compile(r"[0-9.]\s*[eE]\s*[-+]?[0-9]|\^")
_KSUFFIX = regex.compile(r"[0-9]\s*[kKMGwW](?![a-zA-Z])")
_FRACTION = regex.compile(r"(?<!^[百千万仟佰]{1,2}\s*)分\s*之|[0-9]\s*[/／]\s*[0-9]|又|[十百千0-9]份|半")
_ZHAO = regex.compile(r"兆")
_MULTIPLIER = regex.compile(r"[打对對双雙]$|半百")
_SPOKEN = regex.compile(r"[幺洞拐]")
_MONEY_WORD = regex.compile(r"[元圆圓块塊角毛]|(?<![0-9一二三四五六七八九十百]分之)[0-9一二三四五六七八九十]分")
_APPROX = regex.compile(r"[多余餘几幾来來]")


_NUMBER_SCOPES = ((_EXPONENT, "num:exponent"), (_KSUFFIX, "num:k-suffix"),
                  (_SPOKEN, "num:spoken-digits"), (_MULTIPLIER, "num:multiplier"),
                  (_FRACTION, "num:fraction"), (_ZHAO, "num:zhao"))


def _number_scope(item: dict) -> str | None:
    text = item.get("text") or ""
    if item.get("value") is None:
        return "num:no-value"
    t = fold(text)
    if _SPACED.search(t.strip()):
        return "num:spaced"
    return next((reason for pat, reason in _NUMBER_SCOPES if pat.search(t)), None)


def _judge_number(case: dict, results_ctx: dict) -> tuple[str, str | None, list, list, str | None, list]:
    """status, reason, expected, got, why, out_items for a number case."""
    inp = case["input"]
    items = case["expected"]
    params = case.get("params") or _EMPTY
    if not items:
        if params.get("expect_error") and inp in results_ctx["cn2an_value_inputs"]:
            return "out", "num:strict-only-error", [], [], None, []
        t = fold(inp).strip()
        got_num = parse_number(t) if t else None
        facts = _facts(inp, None)
        counted = [f for f in _ok_facts(facts) if f.kind in ("count", "measure")]
        got = ([f"parse_number={got_num}"] if got_num is not None else []) + [_show_fact(f) for f in counted]
        if _error_of(facts):
            return "fail", None, ["(nothing)"], [_error_of(facts)], "error", []
        if got_num is None and not counted:
            return "pass", None, ["(nothing)"], got, None, []
        return "fail", None, ["(nothing)"], got, "false positive", []
    judged = []
    out_items = []
    for it in items:
        r = _number_scope(it)
        if r:
            out_items.append((it, r))
        else:
            judged.append(it)
    if not judged:
        return "out", out_items[0][1], [], [], None, []
    expected, got, whys = [], [], []
    for it in judged:
        exp = _dec(it["value"])
        text = fold(it["text"]).strip()
        expected.append(f"{it['text']}={it['value']}")
        if _MONEY_WORD.search(text):
            # cn2an's 壹拾壹元整 and the like: a money reading, judged by extraction
            facts = _ok_facts(_facts(inp, None))
            money = [f for f in facts if f.kind == "money" and _overlaps(f, it.get("start"), it.get("end"))]
            got.extend(_show_fact(f) for f in money)
            if not any(f.value == exp for f in money):
                whys.append("money reading not extracted" if not money else "wrong value")
            continue
        if _APPROX.search(text):
            # 十多万 / 500余万: a qualifier, handled at the fact level; probe with a classifier
            probe = text + "人"
            facts = [f for f in _ok_facts(_facts(probe, None)) if f.kind == "count"]
            got.extend(f"probe {probe!r}: " + _show_fact(f) for f in facts)
            if not any(f.value == exp or f.low == exp for f in facts):
                whys.append(f"approximate numeral not read ({probe})")
            continue
        t = text[:-1] if text.endswith(("个", "個")) and len(text) > 1 else text
        v = parse_number(t)
        got.append(f"parse_number({t!r})={v}")
        if v is None or v != exp:
            whys.append("not parsed" if v is None else "wrong value")
    status = "fail" if whys else "pass"
    return status, None, expected, got, "; ".join(dict.fromkeys(whys)) or None, \
        [f"{it.get('text')}: {r}" for it, r in out_items]


# --------------------------------------------------------------------------- scope: money / percent

_BARE_DIGITS = regex.compile(r"[0-9０-９零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億兩]")
_CANTONESE = regex.compile(r"[蚊毫仙]|[个個][半一二三四五六七八九]$|^[个個]")
_CENTS_ONLY = regex.compile(r"^[^元圆圓块塊钱錢]*[分角毛][^元圆圓块塊钱錢]*$")
_CRYPTO = regex.compile(r"比特币|比特幣|以太币")
_VAGUE = regex.compile(r"多|余|餘|几|幾|数|數|来|來|上下|左右")
_PCT_POINTS = regex.compile(r"百\s*分\s*[点點]")


def _money_scope(case: dict, item: dict) -> str | None:
    text = item.get("text") or ""
    t = fold(text)
    if not text:
        return "num:no-value"
    if _CANTONESE.search(t):
        return "money:cantonese"
    if not _BARE_DIGITS.search(t):
        return "money:bare-currency"
    if "no currency written" in (case.get("notes") or ""):
        return "money:no-currency"
    if _KSUFFIX.search(t):
        return "num:k-suffix"
    if _SPACED.search(t.strip()):
        return "num:spaced"
    if "銭" in t:
        return "money:obsolete-unit"
    if _CRYPTO.search(t):
        return "money:crypto"
    if _ZHAO.search(t):
        return "num:zhao"
    if case["file"].startswith("duckling") and _CENTS_ONLY.search(t) and not item["unit"]:
        return "money:cents-only"
    if item.get("value") is None and not (item.get("extra") or _EMPTY).get("value_range") \
            and case["file"] not in ("jionlp_money_extract", "recognizers_zh_currency"):
        return "num:no-value"
    return None


def _percent_scope(case: dict, item: dict | None) -> str | None:
    if item is None:
        inp = fold(case["input"])
        if regex.search(r"[一二三四五六七八九十]{2}(?:个百分点|個百分點)|百分之[二三四五六七八九]{2}十", inp):
            return "pct:peer-limit-negative"
        return None
    t = fold(item.get("text") or "")
    if _KSUFFIX.search(t) or regex.search(r"\d\s*[kK]\b", t):
        return "num:k-suffix"
    if _SPACED.search(t.strip()):
        return "num:spaced"
    return None


def _num_expectation(item: dict) -> tuple[str, tuple] | None:
    """How an item's numeric value is compared: ``point`` (the fact's value, or a bound of a
    range fact), ``range`` (low and high), ``lower`` (the lower bound of a vague amount such as
    3000多 or 几十万, whose upper bound is the peer's own convention); None: span only."""
    v = _dec(item.get("value"))
    if v is not None:
        return "point", (v,)
    vr = (item.get("extra") or _EMPTY).get("value_range")
    if not vr:
        return None
    lo, hi = _dec(vr[0]), _dec(vr[1])
    if lo is not None and hi is not None:
        if _VAGUE.search(item.get("text") or ""):
            return "lower", (lo,)
        return "range", (lo, hi)
    if lo is not None:
        return "point", (lo,)
    if hi is not None:
        return "point", (hi,)
    return None


def _num_match(f, exp: tuple[str, tuple] | None) -> bool:
    if exp is None:
        return True
    mode, vals = exp
    if mode == "point":
        if f.value == vals[0]:
            return True
        return f.qualifier == "range" and vals[0] in (f.low, f.high)
    if mode == "range":
        return f.low == vals[0] and f.high == vals[1]
    return (f.low if f.low is not None else f.value) == vals[0]


def _show_num_expect(item: dict, exp, unit: str | None) -> str:
    if exp is None:
        val = "(span only)"
    elif exp[0] == "point":
        val = format(exp[1][0], "f")
    elif exp[0] == "range":
        val = f"[{exp[1][0]},{exp[1][1]}]"
    else:
        val = f">={exp[1][0]}"
    return f"{item.get('text')}={val}{' ' + unit if unit else ''}"


def _judge_extracted_numeric(case: dict, kind: str) -> tuple[str, str | None, list, list, str | None, list]:
    inp = case["input"]
    pub = published_from(case.get("reference_time"))
    facts_all = _facts(inp, pub)
    err = _error_of(facts_all)
    facts = [f for f in _ok_facts(facts_all) if f.kind == kind]
    got = [_show_fact(f) for f in facts] + ([f"ERROR {err}"] if err else [])
    items = case["expected"]
    scope = _money_scope if kind == "money" else _percent_scope
    if not items:
        r = scope(case, None) if kind == "percent" else None
        if r:
            return "out", r, [], [], None, []
        if err:
            return "fail", None, ["(nothing)"], got, "error", []
        return ("pass" if not facts else "fail"), None, ["(nothing)"], got, \
            (None if not facts else "false positive"), []
    judged, out_items = [], []
    for it in items:
        r = scope(case, it)
        (out_items if r else judged).append((it, r))
    if not judged:
        return "out", out_items[0][1], [], [], None, []
    used: set[int] = set()
    expected, whys = [], []
    for it, _ in judged:
        exp = _num_expectation(it)
        unit = it.get("unit")
        if kind == "percent":
            unit = "pp" if _PCT_POINTS.search(fold(it.get("text") or "")) else "%"
        expected.append(_show_num_expect(it, exp, unit))
        found = None
        near = []
        for i, f in enumerate(facts):
            if i in used or not _overlaps(f, it.get("start"), it.get("end")):
                continue
            near.append(f)
            if _num_match(f, exp) and (not unit or f.unit == unit):
                found = i
                break
        if found is not None and exp is None and it.get("start") is not None:
            # span-only item (JioNLP extract_money): the fact must cover the whole amount
            text = it.get("text") or ""
            core = regex.sub(r"[整正]$", "", text)
            span = [f for i, f in enumerate(facts)
                    if i not in used and _overlaps(f, it["start"], it["end"])]
            if not _covered(span, core, it["start"], it["start"] + len(core)):
                whys.append("partial span")
                continue
        if found is None:
            if err:
                whys.append("error")
            elif not near:
                whys.append("not found")
            elif any(_num_match(f, exp) for f in near):
                whys.append("wrong unit")
            else:
                whys.append("wrong value")
        else:
            used.add(found)
    if not whys and case["file"] in EXHAUSTIVE:
        spans = [(it.get("start"), it.get("end")) for it in items]
        extra = [f for i, f in enumerate(facts) if i not in used
                 and not any(_overlaps(f, s, e) for s, e in spans if s is not None)]
        if extra:
            whys.append("extra fact")
    return ("fail" if whys else "pass"), None, expected, got, "; ".join(dict.fromkeys(whys)) or None, \
        [f"{it.get('text')}: {r}" for it, r in out_items]


# --------------------------------------------------------------------------- scope: dates

_SOLAR_TERMS = ("立春|雨水|惊蛰|驚蟄|春分|清明|谷雨|穀雨|立夏|小满|小滿|芒种|芒種|夏至|小暑|大暑|立秋|处暑|處暑|"
                "白露|秋分|寒露|霜降|立冬|小雪|大雪|冬至|小寒|大寒")
_HOLIDAY = regex.compile(
    r"节|節|元旦|春节|国庆|國慶|中秋|端午|清明|元宵|七夕|重阳|除夕|圣诞|聖誕|新年|新春|纪念日|紀念日|"
    r"主日|斋|齋|受难|受難|复活|復活|赎罪|贖罪|灰日|之夜|四旬|光明|逾越|权益日|權益日|服务日|服務日|"
    r"地球一小时|地球一小時|禁食日|被毁日|正月正|朔日|三一五|母亲|父亲|暑假|寒假|礼仪日|禮儀日|独立日|獨立日|"
    r"降临日|降臨日|火曜日|圣餐|聖餐|瞻礼|瞻禮|"
    r"春天|夏天|秋天|冬天|春季|夏季|秋季|冬季|年春|年夏|年秋|年冬|" + _SOLAR_TERMS + r"|^十一$|^五一$")
_LUNAR = regex.compile(r"农历|農曆|阴历|陰曆|正月|腊月|臘月|冬月|闰|閏|大年|除夕|(?<![0-9])初[一二三四五六七八九十0-9]")
_TWENTY = regex.compile(r"[廿卅]")  # JioNLP reads 廿 / 卅 days as lunar; Duckling as Gregorian
_RECURRING = regex.compile(r"每|隔")
_WEEK = regex.compile(r"星期|礼拜|禮拜|週|周(?!年|岁|歲|期|边|邊|围|圍)")
_FULL_MD = regex.compile(r"月\s*[0-9一二三四五六七八九十廿卅]+\s*[日号號]")
_ERA = regex.compile(r"康熙|雍正|乾隆|嘉庆|嘉慶|道光|咸丰|咸豐|同治|光绪|光緒|宣统|宣統|神龙|神龍|贞观|貞觀|开元|開元|"
                     r"天宝|天寶|洪武|永乐|永樂|万历|萬曆|崇祯|崇禎")
_NOW = regex.compile(r"^(?:现在|現在|此时|此時|此刻|当前|當前|宜家|而家|依家|最近|全天|目前|近期|白天|午后|午後)$")
_ANAPHORIC = regex.compile(r"同月|同年|同日|次年|次日|翌日|当晚|當晚|当日|當日|当天|當天|第二天")
_ORDINAL = regex.compile(r"第[0-9一二三四五六七八九十两]+(?:个|個)?(?:天|日|年|月|周|週)")
_SUBDAY_REL = regex.compile(r"(?:小时|小時|钟头|鐘頭|个钟|個鐘|分钟|分鐘|秒|刻钟|刻鐘)")
# a count of units (not a 4-digit or digit-by-digit year) before 前 / 后 / 以来 ...
_REL_NUM = (r"(?:(?<![0-9])[0-9]{1,3}(?![0-9])|(?<![0-9〇零一二三四五六七八九十])"
            r"[一二三四五六七八九十两兩俩倆仨半几幾多]{1,4})")
_UNIT = r"(?:个|個)?(?:半)?(?:年|月|天|日|周|週|星期|礼拜|禮拜|季度)"
_ROLLING = regex.compile(
    r"(?<!年)" + _REL_NUM + r"(?:多|余|餘)?" + _UNIT + r"(?:半)?(?:多)?(?:前|后|後|之前|之后|之後|以前|以后|以後|以内|以內|内|內|以来|以來)"
    r"|(?<![年月份])(?:近|过去|過去|未来|未來|今后|今後|最近|前|后|後)(?:的)?" + _REL_NUM + _UNIT +
    r"|(?<![年月份])(?:上|下)(?!一(?:个|個)?(?:年|月))(?:的)?" + _REL_NUM + _UNIT)
_TWO_DIGIT_YEAR = regex.compile(r"(?<![0-9])[0-9]{2}\s*年(?!代|以上|以下|以内|多|来|左右)|"
                                r"(?<![〇零一二三四五六七八九十百千两])[〇零一二三四五六七八九]{2}年(?!代)")
_PRE_1000 = regex.compile(r"(?<![0-9])[0-9]{3}\s*年(?!代)|(?<![〇零一二三四五六七八九十百千两])"
                          r"[〇零一二三四五六七八九]{3}年(?!代)")
_NUM_ORDER = regex.compile(r"(?<![0-9]|[0-9][-/.])[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2,4}(?![0-9])")
_NUM_MD = regex.compile(r"(?<![0-9])[0-9]{1,2}\s*[-/·.]\s*[0-9]{1,2}(?![0-9])")
_HAS_YEAR4 = regex.compile(r"(?<![0-9])[0-9]{4}(?![0-9])|[〇零一二两三四五六七八九]{4}年|两千|兩千")
_BARE_YEAR = regex.compile(r"^\s*[0-9]{4}\s*$")
_AFTER_BEFORE = regex.compile(r"之后.*之前|以后.*以前")
_TIME_MARK = regex.compile(r"[点點时時分秒]|:|：|上午|下午|晚上|早上|早晨|凌晨|中午|傍晚|夜|黎明|午|晏晝|pm|am|PM|AM")
_DATE_MARK = regex.compile(r"[年月日号號天]|今|昨|明|前天|后天|後天|[0-9]{4}|[0-9]{1,2}[-/.][0-9]{1,2}")
_YEAR_MARK = regex.compile(r"年|世纪|世紀|(?<![0-9])(?:1[5-9]|20)[0-9]{2}")
_FUZZY = regex.compile(r"(?:年|月|份|世纪|世紀|年代|季度)\s*(?:初|底|末)|年中|月中|伊始|前期|中期|后期|後期|末期|初期")
_FUTURE = regex.compile(r"(?:将于|将在|将|即将|下次|计划|預計|预计|拟|定于)\s*$")
_CONNECTOR = regex.compile(r"到|至|-|—|~|～|与|與")


def _date_text_scope(text: str, case: dict) -> str | None:
    """Out-of-scope reason from an item's surface text (used for extractor specs too)."""
    t = regex.sub(r"\s+", "", fold(text))
    if not t:
        return None
    holiday = any(((it.get("extra") or _EMPTY).get("holiday")) for it in case.get("expected") or ())
    if _RECURRING.search(t):
        return "date:recurring"
    if _LUNAR.search(t) or (case["source"] == "jionlp" and _TWENTY.search(t)):
        return "date:lunar"
    if _ERA.search(t):
        return "date:era"
    if _HOLIDAY.search(t) or holiday:
        return "date:holiday"
    if _NOW.search(t):
        return "date:now"
    if _WEEK.search(t) and not (_FULL_MD.search(t) and not _CONNECTOR.search(t)):
        return "date:week"
    if _ANAPHORIC.search(t):
        return "date:anaphoric"
    if _ORDINAL.search(t):
        return "date:ordinal"
    if _SUBDAY_REL.search(t) and not _FULL_MD.search(t) and not regex.search(r"[年月日号號]", t):
        return "date:sub-day-relative"
    if _ROLLING.search(t):
        return "date:rolling"
    if _AFTER_BEFORE.search(t):
        return "date:between-exclusive"
    if _TWO_DIGIT_YEAR.search(t):
        return "date:two-digit-year"
    if _PRE_1000.search(t):
        return "date:pre-1000"
    if _NUM_ORDER.search(t):
        return "date:numeric-order"
    if not _HAS_YEAR4.search(t) and _NUM_MD.search(t) and not regex.search(r"[年月]", t):
        return "date:numeric-md"
    if _BARE_YEAR.match(t):
        return "date:bare-year"
    if _TIME_MARK.search(t) and not _DATE_MARK.search(t):
        return "date:time-of-day"
    return None


Ymd = tuple  # (year | None, month | None, day | None)


@dataclass
class DateExpect:
    first: dt.date | None
    last: dt.date | None
    level: str            # strict | md (compare month-day) | d (compare day) | span
    lenient: bool         # overlap suffices (fuzzy 年底 / 月初 boundaries)
    invalid: bool = False  # the peer marks the date invalid: no date fact may be found
    derived: str | None = None

    def show(self) -> str:
        if self.invalid:
            return "(invalid date: nothing)"
        if self.first is None:
            return "(span only)"
        s = self.first.isoformat() if self.first == self.last else f"{self.first}/{self.last}"
        extra = {"strict": "", "md": " [month-day]", "d": " [day]"}.get(self.level, "")
        return s + extra + (" [overlap]" if self.lenient else "")


def _parse_point(s: str) -> tuple[dt.date, dt.date, bool] | None:
    """An ISO point → (first day, last day, has_time)."""
    m = regex.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::\d{2})?)?)?)?", s)
    if not m:
        return None
    y, mo, d, hh, _ = m.groups()
    y = int(y)
    try:
        if mo is None:
            return dt.date(y, 1, 1), dt.date(y, 12, 31), False
        mo = int(mo)
        if d is None:
            nxt = dt.date(y + (mo == 12), mo % 12 + 1, 1)
            return dt.date(y, mo, 1), nxt - dt.timedelta(days=1), False
        day = dt.date(y, mo, int(d))
        return day, day, hh is not None
    except ValueError:
        return None


def _interval_of(value: str) -> tuple[dt.date, dt.date] | None:
    """A peer / our ISO value → the inclusive day interval it covers (time of day dropped; an
    interval end at ``T00:00`` is exclusive and ends the day before)."""
    if "/" in value:
        a, b = value.split("/", 1)
        pa, pb = _parse_point(a), _parse_point(b)
        if pa is None or pb is None:
            return None
        last = pb[1]
        if b.endswith("T00:00") and pb[0] > pa[0]:
            last = pb[0] - dt.timedelta(days=1)
        return pa[0], last
    p = _parse_point(value)
    return (p[0], p[1]) if p else None


def _add_unit(d: dt.date, unit: str) -> dt.date:
    if unit == "Y":
        return d.replace(year=d.year + 1)
    if unit == "M":
        return dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1) if d.day == 1 else d
    if unit == "W":
        return d + dt.timedelta(days=7)
    return d + dt.timedelta(days=1)


def _recognizers_derived(case: dict, item: dict) -> tuple[dt.date, dt.date, str] | None:
    """For a Recognizers parser item whose value the data leaves null: the peer's Past (news
    convention) or, after a future marker, Future resolution; for an explicit A-B range the
    natural inclusive reading (the peer excludes B)."""
    peer = ((item.get("extra") or _EMPTY).get("peer") or _EMPTY)
    val = peer.get("Value") or _EMPTY
    timex = val.get("Timex") or ""
    before = case["input"][: item.get("start") or 0]
    which = "FutureResolution" if _FUTURE.search(before) else "PastResolution"
    res = val.get(which) or _EMPTY
    try:
        if "date" in res:
            d = dt.date.fromisoformat(res["date"][:10])
            return d, d, which
        if "startDate" in res and "endDate" in res:
            a = dt.date.fromisoformat(res["startDate"][:10])
            b = dt.date.fromisoformat(res["endDate"][:10])
            m = regex.search(r",P\d+([YMWD])\)$", timex)
            if m and _CONNECTOR.search(item.get("text") or "") and timex.startswith("("):
                last = _add_unit(b, m.group(1)) - dt.timedelta(days=1)
                return a, last, which + " (A-B inclusive)"
            return a, b - dt.timedelta(days=1), which
    except ValueError:
        return None
    return None


def _date_expect(case: dict, item: dict) -> tuple[str | None, DateExpect | None]:
    """(out reason, expectation) for one date item."""
    text = item.get("text") or ""
    value = item.get("value")
    src = case["source"]
    if value is not None and value.startswith("P"):
        return "date:duration", None
    pub = published_from(case.get("reference_time"))
    r = _date_text_scope(text, case)
    if r:
        return r, None
    # open-ended: one end is the reference time itself
    if value and pub and "T" in pub and "/" in value and any(p.startswith(pub) for p in value.split("/")):
        return "date:open-ended", None
    t = fold(text)
    if value is not None:
        if value.startswith("0001-01-01"):
            return None, DateExpect(None, None, "strict", False, invalid=True)
        if regex.fullmatch(r"\d{2}:\d{2}", value):
            return "date:time-of-day", None
        iv = _interval_of(value)
        if iv is None:
            return "date:no-value", None
        if "T" in value and not _DATE_MARK.search(t):
            return "date:time-of-day", None
        first, last = iv
        derived = None
        # JioNLP reads X月十五 (no 日) as a lunar date: its month-day then differs from the text's
        if src == "jionlp" and first == last:
            m = regex.search(r"([0-9一二三四五六七八九十]{1,3})月([0-9一二三四五六七八九十]{1,3})"
                             r"(?![0-9一二三四五六七八九十])", t)
            if m:
                mm, dd = parse_number(m.group(1)), parse_number(m.group(2))
                if mm is not None and dd is not None and (int(mm), int(dd)) != (first.month, first.day):
                    return "date:lunar", None
        if src in ("jionlp", "duckling") and not _YEAR_MARK.search(t):
            level = "md" if regex.search(r"月", t) else "d"
        else:
            level = "strict"
        return None, DateExpect(first, last, level, bool(_FUZZY.search(t)), derived=derived)
    # no value in the data
    if (item.get("extra") or _EMPTY).get("peer", {}).get("Value") is not None and src == "recognizers":
        if _AFTER_BEFORE.search(t):
            return "date:between-exclusive", None
        d = _recognizers_derived(case, item)
        if d is None:
            return "date:no-value", None
        first, last, how = d
        if first.year == 1:
            return None, DateExpect(None, None, "strict", False, invalid=True)
        return None, DateExpect(first, last, "strict", bool(_FUZZY.search(t)), derived=how)
    if "extractor" in case["file"]:
        return None, DateExpect(None, None, "span", False)
    return "date:no-value", None


def _fact_interval(f) -> tuple[Ymd, Ymd] | None:
    """Our Date fact → (first, last) as (y, m, d) tuples; y / m are None for partial values."""
    if f.first and f.last:
        a, b = dt.date.fromisoformat(f.first), dt.date.fromisoformat(f.last)
        return (a.year, a.month, a.day), (b.year, b.month, b.day)
    v = f.value
    m = regex.fullmatch(r"--(\d{2})-(\d{2})(?:/--(\d{2})-(\d{2}))?", v)
    if m:
        m1, d1, m2, d2 = m.groups()
        return (None, int(m1), int(d1)), (None, int(m2 or m1), int(d2 or d1))
    m = regex.fullmatch(r"--(\d{2})", v)
    if m:
        mo = int(m.group(1))
        return (None, mo, 1), (None, mo, 31)
    m = regex.fullmatch(r"---(\d{2})", v)
    if m:
        d = int(m.group(1))
        return (None, None, d), (None, None, d)
    iv = _interval_of(v)
    if iv:
        a, b = iv
        return (a.year, a.month, a.day), (b.year, b.month, b.day)
    return None


def _date_match(f, e: DateExpect) -> bool:
    if e.first is None:
        return True
    got = _fact_interval(f)
    if got is None:
        return False
    (gy1, gm1, gd1), (gy2, gm2, gd2) = got
    ea = (e.first.year, e.first.month, e.first.day)
    eb = (e.last.year, e.last.month, e.last.day)
    if e.level == "strict":
        if gy1 is None or gy2 is None:
            return False
        g1, g2, x1, x2 = (gy1, gm1, gd1), (gy2, gm2, gd2), ea, eb
    elif e.level == "md":
        if gm1 is None:
            return False
        g1, g2, x1, x2 = (gm1, gd1), (gm2, gd2), ea[1:], eb[1:]
    else:
        g1, g2, x1, x2 = (gd1,), (gd2,), ea[2:], eb[2:]
    if e.lenient:
        if not (g1 <= x2 and x1 <= g2):
            return False
        # fuzzy 年底 / 月初 boundaries differ by convention, but not by a whole period:
        # our interval must be within 2.5x the peer's (a bare 本月 for 本月初 fails)
        if gy1 is None or gy2 is None or gm1 is None or gm2 is None:
            return False
        try:
            glen = (dt.date(gy2, gm2, gd2) - dt.date(gy1, gm1, gd1)).days + 1
        except ValueError:
            return False
        xlen = (e.last - e.first).days + 1
        return max(glen, xlen) <= 2.5 * min(glen, xlen)
    return g1 == x1 and g2 == x2


def _covered(facts: list, text: str, start: int, end: int) -> bool:
    """Span-only items (extractor specs): our facts must cover the expected span, apart from a
    leading 从 / 在 and a trailing weekday appositive (，星期一), which are not part of our core."""
    core_start, core_end = start, end
    m = regex.match(r"(?:从|自|在|于|於)", text)
    if m:
        core_start += m.end()
    m = regex.search(r"[，,、\s]*(?:星期|礼拜|禮拜|周|週)[一二三四五六日天]$", text)
    if m:
        core_end = start + m.start()
    covered = set()
    for f in facts:
        covered.update(range(max(f.start, core_start), min(f.end, core_end)))
    raw = text[core_start - start: core_end - start]
    return all(i in covered or raw[i - core_start].isspace() for i in range(core_start, core_end))


#: Recognizers extractor specs carry no reference time (the peer harness uses "now"; their
#: spans do not depend on it). Relative dates are facts only with a publication date, so these
#: cases get the reference time of the Recognizers parser specs.
EXTRACTOR_PUBLISHED = "2017-03-22"


def _case_published(case: dict) -> str | None:
    pub = published_from(case.get("reference_time"))
    if pub is None and "extractor" in case["file"] and RUN_FILES.get(case["file"]) in ("date", "daterange"):
        return EXTRACTOR_PUBLISHED
    return pub


def _judge_date(case: dict, family: str) -> tuple[str, str | None, list, list, str | None, list, str]:
    """status, reason, expected, got, why, out_items, category."""
    inp = case["input"]
    pub = _case_published(case)
    items = case["expected"]
    default_cat = "daterange" if family == "daterange" else "date"
    if not items:
        facts_all = _facts(inp, pub)
        facts = [f for f in _ok_facts(facts_all) if f.kind == "date"]
        got = [_show_fact(f) for f in facts]
        if _error_of(facts_all):
            return "fail", None, ["(nothing)"], [_error_of(facts_all)], "error", [], default_cat
        return ("pass" if not facts else "fail"), None, ["(nothing)"], got, \
            (None if not facts else "false positive"), [], default_cat
    judged, out_items = [], []
    for it in items:
        r, e = _date_expect(case, it)
        if r:
            out_items.append((it, r))
        else:
            judged.append((it, e))
    cat = default_cat
    first_e = judged[0][1] if judged else None
    if family == "time":
        if first_e is not None and first_e.first is not None:
            cat = "date" if first_e.first == first_e.last else "daterange"
        elif items and items[0].get("value"):
            iv = _interval_of(items[0]["value"]) if not items[0]["value"].startswith("P") else None
            cat = "date" if iv and iv[0] == iv[1] else "daterange"
    if not judged:
        return "out", out_items[0][1], [], [], None, [], cat
    facts_all = _facts(inp, pub)
    err = _error_of(facts_all)
    facts = [f for f in _ok_facts(facts_all) if f.kind == "date"]
    got = [_show_fact(f) for f in facts] + ([f"ERROR {err}"] if err else [])
    used: set[int] = set()
    expected, whys = [], []
    for it, e in judged:
        expected.append(f"{it.get('text')}={e.show()}" + (f" <{e.derived}>" if e.derived else ""))
        near = [(i, f) for i, f in enumerate(facts)
                if i not in used and _overlaps(f, it.get("start"), it.get("end"))]
        if e.invalid:
            days = [f for _, f in near if (iv := _fact_interval(f)) and iv[0] == iv[1]]
            if days:
                whys.append("invalid date extracted")
            continue
        if e.level == "span" and it.get("start") is not None:
            if near and _covered([f for _, f in near], it.get("text") or "", it["start"], it["end"]):
                used.update(i for i, _ in near)
            else:
                whys.append("not found" if not near else "partial span")
            continue
        hit = next((i for i, f in near if _date_match(f, e)), None)
        if hit is None:
            if err:
                whys.append("error")
            elif not near:
                whys.append("not found")
            else:
                whys.append("wrong value")
        else:
            used.add(hit)
    return ("fail" if whys else "pass"), None, expected, got, "; ".join(dict.fromkeys(whys)) or None, \
        [f"{it.get('text')}: {r}" for it, r in out_items], cat


# --------------------------------------------------------------------------- the run

def _file_reason(stem: str) -> str:
    if stem in ("cn2an_an2cn", "jionlp_money_num2char"):
        return "file:an2cn"
    if "transform" in stem or "normalizer" in stem:
        return "file:transform"
    if any(k in stem for k in ("dimension", "distance", "quantity", "volume", "temperature",
                               "measure", "age")):
        return "file:measure-age"
    for key, reason in (("fsttime", "file:fst-time"), ("jionlp_time_extract", "file:time-extract"),
                        ("_set_", "file:set"), ("holiday", "file:holiday"),
                        ("duration", "file:duration"), ("numberrange", "file:range"),
                        ("ordinal", "file:ordinal"), ("fraction", "file:fraction"),
                        ("itn_date", "file:itn-date"), ("datetime", "file:datetime-model"),
                        ("merged", "file:datetime-model"), ("time", "file:time-of-day")):
        if key in stem:
            return reason
    return "file:not-requested"


def _category(family: str, case: dict) -> str:
    if family in ("money", "number", "percent"):
        return family
    return "daterange" if family == "daterange" else "date"


def judge(case: dict, ctx: dict) -> Result:
    """Judge one case."""
    stem = case["file"]
    family = RUN_FILES.get(stem)
    base = dict(id=case["id"], file=stem, source=case["source"], input=case["input"])
    if family is None:
        cat = case.get("category") or "other"
        return Result(category=cat, status="out", reason=_file_reason(stem), **base)
    pub = _case_published(case)
    if case["id"] in DISPUTED:
        return Result(category=_category(family, case), status="out", reason="peer:disputed", **base)
    if family == "number":
        st, r, exp, got, why, outs = _judge_number(case, ctx)
        cat = "number"
    elif family in ("money", "percent"):
        st, r, exp, got, why, outs = _judge_extracted_numeric(case, family)
        cat = family
    else:
        st, r, exp, got, why, outs, cat = _judge_date(case, family)
    return Result(category=cat, status=st, reason=r, published=pub, expected=exp, got=got,
                  why=why, out_items=outs, **base)


@dataclass
class Report:
    folder: str
    results: list[Result]
    elapsed: float

    def rows(self) -> list[dict]:
        agg: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for r in self.results:
            if r.file not in RUN_FILES:
                continue
            agg[(r.source, r.category)][r.status] += 1
        out = []
        for (src, cat), c in sorted(agg.items(), key=lambda kv: (kv[0][0], CATEGORIES.index(kv[0][1])
                                                                   if kv[0][1] in CATEGORIES else 99)):
            n = c["pass"] + c["fail"]
            out.append({"source": src, "category": cat, "in_scope": n, "passed": c["pass"],
                        "failed": c["fail"], "pass_rate": round(c["pass"] / n, 4) if n else None,
                        "out_of_scope": c["out"]})
        return out

    def files(self) -> list[dict]:
        agg: dict[str, Counter] = defaultdict(Counter)
        for r in self.results:
            agg[r.file][r.status] += 1
        out = []
        for stem in sorted(agg):
            c = agg[stem]
            n = c["pass"] + c["fail"]
            row = {"file": stem, "run": stem in RUN_FILES, "cases": sum(c.values()), "in_scope": n,
                   "passed": c["pass"], "pass_rate": round(c["pass"] / n, 4) if n else None,
                   "out_of_scope": c["out"]}
            if stem not in RUN_FILES:
                row["reason"] = _file_reason(stem)
            out.append(row)
        return out

    def targets(self) -> dict:
        out = {}
        for name, spec in TARGETS.items():
            sel = [r for r in self.results if r.status != "out" and (
                r.file in spec.get("files", ()) or (r.category in spec.get("categories", ()) and r.file in RUN_FILES))]
            n = len(sel)
            p = sum(r.status == "pass" for r in sel)
            out[name] = {"target": spec["target"], "in_scope": n, "passed": p,
                         "pass_rate": round(p / n, 4) if n else None,
                         "met": bool(n) and p / n >= spec["target"]}
        return out

    def reasons(self) -> list[dict]:
        cnt: Counter = Counter()
        ex: dict[str, list[str]] = defaultdict(list)
        for r in self.results:
            if r.status == "out":
                cnt[r.reason] += 1
                if len(ex[r.reason]) < 3 and not r.reason.startswith("file:"):
                    ex[r.reason].append(r.input[:40])
        return [{"key": k, "reason": REASONS.get(k, k), "count": n, "examples": ex[k]}
                for k, n in cnt.most_common()]

    def as_json(self) -> dict:
        run = [r for r in self.results if r.file in RUN_FILES]
        n_in = sum(r.status != "out" for r in run)
        n_pass = sum(r.status == "pass" for r in run)
        from unionfacts import __version__
        return {
            "conformance_dir": self.folder,
            "unionfacts_version": __version__,
            "elapsed_s": round(self.elapsed, 2),
            "totals": {"cases": len(self.results), "run": len(run), "in_scope": n_in,
                       "passed": n_pass, "failed": n_in - n_pass,
                       "out_of_scope": len(self.results) - n_in,
                       "pass_rate": round(n_pass / n_in, 4) if n_in else None},
            "targets": self.targets(),
            "table": self.rows(),
            "files": self.files(),
            "out_of_scope": self.reasons(),
            "cases": [r.as_json() for r in self.results],
        }


def run(folder: str | os.PathLike | None = None, *, categories: Iterable[str] | None = None,
        sources: Iterable[str] | None = None) -> Report:
    """Run every case of the conformance folder; raises ``FileNotFoundError`` when there is none."""
    path = find_conformance_dir(folder)
    if path is None:
        raise FileNotFoundError(f"no conformance folder ({folder or '$' + ENV_VAR + ' / shared/conformance'})")
    t0 = time.perf_counter()
    cases = list(load_cases(path))
    ctx = {"cn2an_value_inputs": {c["input"] for c in cases
                                  if c["file"] == "cn2an_cn2an" and c["expected"]}}
    cats = set(categories) if categories else None
    srcs = set(sources) if sources else None
    results = []
    for case in cases:
        if srcs and case["source"] not in srcs:
            continue
        r = judge(case, ctx)
        if cats and r.category not in cats:
            continue
        results.append(r)
    return Report(str(path), results, time.perf_counter() - t0)


# --------------------------------------------------------------------------- CLI

def _pct(x: float | None) -> str:
    return "   -  " if x is None else f"{100 * x:5.1f}%"


def format_table(report: Report) -> str:
    lines = [f"{'source':<17} {'category':<10} {'in scope':>8} {'passed':>7} {'rate':>7} {'out of scope':>13}"]
    for row in report.rows():
        lines.append(f"{row['source']:<17} {row['category']:<10} {row['in_scope']:>8} {row['passed']:>7} "
                     f"{_pct(row['pass_rate']):>7} {row['out_of_scope']:>13}")
    j = report.as_json()
    t = j["totals"]
    lines.append(f"{'all run files':<28} {t['in_scope']:>8} {t['passed']:>7} {_pct(t['pass_rate']):>7} "
                 f"{t['run'] - t['in_scope']:>13}")
    not_run = t["cases"] - t["run"]
    lines.append(f"not run (other files): {not_run} cases")
    for name, tg in j["targets"].items():
        lines.append(f"target {name:<8} {_pct(tg['pass_rate'])} of {tg['in_scope']} in-scope "
                     f"(target {100 * tg['target']:.0f}%: {'met' if tg['met'] else 'NOT met'})")
    return "\n".join(lines)


def format_reasons(report: Report) -> str:
    lines = ["out of scope, by reason:"]
    for r in report.reasons():
        lines.append(f"  {r['count']:5d}  {r['key']}: {r['reason']}")
    return "\n".join(lines)


def format_misses(report: Report, n: int) -> str:
    by_row: dict[tuple[str, str], list[Result]] = defaultdict(list)
    for r in report.results:
        if r.status == "fail":
            by_row[(r.source, r.category)].append(r)
    lines = []
    for (src, cat), rs in sorted(by_row.items()):
        lines.append(f"-- misses {src} / {cat}: {len(rs)}")
        for r in rs[:n]:
            lines.append(f"   {r.id}  {r.input[:60]!r}  pub={r.published}")
            lines.append(f"      expected {r.expected}  got {r.got}  ({r.why})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python tools/conformance.py",
                                 description="Run unionfacts against the peer conformance cases.")
    ap.add_argument("dir", nargs="?", help=f"conformance folder (default: ${ENV_VAR}, else "
                                           "shared/conformance beside the repository)")
    ap.add_argument("--json", metavar="OUT", help="write the full JSON report to OUT ('-' = stdout)")
    ap.add_argument("--show-misses", type=int, default=0, metavar="N",
                    help="print up to N misses per source / category")
    ap.add_argument("--category", nargs="+", choices=CATEGORIES, help="only these categories")
    ap.add_argument("--source", nargs="+", help="only these sources (recognizers, jionlp, cn2an, ...)")
    ap.add_argument("--reasons", action="store_true", help="print the out-of-scope counts by reason")
    args = ap.parse_args(argv)
    try:
        report = run(args.dir, categories=args.category, sources=args.source)
    except FileNotFoundError as exc:
        print(f"conformance: {exc}", file=sys.stderr)
        return 2
    out = sys.stdout if args.json != "-" else sys.stderr
    print(f"conformance cases: {report.folder}  ({report.elapsed:.1f}s)", file=out)
    print(format_table(report), file=out)
    if args.reasons:
        print(format_reasons(report), file=out)
    if args.show_misses:
        print(format_misses(report, args.show_misses), file=out)
    if args.json:
        data = json.dumps(report.as_json(), ensure_ascii=False, indent=1)
        if args.json == "-":
            print(data)
        else:
            Path(args.json).write_text(data + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # output piped into head & co.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
