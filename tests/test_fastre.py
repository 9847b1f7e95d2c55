"""The two regex engines (unionfacts.rules.fastre): the ``re`` compilation means what the rule says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import regex

from unionfacts.pipeline.candidates import _AFTER
from unionfacts.rules.fastre import HAN_RANGES, compile_fast, fast, to_re_syntax, unique_group_names, word_alternation
from unionfacts.pipeline.normalize import Normalizer
from unionfacts.rules.packs import get_patterns

ROOT = Path(__file__).resolve().parent.parent
PSET = get_patterns()


def test_han_ranges_are_regex_han_class():
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    ours = [m.span() for m in re.finditer("[" + HAN_RANGES + "]+", every)]
    theirs = [m.span() for m in regex.finditer(r"\p{Han}+", every)]
    assert ours == theirs


@pytest.mark.parametrize("pattern, expected", [
    (r"\p{Han}{2}", "[" + HAN_RANGES + "]{2}"),
    (r"[\p{Han}A-Z]", "[" + HAN_RANGES + "A-Z]"),
    (r"[^\p{Han}]", "[^" + HAN_RANGES + "]"),
    (r"[]\p{Han}]", "[]" + HAN_RANGES + "]"),
    (r"\\p{Han}", r"\\p{Han}"),  # an escaped backslash, then literal text: left alone
    (r"[0-9]++元", r"[0-9]++元"),
])
def test_to_re_syntax_spells_out_han(pattern, expected):
    assert to_re_syntax(pattern) == expected


@pytest.mark.parametrize("pattern", [r"[[a-z]--[aeiou]]\p{Han}", r"(?:abc){e<=1}"])
def test_to_re_syntax_refuses_what_re_reads_differently(pattern):
    assert to_re_syntax(pattern) is None


def test_unique_group_names_numbers_repeats():
    src, alias = unique_group_names(r"(?P<num>[0-9]+)元|(?P<num>[一二三]+)(?P<u>[元角])|[(?P<num>)]")
    assert src == r"(?P<num>[0-9]+)元|(?P<num__2>[一二三]+)(?P<u>[元角])|[(?P<num>)]"
    assert alias == {"num__2": "num"}


def test_unique_group_names_refuses_backreference_to_repeated_name():
    assert unique_group_names(r"(?P<s>-)|(?P<s>/)(?P=s)") is None
    assert unique_group_names(r"(?P<s>[-/])1(?P=s)2") == (r"(?P<s>[-/])1(?P=s)2", {})


@pytest.mark.parametrize("pattern", [
    r"(?<=月|上旬)1",      # variable-width lookbehind
    r"\L<words>",        # named list
    r"(?|(a)|(b))",      # branch reset
    r"\p{Latin}",        # other scripts
])
def test_compile_fast_falls_back_to_regex(pattern):
    try:
        compiled, alias = compile_fast(pattern)
    except regex.error:
        return  # regex itself refuses it: the error reaches the rule loader
    assert isinstance(compiled, regex.Pattern) and alias == {}


def test_compile_fast_uses_re_where_it_can():
    compiled, alias = compile_fast(r"(?<![0-9])(?P<num>[0-9]++)(?=\p{Han})|(?P<num>[一二]+)")
    assert isinstance(compiled, re.Pattern)
    assert alias == {"num__2": "num"}


def test_fast_refuses_repeated_names_in_internal_patterns():
    with pytest.raises(ValueError, match="repeated group names"):
        fast(r"(?P<a>1)|(?P<a>2)")


def test_bad_pattern_still_raises_regex_error():
    with pytest.raises(regex.error):
        compile_fast(r"(unclosed")


# ------------------------------------------------------------- the built-in rules, both ways

FAST_RULES = [r for r in PSET.rules if isinstance(r.regex, re.Pattern)]


def _texts() -> list[str]:
    norm = Normalizer(list(PSET.lexicon("junk")), dict(PSET.lexicon("spun")), PSET.macros["GLOSS"])
    texts = [norm(p.read_text(encoding="utf-8")).text for p in sorted((ROOT / "seeds").glob("*.txt"))]
    for r in PSET.rules:
        for ex in r.examples():
            texts.append(norm(ex.text.replace("[[", "").replace("]]", "")).text)
        texts.extend(norm(t).text for t in r.spec.not_)
    return texts


TEXTS = _texts()


def test_most_fact_rules_run_on_re():
    fact_rules = [r for r in PSET.rules if r.kind not in ("veto", "enum") and r.scan == "window"]
    assert len(FAST_RULES) >= 0.9 * len(fact_rules)
    assert not [r.id for r in FAST_RULES if r.kind in ("veto", "enum") or r.scan == "full"]


@pytest.mark.parametrize("rule", FAST_RULES, ids=lambda r: r.id)
def test_re_and_regex_agree_on_every_position(rule):
    """At every position of the seeds and of every rule example, matched as the scanner does
    (anchored, a window of ``_AFTER`` characters): the same span and the same groups."""
    reference = regex.compile(rule.pattern)
    tried = 0
    for text in TEXTS:
        for p in range(len(text)):
            end = min(len(text), p + _AFTER + 8)
            a = reference.match(text, p, end)
            b = rule.regex.match(text, p, end)
            tried += 1
            if a is None or b is None:
                assert a is None and b is None, (rule.id, text[p:end], a, b)
                continue
            assert a.span() == b.span(), (rule.id, text[p:end])
            ga = {k: v for k, v in a.groupdict().items() if v is not None}
            assert rule.groups(b) == ga, (rule.id, text[p:end])
    assert tried > 10_000



@pytest.mark.parametrize("rule", PSET.rules, ids=lambda r: r.id)
def test_rule_groups_read_what_groupdict_gives(rule):
    """``Rule.groups`` reads groups by index (faster); it must give what the named groups of
    the match say, under the rule's own names, for both engines and repeated names."""
    seen = 0
    for text in TEXTS:
        for m in rule.regex.finditer(text):
            expected = {}
            for k, v in m.groupdict().items():
                if v is not None:
                    expected[rule.alias.get(k, k)] = v
            assert rule.groups(m) == expected, (rule.id, m.group())
            seen += 1
    assert seen, f"{rule.id}: no match in the seeds or examples"


