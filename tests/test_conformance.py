"""The conformance runner against the peer cases in ``shared/conformance``.

Skips when the folder is absent (a wheel or sdist checkout has no ``shared/``). Otherwise the
in-scope pass rate of every source × category must stay at or above its floor (set just below
the figure measured when the floor was last raised: a regression fails, an improvement does
not), and the in-scope case counts must not shrink (no rate bought by declaring cases out of
scope). Raise the floors when the extraction rules get better:
``python tools/conformance.py`` prints the figures.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

import conformance as cf  # tools/conformance.py, put on sys.path by conftest.py

# (source, category): (minimum in-scope pass rate, minimum number of in-scope cases).
# Raised after the rule work of issues 3 and 4: the figure measured per row, less one case,
# so a later drop fails here. The minimum case counts are 95% of the in-scope counts.
FLOORS: dict[tuple[str, str], tuple[float, int]] = {
    ("cn2an", "number"): (0.97, 145),  # measured 150/153
    ("duckling", "money"): (0.80, 14),  # measured 13/15
    ("duckling", "number"): (0.89, 95),  # measured 91/101
    ("duckling", "date"): (0.98, 61),  # measured 65/65
    ("duckling", "daterange"): (0.83, 17),  # measured 16/18
    ("jionlp", "money"): (0.90, 57),  # measured 56/61
    ("jionlp", "date"): (0.82, 55),  # measured 49/58
    ("jionlp", "daterange"): (0.78, 70),  # measured 59/74
    ("nemo", "money"): (0.97, 45),  # measured 48/48
    ("nemo", "number"): (0.99, 162),  # measured 171/171
    ("recognizers", "money"): (0.90, 28),  # measured 28/30
    ("recognizers", "number"): (0.94, 250),  # measured 251/264
    ("recognizers", "percent"): (0.96, 108),  # measured 110/114: 百分之９，９９９ given up so that 20，300 stays two list items
    ("recognizers", "date"): (0.92, 62),  # measured 62/66
    ("recognizers", "daterange"): (0.95, 62),  # measured 64/66
    ("wetextprocessing", "money"): (0.80, 4),  # measured 5/5
    ("wetextprocessing", "number"): (0.97, 32),  # measured 34/34
}

# the two target groups of the project (targets: 95% and 90%)
TARGET_FLOORS = {"numeric": 0.95, "dates": 0.90}  # measured 585/609, 315/347


@pytest.fixture(scope="module")
def folder():
    path = cf.find_conformance_dir()
    if path is None:
        pytest.skip("no shared/conformance folder (set UNIONFACTS_CONFORMANCE to run these tests)")
    return path


@pytest.fixture(scope="module")
def report(folder):
    return cf.run(folder)


@pytest.fixture(scope="module")
def report_json(report):
    return report.as_json()


def test_runs_fast(report):
    assert report.elapsed < 30


@pytest.mark.parametrize("row", sorted(FLOORS), ids=lambda r: f"{r[0]}-{r[1]}")
def test_pass_rate_floor(report_json, row):
    floor, min_cases = FLOORS[row]
    rows = {(r["source"], r["category"]): r for r in report_json["table"]}
    assert row in rows, f"no in-scope cases for {row}"
    got = rows[row]
    assert got["in_scope"] >= min_cases, (
        f"{row}: only {got['in_scope']} in-scope cases (was ≥ {min_cases}); "
        "was something declared out of scope?")
    assert got["pass_rate"] >= floor, (
        f"{row}: pass rate {got['pass_rate']:.3f} < floor {floor:.2f} "
        f"({got['passed']}/{got['in_scope']}); run python tools/conformance.py --show-misses 20")


def test_no_unexpected_rows(report_json):
    rows = {(r["source"], r["category"]) for r in report_json["table"] if r["in_scope"]}
    assert rows <= set(FLOORS), f"rows without a floor: {sorted(rows - set(FLOORS))}"


@pytest.mark.parametrize("name", sorted(TARGET_FLOORS))
def test_target_group_floor(report_json, name):
    tg = report_json["targets"][name]
    assert tg["pass_rate"] >= TARGET_FLOORS[name], tg


def test_every_out_of_scope_case_has_a_known_reason(report):
    for r in report.results:
        if r.status == "out":
            assert r.reason in cf.REASONS, (r.id, r.reason)
        else:
            assert r.reason is None
            assert r.expected, r.id


def test_every_case_is_accounted_for(folder, report_json):
    n = sum(1 for _ in cf.load_cases(folder))
    t = report_json["totals"]
    assert t["cases"] == n
    assert t["in_scope"] + t["out_of_scope"] == n
    assert sum(r["count"] for r in report_json["out_of_scope"]) == t["out_of_scope"]
    assert sum(r["cases"] for r in report_json["files"]) == n


def test_json_report_shape(folder, tmp_path, capsys):
    out = tmp_path / "report.json"
    rc = cf.main([str(folder), "--json", str(out), "--show-misses", "1", "--reasons"])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "source" in printed and "target" in printed and "out of scope, by reason" in printed
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) >= {"conformance_dir", "unionfacts_version", "elapsed_s", "totals", "targets",
                         "table", "files", "out_of_scope", "cases"}
    assert set(data["totals"]) >= {"cases", "run", "in_scope", "passed", "failed", "out_of_scope",
                                   "pass_rate"}
    assert set(data["targets"]) == {"numeric", "dates"}
    for tg in data["targets"].values():
        assert set(tg) >= {"target", "in_scope", "passed", "pass_rate", "met"}
    for row in data["table"]:
        assert set(row) == {"source", "category", "in_scope", "passed", "failed", "pass_rate",
                            "out_of_scope"}
        assert row["category"] in cf.CATEGORIES
        assert row["passed"] + row["failed"] == row["in_scope"]
    for row in data["out_of_scope"]:
        assert set(row) == {"key", "reason", "count", "examples"} and row["count"] > 0
    statuses = {c["status"] for c in data["cases"]}
    assert statuses <= {"pass", "fail", "out"}
    for c in data["cases"]:
        assert {"id", "file", "source", "category", "input", "status"} <= set(c)
        if c["status"] == "out":
            assert c["reason"] in cf.REASONS
        else:
            assert "expected" in c and "got" in c


def test_category_filter(folder):
    rep = cf.run(folder, categories=["percent"])
    assert rep.results and {r.category for r in rep.results} == {"percent"}


def test_missing_folder_exit_code(tmp_path, capsys):
    assert cf.main([str(tmp_path / "nope")]) == 2
    assert "no conformance folder" in capsys.readouterr().err


# helpers that need no data ---------------------------------------------------------------

@pytest.mark.parametrize("ref, pub", [
    ("2013-02-12T04:30:00-02:00", "2013-02-12T04:30"),
    ("2017-03-22T00:00:00", "2017-03-22T00:00"),
    ("2021", "2021-01-01"),
    ("2019-06", "2019-06-01"),
    ("2008-03-13", "2008-03-13"),
    (None, None),
])
def test_published_from(ref, pub):
    assert cf.published_from(ref) == pub


@pytest.mark.parametrize("value, first, last", [
    ("2023", "2023-01-01", "2023-12-31"),
    ("2024-02", "2024-02-01", "2024-02-29"),
    ("2024-02-22T09:35", "2024-02-22", "2024-02-22"),
    ("2016-01-01/2018-12-31", "2016-01-01", "2018-12-31"),
    ("2013-10-01T18:00/2013-10-02T00:00", "2013-10-01", "2013-10-01"),  # exclusive T00:00 end
])
def test_interval_of(value, first, last):
    assert cf._interval_of(value) == (dt.date.fromisoformat(first), dt.date.fromisoformat(last))


@pytest.mark.parametrize("text, reason", [
    ("农历2015年十月初一", "date:lunar"),
    ("星期一", "date:week"),
    ("下午三点", "date:time-of-day"),
    ("三年前", "date:rolling"),
    ("07年", "date:two-digit-year"),
    ("每年9月", "date:recurring"),
    ("2021年前两个季度", None),
    ("今年前五个月", None),
    ("10月12号，星期一", None),
    ("2015年3月3号", None),
])
def test_date_scope(text, reason):
    case = {"source": "jionlp", "expected": [], "file": "jionlp_time_parse"}
    assert cf._date_text_scope(text, case) == reason
