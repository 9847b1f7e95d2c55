"""``unionfacts schema record`` describes every line the CLI writes: validated with jsonschema
over the seeds and the test corpora, every field documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unionfacts import cli
from unionfacts.io.sinks import record_schema

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
PAGE = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title>'
        '<meta property="article:published_time" content="2024-02-22T09:35:00+08:00"></head><body>'
        '<div class="nav"><a href="/">首页</a></div><h1>工会投入资金4.9亿元</h1><div class="content">'
        '<p>截至2023年11月底，全省技能人才总量已达1096万人，其中高技能人才占比达到31.5%。</p>'
        '<p>出台两项举措：一是学习\u3000制度；二是实践。历时3个多月，长1.2公里，每人每月补助500元。</p>'
        '</div></body></html>')


def run(argv, capsys) -> tuple[int, str]:
    code = cli.main([str(a) for a in argv])
    return code, capsys.readouterr().out


@pytest.fixture(scope="module")
def validator():
    schema = record_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_schema_record_prints_the_record_schema(capsys):
    code, out = run(["schema", "record"], capsys)
    assert code == 0 and json.loads(out) == json.loads(json.dumps(record_schema()))


def _corpora(tmp_path: Path) -> list[Path]:
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "docs.jsonl").write_text(
        json.dumps({"id": "j", "text": "2023年12月26日至27日，约3.5亿元、2至3万人次，增长12.5%，下降0.3个百分点",
                    "published": "2024-02-24T08:00:00Z"}, ensure_ascii=False) + "\n", encoding="utf-8")
    (tmp_path / "t.csv").write_text("text\n每人每月补助500元,\n", encoding="utf-8")
    return [SEEDS, tmp_path, ROOT / "tests"]


def test_every_line_the_cli_writes_validates(tmp_path, capsys, validator):
    code, out = run(["extract", *_corpora(tmp_path)], capsys)
    assert code in (0, 1)  # the tests folder holds inputs that fail on purpose
    recs = [json.loads(x) for x in out.splitlines()]
    assert {r["record"] for r in recs} == {"document", "fact", "measure_item"}
    assert {r["kind"] for r in recs if r["record"] == "fact"} == {
        "money", "count", "percent", "date", "duration", "measure"}
    assert any(r.get("format") == "html" for r in recs)
    for r in recs:
        errors = list(validator.iter_errors(r))
        assert not errors, (r, [e.message for e in errors[:3]])


def test_schema_rejects_what_no_line_is(validator):
    assert not validator.is_valid({"doc": "a", "start": 0, "end": 1, "text": "1", "kind": "money"})
    assert not validator.is_valid({"record": "document", "doc": "a"})
    assert not validator.is_valid({"record": "other"})


def _described(schema: dict, path: str = "") -> list[str]:
    """Paths of properties that carry no description."""
    missing = []
    for name, d in schema.get("$defs", {}).items():
        for prop, sub in d.get("properties", {}).items():
            if "description" not in sub and prop not in ("kind",):
                missing.append(f"{name}.{prop}")
    return missing


def test_every_field_a_line_can_carry_is_documented():
    schema = record_schema()
    assert _described(schema) == []
    money = schema["$defs"]["Money"]["properties"]
    assert money["start"]["description"].startswith("Start offset")  # from the models' docstrings
