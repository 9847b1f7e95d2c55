"""Robust on any input: pathological text, every rule pattern on adversarial strings, API
errors, broken and hostile rule packs.

Speed is checked by growth ratios only — the time for an input four times as long must stay
under ``GROWTH_LIMIT`` times the time for the short one (linear work gives about 4, quadratic
about 16) — never by absolute limits. The regex module's ``timeout=`` argument is only a hang
guard, far above any honest run time.
"""

from __future__ import annotations

import gc
import logging
import math
import multiprocessing
import os
import time
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from unionfacts import Extractor
import regex

from unionfacts import PatternError, extract, extract_document
from unionfacts.rules.packs import get_patterns

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
slow = [pytest.mark.slow, pytest.mark.skipif(not FUZZ, reason="long run: HYPOTHESIS_PROFILE=fuzz")]

GROWTH_LIMIT = 8.0
HANG_GUARD = 60.0  # seconds; regex timeout that only a hang reaches


def _cpu(fn, arg, batch: float) -> float:
    """CPU seconds per call of ``fn(arg)``, over enough calls to fill ``batch`` seconds.

    CPU time, not wall time: other processes on a busy machine do not count, and batching
    keeps timer resolution out of sub-millisecond calls.
    """
    t0 = time.process_time()
    fn(arg)
    t = time.process_time() - t0
    k = max(1, math.ceil(batch / max(t, 1e-6))) if t < batch else 0
    if not k:
        return t
    t0 = time.process_time()
    for _ in range(k):
        fn(arg)
    return (time.process_time() - t0) / k


def growth(fn, small, big) -> float:
    """How much longer ``fn(big)`` takes than ``fn(small)`` (CPU time).

    One quick round first; a ratio over the limit is measured again (best of three longer
    rounds) before it counts, unless the big input already took half a second.
    """
    fn(small)  # warm caches (compiled patterns, cn2an, OpenCC)
    # The cyclic GC's full passes cost in proportion to everything else on the heap (earlier
    # tests, Hypothesis), not to this input: keep them out of the measurement.
    gc.disable()
    try:
        t_small, t_big = _cpu(fn, small, 0.0005), _cpu(fn, big, 0.0005)
        ratio = t_big / max(t_small, 1e-9)
        if ratio >= GROWTH_LIMIT and t_big < 0.5:
            t_small = min(_cpu(fn, small, 0.01) for _ in range(3))
            t_big = min(_cpu(fn, big, 0.01) for _ in range(3))
            ratio = t_big / max(t_small, 1e-9)
    finally:
        gc.enable()
    return ratio


def check_spans(raw: str, facts: list) -> None:
    prev = (-1, -1)
    for f in facts:
        assert 0 <= f.start < f.end <= len(raw)
        assert raw[f.start:f.end] == f.text
        assert (f.start, f.end) >= prev
        prev = (f.start, f.end)


# ------------------------------------------------------------------ pathological documents

@pytest.mark.parametrize("text", ["", " ", "\n", "\r\n\r\n", "\t \u3000\xa0\u200b\ufeff", " " * 100_000,
                                  "\n" * 100_000, "\r" * 50_000])
def test_empty_and_whitespace_only_give_no_facts(text):
    assert extract(text) == []
    doc = extract_document(text)
    assert doc.facts == []


def _digit_families() -> list[str]:
    """The ten digits of every Unicode decimal digit family (Nd), by the code of its zero."""
    fams = []
    for cp in range(0x110000):
        ch = chr(cp)
        if unicodedata.category(ch) == "Nd" and unicodedata.digit(ch, None) == 0:
            fams.append("".join(chr(cp + i) for i in range(10)))
    return fams


DIGIT_FAMILIES = _digit_families()


def test_there_are_many_digit_families():
    assert len(DIGIT_FAMILIES) > 50  # Arabic-Indic, Devanagari, full-width, mathematical …


@pytest.mark.parametrize("digits", DIGIT_FAMILIES, ids=lambda d: f"U+{ord(d[0]):04X}")
def test_every_unicode_digit_family(digits):
    d = digits
    text = (f"营收{d[3]}.{d[5]}亿元，同比增长{d[1]}{d[2]}.{d[3]}%。{d[2]}{d[0]}{d[2]}{d[4]}年{d[2]}月"
            f"{d[2]}{d[4]}日，{d[1]}{d[8]}{d[3]}个县，{d[9] * 300}人，{d[7] * 5000}")
    facts = extract(text)
    check_spans(text, facts)
    for f in facts:
        if isinstance(getattr(f, "value", None), Decimal):
            assert f.value.is_finite()


