"""Every example and negative of every rule file, collected from the data (STYLE §2).

Adding a rule means editing one YAML file: its examples become tests here by themselves.
"""

from __future__ import annotations

import pytest

from unionfacts.rules.check import iter_cases, run_case
from unionfacts.rules.packs import get_patterns

CASES = list(iter_cases(get_patterns()))


def _param(case):
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_rule_example(case):
    problem = run_case(case)
    assert problem is None, f"{case.rule.file}:{case.rule.line}: {problem}"


def test_every_rule_has_examples_and_fact_rules_have_negatives():
    for rule in get_patterns().rules:
        assert rule.spec.examples, f"{rule.id} has no examples"
        if rule.kind in ("money", "count", "percent", "measure", "duration") and rule.spec.priority <= 0:
            assert rule.spec.not_, f"{rule.id} has no negative examples"


def test_builtin_rules_load_trusted_with_checked_fields():
    # the built-in pack alone: every rule is the tested one (anchor scan, no timeout), and
    # its fields are the kind's own (a switch set to 'false' would be dropped at load)
    from unionfacts.rules.packs import FIELDS

    for rule in get_patterns().rules:
        assert rule.builtin and not rule.user_macros, rule.id
        assert set(rule.fields) <= set(FIELDS[rule.kind]), rule.id
        assert rule.fields == dict(rule.spec.fields), rule.id
