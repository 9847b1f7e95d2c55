"""Loading checks of rule packs: declared lexicons, ``fields`` per kind, and what a hostile
pack can do (redefine a macro the library trusts, fan macros out, point a file at a FIFO or a
device, repeat a rule id). Each test fails on the loader before these checks."""

from __future__ import annotations

import os
import re
import textwrap
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest

import unionfacts
from unionfacts import PatternError, extract
from unionfacts.cli import main
from unionfacts.pipeline.candidates import find_candidates, scan_plan
from unionfacts.pipeline.subjects import (
    SubjectRules,
    compile_subject_rules,
    find_subject,
)
from unionfacts.rules import packs
from unionfacts.rules.fastre import is_re
from unionfacts.rules.packs import (
    FIELDS,
    get_patterns,
    load_patterns,
    required_lexicons,
)

SRC = Path(unionfacts.__file__).resolve().parent


def _pack(tmp_path: Path, body: str, name: str = "extra.yaml", folder: str = "pack") -> Path:
    d = tmp_path / folder
    d.mkdir(exist_ok=True)
    (d / name).write_text(textwrap.dedent(body), encoding="utf-8")
    return d


def _error(*packs_: Path | str) -> str:
    with pytest.raises(PatternError) as exc:
        load_patterns(list(packs_))
    return str(exc.value)


# --- lexicons: declared by the code, defined by the packs ---------------------------------

def test_a_lexicon_a_stage_declares_and_no_pack_defines_is_an_error(monkeypatch):
    monkeypatch.setitem(packs._REQUIRED, "tests.fake_stage", frozenset({"no_such_words"}))
    msg = _error()
    assert "'no_such_words'" in msg and "tests.fake_stage" in msg and "defined by no pack" in msg


def test_a_misspelt_lexicon_in_a_pack_is_an_error_naming_file_and_line(tmp_path):
    pack = _pack(tmp_path, """
        lexicons:
          clasifier: ['艘']
    """, "typo.yaml")
    msg = _error(pack)
    assert "typo.yaml:3" in msg and "'clasifier'" in msg and "classifier" in msg


def test_a_pack_lexicon_read_by_its_own_rule_is_fine(tmp_path):
    pack = _pack(tmp_path, """
        lexicons:
          boat: ['艘', '条船']
        rules:
          - id: count.boats
            pattern: '{NUMQ}(?P<unit>{@boat})'
            examples: ['新建[[12艘]]']
    """)
    facts = extract("新建12艘渔船", extra_patterns=[pack])
    assert [(f.value, f.unit) for f in facts] == [(Decimal(12), "艘")]


def test_an_unknown_lexicon_name_raises():
    pset = get_patterns()
    with pytest.raises(KeyError, match="no_such_words"):
        pset.lexicon("no_such_words")
    with pytest.raises(KeyError):
        pset.alternation("no_such_words")
    assert pset.lexicon("classifier")["个"] == "个"


_LEXICON_CALL = re.compile(r"\.(?:lexicon|alternation|words|firsts|lead)\(([^)]*)\)")


def _names_read(path: Path) -> set[str]:
    return {name for args in _LEXICON_CALL.findall(path.read_text(encoding="utf-8"))
            for name in re.findall(r"\"([a-z_]+)\"", args)}


def test_every_lexicon_the_code_reads_is_declared_by_its_stage():
    declared = required_lexicons()
    for path in sorted((SRC / "pipeline").glob("*.py")):
        stage = f"unionfacts.pipeline.{path.stem}"
        missing = _names_read(path) - declared.get(stage, frozenset())
        assert not missing, f"{path.name} reads {sorted(missing)} without require_lexicons"
    everything = set().union(*declared.values())
    assert _names_read(SRC / "extractor.py") - everything == set()


def test_every_builtin_lexicon_is_read_by_a_stage_or_a_pattern():
    # the load itself checks it; this pins that the check ran over the whole built-in pack
    pset = load_patterns()
    read = set().union(*required_lexicons().values())
    patterns = " ".join([*pset.macros.values(), *(r.spec.pattern for r in pset.rules)])
    for name in pset.lexicons:
        assert name in read or "{@" + name + "}" in patterns, name


# --- fields ------------------------------------------------------------------------------

def _rule_pack(tmp_path: Path, rule_id: str, pattern: str, fields: str) -> Path:
    return _pack(tmp_path, f"""
        rules:
          - id: {rule_id}
            pattern: '{pattern}'
            fields: {fields}
            examples: ['x']
    """, "fields.yaml")