def test_full_width_digits_read_like_ascii():
    ascii_text = "营收3.5亿元，同比增长12.3%，183个县，2024年2月24日"
    wide = ascii_text.translate({c: c + 0xFEE0 for c in range(0x30, 0x3A)} | {ord("."): "．", ord("%"): "％"})
    assert wide != ascii_text
    got = [(f.kind, f.value, f.start, f.end) for f in extract(wide)]
    assert got == [(f.kind, f.value, f.start, f.end) for f in extract(ascii_text)]
    assert len(got) == 4


@pytest.mark.parametrize("text, value", [
    ("营收3\u200b5亿元", Decimal("3500000000")),   # zero-width space
    ("营收3\u200d5亿元", Decimal("3500000000")),   # zero-width joiner
    ("营收3\u00ad5亿元", Decimal("3500000000")),   # soft hyphen
    ("营收3\ufeff5亿元", Decimal("3500000000")),   # BOM as ZWNBSP
    ("营收３\u200b５亿元", Decimal("3500000000")),
])
def test_invisible_characters_inside_a_number_are_ignored(text, value):
    facts = extract(text)
    check_spans(text, facts)
    assert [f.value for f in facts] == [value]
    assert facts[0].text == text[2:]


@pytest.mark.parametrize("text", ["营收3🙂5亿元", "3👍🏽个", "3️⃣个", "👨‍👩‍👧3个家庭", "3\U000E0001个",
                                  "🇨🇳500万元", "3\ufe0f5%", "２🙂０２４年"])
def test_emoji_inside_or_next_to_numbers(text):
    check_spans(text, extract(text))


def test_many_pinyin_glosses_are_removed_with_offsets_kept():
    unit = "職工(zhí)群眾(zhòng)參加(jiā)活動(dòng)三(sān)萬(wàn)人次(cì)，"
    text = unit * 3000
    facts = extract(text)
    check_spans(text, facts)
    assert len(facts) == 3000
    assert facts[1].text == "三(sān)萬(wàn)人次"
    assert {f.value for f in facts} == {Decimal(30000)}


def test_ten_thousand_nested_parentheses():
    text = "(" * 10_000 + "投入3.5亿元" + ")" * 10_000 + "（" * 10_000 + "12个" + "）" * 10_000
    facts = extract(text)
    check_spans(text, facts)
    assert [f.text for f in facts] == ["3.5亿元", "12个"]


@pytest.mark.parametrize("text", ["1" * 100_000, "1," * 50_000, "1." * 50_000, "1\u200b" * 50_000,
                                  "１" * 100_000, "٣" * 100_000, "三" * 4_000 + "个", "一" * 5_000,
                                  "万" * 20_000 + "元", "3" + "万" * 20_000 + "元", "百分之" + "九" * 4_000])
def test_long_runs_do_not_raise(text):
    check_spans(text, extract(text))


@pytest.mark.parametrize("text", ["三" * 5_000 + "个", "九" * 4_400 + "元", "二〇" * 2_200 + "年"])
def test_long_chinese_digit_run_does_not_raise(text):
    check_spans(text, extract(text))