def test_lead_of_lexicons():
    from unionfacts.rules.packs import PatternSet

    pset = PatternSet(lexicons={"a": {"以上": "at_least", "左右": "approx", "-x": ""}, "none": {}})
    assert pset.firsts("a") == r"\-以左"
    assert pset.lead("a") == r"(?=[\-以左])"
    assert pset.lead("none") == ""  # no ``(?=[])``, which re reads as an unclosed class
    assert fast(pset.lead("none") + "(?:" + pset.alternation("none") + ")").search("以上") is None
    assert fast(pset.lead("a") + "(?:" + pset.alternation("a") + ")").search("在97%以上").group() == "以上"


# -- word alternations as tries -------------------------------------------------------------

def _flat(words):
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True)) or "(?!)"


@pytest.mark.parametrize("words, expected", [
    (["从业人员", "从业", "从而", "个", "项"], "(?:个|从(?:业(?:人员)?|而)|项)"),
    (["甲", "乙"], "[乙甲]"),
    (["甲", "甲乙"], "甲乙?"),
    (["人次", "人"], "人次?"),
    (["-", "]", "^"], r"[\-\]\^]"),
    ([], "(?!)"),
    ([""], "(?!)"),
    (["新建", ""], "(?:新建)?"),  # the empty word: matching nothing is the last choice
    (["A", "ab"], "ab|A"),  # a cased letter: flat (under (?i) A and ab part at the first letter)
    (["长" * 65, "长"], "长" * 65 + "|长"),  # longer than TRIE_DEPTH: flat
])
def test_word_alternation_shape(words, expected):
    assert word_alternation(words) == expected


def test_word_alternation_matches_as_the_flat_one_for_every_lexicon():
    # In contexts where backtracking into the alternation decides the match: followed by more
    # pattern, repeated, anchored at the end, inside a lookahead and a lookbehind-free search.
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    for name, lexicon in PSET.lexicons.items():
        words = list(lexicon)
        sample = text + "".join(words[::3]) + " ".join(words[1::5])
        for frame in ("(?:{})", "(?:{})(?:{})?人", "(?:(?:{})[ 的]?)+$", "(?=(?:{})).", "(?:{})+?\\w"):
            flat = re.compile(frame.format(_flat(words), _flat(words)))
            trie = re.compile(frame.format(word_alternation(words), word_alternation(words)))
            assert [m.span() for m in flat.finditer(sample)] == [m.span() for m in trie.finditer(sample)], (name, frame)


@pytest.mark.parametrize("words, text", [
    (["T", "tb"], "扩容存储5TB与3tb"),
    (["新建", ""], "购置12艘渔船，新建12艘"),
    (["甲" * k for k in range(1, 200)], "共12" + "甲" * 150),
    (["A", "ab", "Ab", "ｂ", "Ｂ", "ſ", "s"], "aB ab Ab ſS sſ ｂＢ"),
])
@pytest.mark.parametrize("engine", [re, regex])
@pytest.mark.parametrize("frame", ["(?:{})", "(?i)(?:{})", "[0-9]+(?:{})", "(?i)[0-9]*(?:{})人?"])
def test_word_alternation_matches_as_the_flat_one_for_odd_word_lists(words, text, engine, frame):
    flat = engine.compile(frame.format(_flat(words)))
    ours = engine.compile(frame.format(word_alternation(words)))
    assert [m.span() for m in flat.finditer(text)] == [m.span() for m in ours.finditer(text)]