@pytest.mark.parametrize("rule_id,pattern,fields,needle", [
    ("count.boats", "{NUMQ}(?P<unit>艘)", "{colour: 'red'}", "unknown key 'colour' for a count rule"),
    ("date.x", "(?P<y>[0-9]{4})年", "{unit: 'day'}", "unknown key 'unit' for a date rule (known: none)"),
    ("count.boats", "{NUMQ}(?P<unit>艘)", "{vague: '1'}", "vague='1' is a switch"),
    ("percent.people", "(?P<num>[0-9]++)%", "{unit: '人'}", "unit='人' must be '%' or 'pp'"),
    ("money.x", "(?P<num>[0-9]++)块", "{unit: 'yuan'}", "ISO 4217"),
    ("count.boats", "{NUMQ}(?P<unit>艘)", "{multiplier: 'ten'}", "multiplier='ten' must be a number"),
    ("count.boats", "{NUMQ}(?P<unit>艘)", "{value: '-1'}", "value='-1' must be a number"),
    ("count.boats", "{NUMQ}(?P<unit>艘)", "{vague: 'true'}", "vague='true' needs the pattern to capture"),
    ("enum.x", "(?P<n>[0-9])、", "{style: 'Paren CN'}", "lower-case slug"),
])
def test_fields_are_checked_per_kind_at_load(tmp_path, rule_id, pattern, fields, needle):
    msg = _error(_rule_pack(tmp_path, rule_id, pattern, fields))
    assert needle in msg and "fields.yaml:3" in msg and f"rule {rule_id}" in msg


def test_a_vague_switch_that_is_not_a_switch_fails_at_load_not_per_document(tmp_path):
    # before: every document failed with KeyError: 'vlo' in builders._vague
    pack = _rule_pack(tmp_path, "count.boats", "{NUMQ}(?P<unit>艘)", "{vague: '1'}")
    with pytest.raises(PatternError):
        extract("新建12艘渔船", extra_patterns=[pack])


def test_a_switch_set_to_false_is_off(tmp_path):
    pack = _rule_pack(tmp_path, "count.boats", "{NUMQ}(?P<unit>艘)", "{vague: 'false'}")
    rule = next(r for r in load_patterns([pack]).rules if r.id == "count.boats")
    assert rule.fields == {}
    assert [f.value for f in extract("新建12艘渔船", extra_patterns=[pack])] == [Decimal(12)]


def test_good_fields_load(tmp_path):
    pack = _rule_pack(tmp_path, "percent.pp", "(?P<num>[0-9]++)个点", "{unit: 'pp', multiplier: '1'}")
    facts = extract("提高3个点", kinds=["percent"], extra_patterns=[pack])
    assert [(f.value, f.unit) for f in facts] == [(Decimal(3), "pp")]


def _fields_read(name: str, holder: str) -> set[str]:
    text = (SRC / "pipeline" / name).read_text(encoding="utf-8")
    h = re.escape(holder)
    found = re.findall(h + r"\.get\(\"([a-z_]+)\"|" + h + r"\[\"([a-z_]+)\"\]|\"([a-z_]+)\" in " + h + r"\b",
                       text)
    return {next(g for g in m if g) for m in found}


def test_the_fields_the_builders_read_are_the_fields_the_loader_knows():
    numeric = _fields_read("builders.py", "fields")  # fields = rule.fields
    assert numeric and numeric <= set(FIELDS["percent"]), sorted(numeric - set(FIELDS["percent"]))
    assert _fields_read("lists.py", "rule.fields") <= set(FIELDS["enum"])
    for name in ("dates.py", "candidates.py", "resolve.py", "timebase.py"):
        assert not _fields_read(name, "fields") | _fields_read(name, "rule.fields"), name


# --- untrusted macros: the timeout, or refused ----------------------------------------------

def test_a_pack_that_redefines_a_builtin_macro_puts_its_rules_under_the_timeout(tmp_path):
    pack = _pack(tmp_path, """
        macros:
          ARABIC: '(?:1|1)+b'
    """)
    pset = load_patterns([pack])
    touched = [r for r in pset.rules if r.user_macros]
    assert touched and all(r.user_macros == ("ARABIC",) for r in touched)
    assert all(not r.builtin and not is_re(r.regex) for r in touched)
    assert {r.id for r in touched} >= {"money.symbol", "percent.sign", "count.person-noun"}
    # the built-in rules that do not expand ARABIC stay the tested, fast ones
    assert any(r.builtin and is_re(r.regex) for r in pset.rules)
    text = "1" * 40 + "元"
    started = time.monotonic()
    with pytest.raises(PatternError, match="timed out") as exc:
        list(find_candidates(scan_plan(pset), text, timeout=0.2))
    assert exc.value.rule in {r.id for r in touched}
    assert time.monotonic() - started < 10


