"""User rule packs: extend lexicons, add rules, and get clear errors for broken packs."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from unionfacts import PatternError, extract
from unionfacts.cli import main


def _pack(tmp_path, body: str, name: str = "extra.yaml"):
    d = tmp_path / "pack"
    d.mkdir(exist_ok=True)
    (d / name).write_text(textwrap.dedent(body), encoding="utf-8")
    return d


def test_new_classifier_and_currency_are_a_one_file_change(tmp_path):
    pack = _pack(tmp_path, """
        lexicons:
          classifier: ['艘']
          currency: {'缅元': 'MMK'}
        rules:
          - id: count.ships
            pattern: '{NUMQ}(?P<unit>艘)'
            examples:
              - text: '新建[[12艘]]渔船'
    """)
    text = "新建12艘渔船，投资300万缅元"
    assert [f.kind for f in extract(text)] == []  # built-in pack alone knows neither
    facts = extract(text, extra_patterns=[pack])
    assert [(f.kind, f.value, f.unit) for f in facts] == [
        ("count", Decimal("12"), "艘"), ("money", Decimal("3000000"), "MMK")]
    # the lexicon extension also reaches built-in rules (count.classifier uses {@classifier})
    assert any(f.rule == "count.classifier" for f in extract("共有5艘", extra_patterns=[pack]))


def test_rules_check_passes_a_good_pack_and_reports_a_failing_example(tmp_path, capsys):
    pack = _pack(tmp_path, """
        rules:
          - id: count.ships
            pattern: '{NUMQ}(?P<unit>艘)'
            examples:
              - text: '新建[[12艘]]渔船'
              - text: '新建[[三艘]]渔船'
                value: {value: '4'}
    """)
    assert main(["rules", "check", str(pack)]) == 1
    out = capsys.readouterr().out
    assert "count.ships[ex1]: expected value='4'" in out and "got '3'" in out
    assert "1 passed, 1 failed" in out


def test_builtin_pack_checks_clean(capsys):
    assert main(["rules", "check"]) == 0
    assert " 0 failed" in capsys.readouterr().out


@pytest.mark.parametrize("body,needle", [
    ("rules: [{id: 'count.x', pattern: '(unclosed'}]\n", "does not compile"),
    ("rules: [{id: 'count.x', pattern: '{NOPE}'}]\n", "unknown macro {NOPE}"),
    ("rules: [{id: 'count.x', pattern: '{@nolex}'}]\n", "unknown lexicon {@nolex}"),
    ("rules: [{id: 'bogus.x', pattern: 'a'}]\n", "rule id must start with"),
    ("rules: [{id: 'count.x', pattern: 'a', colour: 'red'}]\n", "Extra inputs are not permitted"),
    ("rules:\n  - id: 'count.x'\n    pattern: [unclosed\n", "not valid YAML"),
    ("- just a list\n", "top level must be a mapping"),
])
def test_broken_pack_names_file_and_rule(tmp_path, body, needle):
    pack = _pack(tmp_path, body, "broken.yaml")
    with pytest.raises(PatternError) as exc:
        extract("12个", extra_patterns=[pack])
    msg = str(exc.value)
    assert needle in msg and "broken.yaml" in msg
    if "count.x" in body and "YAML" not in needle:
        assert "count.x" in msg


def test_broken_pack_on_the_cli_is_a_usage_error(tmp_path, capsys):
    pack = _pack(tmp_path, "rules: [{id: 'count.x', pattern: '(unclosed'}]\n", "broken.yaml")
    f = tmp_path / "a.txt"
    f.write_text("12个", encoding="utf-8")
    assert main(["extract", "--patterns", str(pack), str(f)]) == 2
    assert "broken.yaml" in capsys.readouterr().err
    assert main(["rules", "check", str(pack)]) == 2  # the same code as extract gives for it


def test_yaml_tags_never_execute(tmp_path):
    pack = _pack(tmp_path, "rules: !!python/object/apply:os.system ['echo pwned']\n", "evil.yaml")
    with pytest.raises(PatternError, match="not valid YAML"):
        extract("12个", extra_patterns=[pack])