def test_two_megabyte_single_line_without_figures():
    plain = regex.sub(r"[0-9０-９零〇一二两三四五六七八九十百千万亿萬億兩\n\r]", "", "".join(SEEDS))
    text = (plain * (2_000_000 // len(plain) + 1))[:2_000_000]
    assert "\n" not in text and len(text) == 2_000_000
    check_spans(text, extract(text))


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_newline_convention_does_not_change_facts(newline):
    base = SEEDS[3]
    text = base.replace("\n", newline)
    got = extract(text)
    check_spans(text, got)
    assert [(f.kind, f.value, f.text.replace(newline, "\n")) for f in got] == \
        [(f.kind, f.value, f.text) for f in extract(base)]


# ----------------------------------------------------------------------- linear growth

_SEED_LINE = "".join(SEEDS).replace("\n", "")

LINEAR = {
    "dense-seed-text": (lambda n: (_SEED_LINE * (n // len(_SEED_LINE) + 1))[:n], 12_000),
    "nested-parentheses": (lambda n: "(" * n + "3个" + ")" * n, 20_000),
    "digit-dot-runs": (lambda n: "1." * n + "元", 10_000),
    "digit-comma-runs": (lambda n: "1," * n + "元", 10_000),
    "numerals-before-unit": (lambda n: "三" * n + "个", 1_000),  # 4n < 4300: see the int-limit bug
    "many-figures": (lambda n: "3个职工，" * n, 600),
    "many-dates": (lambda n: "2023年1月1日至" * n, 300),
    "many-glossed-figures": (lambda n: "三(sān)萬(wàn)人次(cì)，" * n, 500),
    "emoji-in-digits": (lambda n: "3🙂" * n + "个", 10_000),
    "digit-run-before-unit": (lambda n: "1" * n + "元", 10_000),
    "zero-width-in-digits": (lambda n: "3\u200b" * n + "个", 5_000),
    "full-width-digit-run": (lambda n: "３" * n + "个", 10_000),
    "arabic-indic-digits": (lambda n: "٣" * n + "个", 20_000),
    "mathematical-digits": (lambda n: "𝟑" * n + "个", 20_000),
    "whitespace": (lambda n: " \r\n\t" * n, 20_000),
    "open-quotes": (lambda n: "“1" * n, 10_000),
    "title-marks": (lambda n: "《" * n, 20_000),
    # when/where on one long line: every vague word against every date, every place mention's
    # quote test back to the line start (both were quadratic, found by the fuzz profile's 50 MB)
    "dates-and-vague-words": (lambda n: "近年来，2023年四川省共3个。" * n, 1_500),
    "places-on-one-line": (lambda n: "“四川省”广元市共建成3个，" * n, 1_500),
}

# Runs of numerals with no unit after them: the anchor scan once retried them at every position.
LONG_RUNS = {
    "numeral-run": (lambda n: "十" * n, 2_500),
    "wan-run": (lambda n: "万" * n, 2_500),
    "glossed-wan-run": (lambda n: "萬(wàn)" * n, 4_000),
}


@pytest.mark.parametrize("make, n", [pytest.param(*v, id=k) for k, v in LINEAR.items()])
def test_extract_time_grows_linearly(make, n):
    ratio = growth(extract, make(n), make(4 * n))
    assert ratio < GROWTH_LIMIT, f"4x input took {ratio:.1f}x the time"


@pytest.mark.parametrize("make, n", [pytest.param(*v, id=k) for k, v in LONG_RUNS.items()])
def test_extract_time_grows_linearly_on_long_runs(make, n):
    ratio = growth(extract, make(n), make(4 * n))
    assert ratio < GROWTH_LIMIT, f"4x input took {ratio:.1f}x the time"


# ----------------------------------------------------- every rule on adversarial strings

# Repeated units: runs of the characters figures are made of, and of pairs that keep a rule
# half-matching (a digit and a separator, a number and a unit, a quote and a digit …).
ADVERSARIAL_UNITS = [
    "1", "一", "十", "万", "年", "(", " ", ".", "-", "%", "“", "《", "第", "个",
    "1,", "1.", "1-", "1 ", "1年", "1月", "1万", "2023年", "1月1日", "1%", "十一", "第1",
    "2023-01-", "电话1", "1号", "12月26日至", "“1", "1余", "1-1-", "|a",
]
BUILTIN_RULES = get_patterns().rules
_ADVERSARIAL_LEN = 2_000


def _scan(rx):
    if isinstance(rx, regex.Pattern):
        return lambda s: sum(1 for _ in rx.finditer(s, timeout=HANG_GUARD))
    return lambda s: sum(1 for _ in rx.finditer(s))  # re: no timeout; see _guarded


def test_the_builtin_pack_has_rules_of_every_kind():
    kinds = {r.kind for r in BUILTIN_RULES}
    assert {"money", "count", "percent", "date", "duration", "measure", "veto"} <= kinds


def _worst_growth(rule) -> tuple[float, str]:
    scan = _scan(rule.regex)
    worst = (0.0, "")
    for unit in ADVERSARIAL_UNITS:
        k = max(1, _ADVERSARIAL_LEN // len(unit))
        for tail in ("", "元"):
            ratio = growth(scan, unit * k + tail, unit * (4 * k) + tail)
            worst = max(worst, (ratio, f"{unit!r}×n{tail}"))
    return worst


def _child(conn, index: int) -> None:
    conn.send(_worst_growth(BUILTIN_RULES[index]))
    conn.close()


def _guarded(rule) -> tuple[float, str]:
    """``_worst_growth`` for a rule compiled by ``re``, which has no match timeout: in a forked
    child that is killed if it runs past the hang guard."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, BUILTIN_RULES.index(rule)))
    proc.start()
    child.close()
    try:
        if not parent.poll(HANG_GUARD * 2):
            pytest.fail(f"{rule.id}: no result within {HANG_GUARD * 2:.0f} s (catastrophic backtracking?)")
        return parent.recv()
    finally:
        proc.kill()
        proc.join()


@pytest.mark.parametrize("rule", BUILTIN_RULES, ids=lambda r: r.id)
def test_rule_pattern_is_linear_on_adversarial_strings(rule):
    """Each rule, alone, over runs of every adversarial unit (with and without a unit word
    at the end), under a hang guard: no hang and linear growth. The guard is the regex
    timeout, or for a rule the ``re`` engine runs (unionfacts.rules.fastre), a forked child."""
    worst = _worst_growth(rule) if isinstance(rule.regex, regex.Pattern) else _guarded(rule)
    assert worst[0] < GROWTH_LIMIT, f"{rule.id}: 4x input took {worst[0]:.1f}x the time on {worst[1]}"


# ------------------------------------------------------------------------- API errors

@pytest.mark.parametrize("bad", [None, b"3.5\xe4\xba\xbf\xe5\x85\x83", bytearray(b"12"), 12, 3.5,
                                 ["3个"], {"text": "3个"}, memoryview(b"3")])
def test_non_str_raises_type_error(bad):
    with pytest.raises(TypeError):
        extract(bad)
    with pytest.raises(TypeError):
        extract_document(bad)


def test_str_subclass_is_text():
    class Text(str):
        pass

    assert [f.value for f in extract(Text("营收3.5亿元"))] == [Decimal("350000000")]


@pytest.mark.parametrize("kwargs", [{"kinds": ["money", "dollars"]}, {"published": "next Tuesday"}])
def test_bad_arguments_raise_value_error(kwargs):
    with pytest.raises(ValueError):
        extract("营收3.5亿元", **kwargs)


def _pack(tmp_path: Path, name: str, body: str | bytes, *, file: str = "rules.yaml") -> Path:
    d = tmp_path / name
    d.mkdir()
    p = d / file
    if isinstance(body, bytes):
        p.write_bytes(body)
    else:
        p.write_text(body, encoding="utf-8")
    return d


@pytest.mark.parametrize("body, rule", [
    ("kind: count\nrules:\n  - id: 'count.broken'\n    pattern: '(unclosed'\n", "count.broken"),
    ("kind: count\nrules:\n  - id: 'count.macro'\n    pattern: '{NOPE}个'\n", "count.macro"),
    ("kind: count\nrules:\n  - id: 'count.lexicon'\n    pattern: '{@nope}'\n", "count.lexicon"),
    ("kind: count\nrules:\n  - id: 'count.extra'\n    pattern: '个'\n    colour: 'red'\n", "count.extra"),
    ("kind: money\nrules:\n  - id: 'count.wrong-file'\n    pattern: '个'\n", "count.wrong-file"),
    ("kind: count\nrules:\n  - id: 'count.examples'\n    pattern: '个'\n    examples: 7\n", "count.examples"),
    ("rules:\n  - id: 'nokind.x'\n    pattern: '个'\n", "nokind.x"),
])
def test_broken_pack_raises_pattern_error_naming_file_and_rule(tmp_path, body, rule):
    pack = _pack(tmp_path, "pack", body)
    with pytest.raises(PatternError) as ei:
        extract("3个", extra_patterns=[pack])
    msg = str(ei.value)
    assert "rules.yaml" in msg and rule in msg, msg
    assert ei.value.rule == rule


@pytest.mark.parametrize("body", [
    "kind: count\nrules: [\n",            # not YAML
    "- just\n- a list\n",                  # not a mapping
    "kind: count\nrules:\n  - pattern: '个'\n",  # a rule without an id
])
def test_broken_pack_file_is_named(tmp_path, body):
    pack = _pack(tmp_path, "pack", body)
    with pytest.raises(PatternError, match="rules.yaml"):
        extract("3个", extra_patterns=[pack])


def test_missing_pack_folder_is_a_pattern_error(tmp_path):
    with pytest.raises(PatternError, match="nowhere"):
        extract("3个", extra_patterns=[tmp_path / "nowhere"])


def test_pack_file_in_a_legacy_encoding_is_a_pattern_error(tmp_path):
    body = "kind: count\nrules:\n  - id: 'count.gbk'\n    pattern: '(?P<num>[0-9]+)(?P<unit>箱)'\n"
    pack = _pack(tmp_path, "pack", body.encode("gbk"))
    with pytest.raises(PatternError, match="rules.yaml"):
        extract("3箱", extra_patterns=[pack])


def test_pack_yaml_is_data_only(tmp_path):
    """``yaml.safe_load``: a Python tag is an error, and never runs."""
    marker = tmp_path / "ran"
    body = ("kind: count\nrules:\n  - id: 'count.evil'\n    pattern: !!python/object/apply:os.system "
            f"['touch {marker}']\n")
    pack = _pack(tmp_path, "pack", body)
    with pytest.raises(PatternError, match="rules.yaml"):
        extract("3个", extra_patterns=[pack])
    assert not marker.exists()


def test_pack_with_alias_bomb_is_rejected(tmp_path):
    """Aliases nest, they are not expanded: validation stops at the first wrong type."""
    lines = ["a0: &a0 ['x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x']"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    body = "\n".join(lines) + "\nkind: count\nlexicons:\n  classifier: *a8\n"
    pack = _pack(tmp_path, "pack", body)
    with pytest.raises(PatternError, match="rules.yaml"):
        extract("3个", extra_patterns=[pack])


# ``(1|1)+b`` backtracks exponentially on a run of 1s with no b after it.
CATASTROPHIC = "kind: count\nrules:\n  - id: 'count.catastrophic'\n    pattern: '(?:1|1)+b'\n"
CATASTROPHIC_TEXT = "共" + "1" * 60 + "个"


def test_catastrophic_user_pattern_is_stopped_with_an_error_naming_the_rule(tmp_path):
    """The match timeout stops the pattern (no hang; the CLI test checks the run goes on);
    the error must say which rule of which file to fix."""
    pack = _pack(tmp_path, "catastrophic", CATASTROPHIC)
    with pytest.raises(PatternError) as ei:
        Extractor([pack], match_timeout=0.2).extract(CATASTROPHIC_TEXT)  # a short timeout: a fast test
    assert "count.catastrophic" in str(ei.value) and "rules.yaml" in str(ei.value)
    assert "0.2 s" in str(ei.value)


def test_nothing_raises_on_seed_content_with_hostile_noise(capsys, caplog):
    caplog.set_level(logging.DEBUG)
    noise = ["\x00", "\ufffd", "\U0010ffff", "\u202e", "\u2028", "\u0000" * 3, "\x1b[31m", "<script>",
             "${jndi:x}", "%s%n", "\\u0000", "(?:a+)+", "萬(wàn)" * 50, "🙂" * 50]
    for i, seed in enumerate(SEEDS):
        text = "".join(seed[j:j + 97] + noise[(i + j) % len(noise)] for j in range(0, len(seed), 97))
        check_spans(text, extract(text))
        assert extract_document(text, doc_id="x").doc == "x"
    assert capsys.readouterr() == ("", "")  # the library never prints …
    assert [r for r in caplog.records if r.name == "root"] == []  # … nor logs to the root logger


# ------------------------------------------------------------------------ long (fuzz) runs

@pytest.mark.parametrize("size", [pytest.param(50_000_000, marks=slow, id="50MB")])
def test_fifty_megabyte_single_line(size):
    text = (_SEED_LINE * (size // len(_SEED_LINE) + 1))[:size]
    facts = extract(text)
    check_spans(text, facts)
    assert len(facts) > size // 1000


@pytest.mark.parametrize("text", [pytest.param("1" * 100_000 + "元", marks=slow, id="100k-digits-unit"),
                                  pytest.param("十" * 100_000, marks=slow, id="100k-numerals"),
                                  pytest.param("萬(wàn)" * 20_000, marks=slow, id="20k-glossed-wan")])
def test_hundred_thousand_character_runs(text):
    check_spans(text, extract(text))