def test_rules_check_says_which_rules_a_redefined_macro_reaches(tmp_path, capsys):
    pack = _pack(tmp_path, """
        macros:
          ARABIC: '[0-9]++'
        rules:
          - id: count.boats
            pattern: '{NUMQ}(?P<unit>艘)'
            examples: ['新建[[12艘]]渔船']
    """)
    main(["rules", "check", str(pack)])
    out = capsys.readouterr().out
    assert re.search(r"percent\.yaml:\d+:percent\.sign: note: a user pack redefines ARABIC: run as a "
                     r"user rule, under the 5 s match timeout", out)


def test_a_pack_cannot_redefine_the_normalisers_gloss(tmp_path):
    pack = _pack(tmp_path, """
        macros:
          GLOSS: '(?:1|1)+b'
    """, "gloss.yaml")
    msg = _error(pack)
    assert "gloss.yaml:3" in msg and "macro GLOSS" in msg


def test_a_macro_fan_out_fails_fast(tmp_path):
    lines = ["macros:", "  M0: 'ab'"]
    lines += [f"  M{i}: '" + f"{{M{i - 1}}}" * 10 + "'" for i in range(1, 10)]
    lines += ["rules:", "  - id: count.bomb", "    pattern: '{M9}个'"]
    pack = _pack(tmp_path, "\n".join(lines) + "\n", "bomb.yaml")
    started = time.monotonic()
    msg = _error(pack)
    assert time.monotonic() - started < 5
    assert "longer than" in msg and "bomb.yaml" in msg and "count.bomb" in msg


def test_a_huge_lexicon_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(packs, "MAX_PATTERN_CHARS", 5000)
    words = ", ".join(f"'词{i}'" for i in range(2000))
    pack = _pack(tmp_path, f"""
        lexicons:
          classifier: [{words}]
    """, "huge.yaml")
    msg = _error(pack)
    assert "huge.yaml:3" in msg and "'classifier' holds more than 5000 characters" in msg


def test_rules_check_reports_a_rule_that_fails_on_its_example_as_that_rules_failure(
        tmp_path, capsys, monkeypatch):
    from unionfacts.rules import check

    def timed_out(case: check.Case) -> str | None:
        raise PatternError("pattern timed out after 5.0 s on this text", file=case.rule.file,
                           rule=case.rule.id)

    pack = _pack(tmp_path, """
        rules:
          - id: count.boats
            pattern: '{NUMQ}(?P<unit>艘)'
            examples: ['新建[[12艘]]渔船']
    """)
    monkeypatch.setattr(check, "_run_case", timed_out)
    assert main(["rules", "check", str(pack)]) == 1  # a message, no traceback
    out = capsys.readouterr().out
    assert "count.boats[ex0]:" in out and "timed out" in out and "0 passed, 1 failed" in out


def test_a_macro_that_refers_to_itself_is_an_error(tmp_path):
    pack = _pack(tmp_path, """
        macros:
          LOOP: 'a{LOOP}'
        rules:
          - id: count.loop
            pattern: '{LOOP}个'
    """)
    assert "refers to itself" in _error(pack)


# --- pack files: regular and bounded ----------------------------------------------------------

def _loads_within(seconds: float, pack: Path) -> str:
    """The error of loading ``pack``, from a thread that must finish in time (no hang)."""
    result: list[str] = []

    def run() -> None:
        try:
            load_patterns([pack])
            result.append("loaded")
        except PatternError as exc:
            result.append(str(exc))

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert result, "loading the pack hung"
    return result[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_pack_file_is_refused_without_hanging(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    os.mkfifo(pack / "pipe.yaml")
    msg = _loads_within(10, pack)
    assert "pipe.yaml" in msg and "not a regular file" in msg


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_a_link_to_a_device_is_refused_without_reading_it(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "zero.yaml").symlink_to("/dev/zero")
    msg = _loads_within(10, pack)
    assert "zero.yaml" in msg and "not a regular file" in msg


def test_a_folder_named_like_a_pack_file_is_refused(tmp_path):
    pack = tmp_path / "pack"
    (pack / "dir.yaml").mkdir(parents=True)
    assert "not a regular file" in _error(pack)


def test_a_pack_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    limit = max(p.stat().st_size for p in Path(str(packs.builtin_dir())).glob("*.yaml")) + 1
    monkeypatch.setattr(packs, "MAX_FILE_BYTES", limit)
    pack = _pack(tmp_path, "description: '" + "x" * limit + "'\n", "big.yaml")
    msg = _error(pack)
    assert "big.yaml" in msg and f"larger than {limit} bytes" in msg


def test_a_link_to_a_regular_pack_file_is_read(tmp_path):
    real = _pack(tmp_path, """
        rules:
          - id: count.boats
            pattern: '{NUMQ}(?P<unit>艘)'
    """, folder="real")
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "boats.yaml").symlink_to(real / "extra.yaml")
    assert any(r.id == "count.boats" for r in load_patterns([pack]).rules)


# --- rule ids and the extra argument -----------------------------------------------------------

def test_a_rule_id_twice_in_one_file_is_an_error(tmp_path):
    pack = _pack(tmp_path, """
        rules:
          - id: count.boats
            pattern: '{NUMQ}(?P<unit>艘)'
          - id: count.boats
            pattern: '{NUMQ}(?P<unit>条船)'
    """, "dup.yaml")
    msg = _error(pack)
    assert "dup.yaml" in msg and "count.boats" in msg and "defined twice in one pack" in msg


def test_a_rule_id_in_two_files_of_one_pack_is_an_error(tmp_path):
    body = """
        rules:
          - id: count.boats
            pattern: '{NUMQ}(?P<unit>艘)'
    """
    _pack(tmp_path, body, "a.yaml")
    pack = _pack(tmp_path, body, "b.yaml")
    msg = _error(pack)
    assert "b.yaml" in msg and "a.yaml" in msg and "count.boats" in msg


def test_a_later_pack_still_overrides_a_rule_by_id(tmp_path):
    first = _pack(tmp_path, """
        rules:
          - id: count.boats
            pattern: '{NUMQ}(?P<unit>艘)'
    """, folder="first")
    second = _pack(tmp_path, """
        rules:
          - id: count.boats
            pattern: '{NUMQ}(?P<unit>条船)'
    """, folder="second")
    rules = [r for r in load_patterns([first, second]).rules if r.id == "count.boats"]
    assert len(rules) == 1 and "条船" in rules[0].pattern


def test_a_str_extra_is_one_folder(tmp_path):
    pack = _pack(tmp_path, """
        rules:
          - id: count.boats
            pattern: '{NUMQ}(?P<unit>艘)'
    """)
    assert any(r.id == "count.boats" for r in load_patterns(str(pack)).rules)
    assert any(r.id == "count.boats" for r in get_patterns(str(pack)).rules)
    facts = extract("新建12艘渔船", extra_patterns=str(pack))
    assert [f.unit for f in facts] == ["艘"]


# --- the subject reader's rules ----------------------------------------------------------------

def test_subject_rules_are_one_frozen_object_from_the_lexicons():
    pset = get_patterns()
    rules = compile_subject_rules(pset)
    assert isinstance(rules, SubjectRules)
    with pytest.raises(AttributeError):
        rules.keep_len = 0  # type: ignore[misc]
    # one set of clause breaks (text.yaml) plus the subject's own: the characters it had
    assert set(pset.lexicon("clause_break")) == set("，。；：！？,;:!?\n\r")
    assert rules.breaks == frozenset("，。；：！？,;:!?\n\r…|>/《》【】[]< \u3000\t")
    text = "技能人才总量已达1096万人"
    assert find_subject(text, 8, len(text), rules, "count", people=True) == (0, 6)


def test_a_pack_can_add_a_subject_break(tmp_path):
    text = "其中A·技能人才总量已达1096万人"
    start = text.index("1096")
    before = compile_subject_rules(get_patterns())
    a, b = find_subject(text, start, len(text), before, "count") or (0, 0)
    assert text[a:b] == "A·技能人才总量"
    pack = _pack(tmp_path, """
        lexicons:
          subject_break: ['·']
    """)
    after = compile_subject_rules(get_patterns([pack]))
    a, b = find_subject(text, start, len(text), after, "count") or (0, 0)
    assert text[a:b] == "技能人才总量"
