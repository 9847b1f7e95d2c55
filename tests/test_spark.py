"""unionfacts.spark in local mode: the same facts as one machine, typed, failures listed.

Needs pyspark and Java 17 (tools/ci-java.sh installs it). Skipped when pyspark is missing,
unless the environment variable CI is set: in CI these tests must run.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

if importlib.util.find_spec("pyspark") is None:
    if os.environ.get("CI"):
        raise ImportError("pyspark is not installed, and CI is set: pip install -e '.[test]'")
    pytest.skip("pyspark is not installed", allow_module_level=True)

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import types as T  # noqa: E402

from unionfacts import Extractor  # noqa: E402
from unionfacts.io.tables import _fit  # noqa: E402
from unionfacts.records import DOCUMENTS, FACTS, document_rows, fact_row  # noqa: E402
from unionfacts.spark import (_EXTRACTORS, _extractor, extract_documents,  # noqa: E402
                              extract_facts, extract_failures, spark_schema)

# pyspark warns about pandas versions it has not certified; nothing here uses pandas
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Any:
    os.environ["PYSPARK_PYTHON"] = sys.executable  # workers import this checkout's unionfacts
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    warehouse = tmp_path_factory.mktemp("spark-warehouse")
    session = (SparkSession.builder.master("local[2]").appName("unionfacts-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.warehouse.dir", str(warehouse))
               .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={warehouse}")
               # small Arrow batches: several batches per task go through one worker
               .config("spark.sql.execution.arrow.maxRecordsPerBatch", "16")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _seed_docs() -> list[tuple[str, str]]:
    return [(p.stem, p.read_text(encoding="utf-8")) for p in SEEDS]


def _corpus_docs(n: int) -> list[tuple[str, str]]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import corpus  # bench/ is not a package
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return [(d.doc_id, d.text) for d in itertools.islice(corpus.iter_corpus(), n)]


def _fitted(row: tuple[Any, ...]) -> tuple[Any, ...]:
    # what a decimal(38,10) column can hold: the same rounding as the Parquet sink
    return tuple(_fit(v) if isinstance(v, Decimal) else v for v in row)


def _local_facts(docs: list[tuple[str, str | None]], published: dict[str, str] | None = None,
                 kinds: list[str] | None = None) -> list[tuple[Any, ...]]:
    ex = Extractor(kinds=kinds)
    rows = []
    for doc_id, text in docs:
        pub = (published or {}).get(doc_id)
        doc = ex.extract_document(text, doc_id, pub)
        rows.extend(_fitted(fact_row(doc_id, f)) for f in doc.facts)
    return sorted(rows, key=_key)


def _key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return row[0], row[1], row[2], row[3], row[4]


def _spark_rows(df: Any) -> list[tuple[Any, ...]]:
    return sorted((tuple(r) for r in df.collect()), key=_key)


def _frame(spark: Any, docs: list[tuple[str, str | None]]) -> Any:
    return spark.createDataFrame(docs, "id string, text string")


# ------------------------------------------------------------------------------ schema

def test_spark_schema_is_derived_from_the_records() -> None:
    kinds = {"text": T.StringType(), "integer": T.LongType(), "decimal": T.DecimalType(38, 10),
             "date": T.DateType(), "boolean": T.BooleanType()}
    for table in (FACTS, DOCUMENTS):
        schema = spark_schema(table)
        assert [f.name for f in schema.fields] == list(table.names)
        for f, c in zip(schema.fields, table.columns):
            assert f.dataType == kinds[c.type], c.name
            assert f.nullable == c.nullable, c.name
            assert f.metadata["comment"] == c.doc


def test_one_extractor_per_process_and_options() -> None:
    a = _extractor(((), None, 5.0))
    assert _extractor(((), None, 5.0)) is a
    money = _extractor(((), ("money",), 5.0))
    assert money is not a and money.kinds == ("money",)
    assert _EXTRACTORS[((), None, 5.0)] is a


# ------------------------------------------------------------------------------ equal facts

def test_seeds_equal_single_machine(spark: Any) -> None:
    docs = _seed_docs()
    facts = extract_facts(_frame(spark, docs))
    assert facts.schema == spark_schema(FACTS)
    got = _spark_rows(facts)
    want = _local_facts(docs)
    assert len(want) > 100
    assert got == want
    # the types as well as the values: a Decimal amount and a date for a day
    money = next(r for r in got if r[3] == "money")
    assert isinstance(money[FACTS.index("amount")], Decimal)
    day = next(r for r in got if r[3] == "date" and r[FACTS.index("first_day")] is not None)
    assert isinstance(day[FACTS.index("first_day")], dt.date)


def test_generated_corpus_equal_single_machine(spark: Any) -> None:
    docs = _corpus_docs(200)
    df = _frame(spark, docs).repartition(3)
    got = _spark_rows(extract_facts(df, batch_rows=97))  # several output batches per task
    want = _local_facts(docs)
    assert len({r[0] for r in want}) > 150
    assert got == want


def test_documents_table_equals_single_machine(spark: Any) -> None:
    docs = _seed_docs()
    out = extract_documents(_frame(spark, docs))
    assert out.schema == spark_schema(DOCUMENTS)
    ex = Extractor()
    want = sorted(_fitted(document_rows(ex.extract_document(t, i), t)[0]) for i, t in docs)
    assert sorted(tuple(r) for r in out.collect()) == want


def test_kinds_option(spark: Any) -> None:
    docs = _seed_docs()
    got = _spark_rows(extract_facts(_frame(spark, docs), kinds=["money", "percent"]))
    assert {r[3] for r in got} == {"money", "percent"}
    assert got == _local_facts(docs, kinds=["money", "percent"])


def test_other_column_names_and_integer_ids(spark: Any) -> None:
    docs = _seed_docs()[:2]
    df = spark.createDataFrame([(n, t) for n, (_, t) in enumerate(docs)], "n int, body string")
    got = _spark_rows(extract_facts(df, text_col="body", id_col="n"))
    assert got == _local_facts([(str(n), t) for n, (_, t) in enumerate(docs)])


# ------------------------------------------------------------------------------ published

_YEARLESS = "3月5日，市总工会发放慰问金20万元。"


def test_published_column_honoured(spark: Any) -> None:
    docs = [("a", _YEARLESS), ("b", _YEARLESS), ("c", _YEARLESS)]
    df = spark.createDataFrame([("a", _YEARLESS, "2021-06-01"), ("b", _YEARLESS, "2023-06-10"),
                                ("c", _YEARLESS, None)], "id string, text string, day string")
    got = _spark_rows(extract_facts(df, published_col="day"))
    want = _local_facts(docs, published={"a": "2021-06-01", "b": "2023-06-10"})
    assert got == want
    dates = {r[0]: r[FACTS.index("value")] for r in got if r[3] == "date"}
    assert dates == {"a": "2021-03-05", "b": "2023-03-05", "c": "--03-05"}
    # without the column the year stays unknown everywhere
    unpublished = _spark_rows(extract_facts(df))
    assert {r[FACTS.index("value")] for r in unpublished if r[3] == "date"} == {"--03-05"}


def test_published_date_column(spark: Any) -> None:
    df = spark.createDataFrame([("a", _YEARLESS, dt.date(2022, 7, 1))],
                               "id string, text string, day date")
    got = _spark_rows(extract_facts(df, published_col="day"))
    assert got == _local_facts([("a", _YEARLESS)], published={"a": "2022-07-01"})
    docs = extract_documents(df, published_col="day").collect()
    assert docs[0]["published"] == dt.date(2022, 7, 1) and docs[0]["published_rule"] is None


def test_published_timestamp_column(spark: Any) -> None:
    # a timestamp is read as the wall-clock time of the session's time zone
    df = spark.createDataFrame([("a", _YEARLESS, dt.datetime(2022, 7, 1, 9, 30))],
                               "id string, text string, day timestamp")
    row = extract_documents(df, published_col="day").collect()[0]
    assert row["published_at"] == "2022-07-01T09:30"
    got = _spark_rows(extract_facts(df, published_col="day"))
    assert got == _local_facts([("a", _YEARLESS)], published={"a": "2022-07-01T09:30"})


# ------------------------------------------------------------------------------ bad rows

def test_bad_rows_are_listed_and_the_others_kept(spark: Any) -> None:
    good = _seed_docs()[:3]
    rows = [(good[0][0], good[0][1], None), ("no-text", None, None), (good[1][0], good[1][1], None),
            (None, "营收3亿元", None), ("bad-day", "营收3亿元", "yesterday"),
            (good[2][0], good[2][1], "2024-02-22")]
    df = spark.createDataFrame(rows, "id string, text string, day string")
    got = _spark_rows(extract_facts(df, published_col="day"))
    assert got == _local_facts(good, published={good[2][0]: "2024-02-22"})
    failures = sorted(((r.doc or "", r.error) for r in extract_failures(df, published_col="day").collect()))
    assert failures == [("", "id is null"),
                        ("bad-day", "published: not an ISO 8601 date: 'yesterday'"),
                        ("no-text", "text is null")]
    documents = {r.doc for r in extract_documents(df, published_col="day").collect()}
    assert documents == {d for d, _ in good}


def _hostile_pack(tmp_path: Path) -> Path:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "rules.yaml").write_text(
        "kind: count\nrules:\n  - id: 'count.catastrophic'\n    pattern: '(?:1|1)+b'\n",
        encoding="utf-8")
    return pack


def test_a_document_whose_extraction_raises(spark: Any, tmp_path: Path) -> None:
    pack = _hostile_pack(tmp_path)
    good = _seed_docs()[:2]
    df = _frame(spark, [good[0], ("hostile", "共" + "1" * 60 + "个"), good[1]])
    options = {"extra_patterns": [str(pack)], "match_timeout": 0.5}
    # by default the job fails, naming the document
    with pytest.raises(Exception, match="SparkExtractionError: document 'hostile': PatternError"):
        extract_facts(df, **options).collect()
    # skipped: the others' facts are all there, and extract_failures(extract=True) names it
    got = _spark_rows(extract_facts(df, on_error="skip", **options))
    ex = Extractor([pack], match_timeout=0.5)
    want = sorted((_fitted(fact_row(i, f)) for i, t in good
                   for f in ex.extract_document(t, i).facts), key=_key)
    assert got == want and len(want) > 20
    assert {r.doc for r in extract_documents(df, on_error="skip", **options).collect()} == {
        d for d, _ in good}
    failures = extract_failures(df, extract=True, **options).collect()
    assert [r.doc for r in failures] == ["hostile"]
    assert failures[0].error.startswith("PatternError: ") and "timed out" in failures[0].error
    assert extract_failures(df).count() == 0  # without extract=True only the input is checked


def test_no_failures_gives_an_empty_frame(spark: Any) -> None:
    assert extract_failures(_frame(spark, _seed_docs())).count() == 0


def test_text_column_not_a_string(spark: Any) -> None:
    df = spark.createDataFrame([("a", b"\xe8\x90\xa5")], "id string, text binary")
    with pytest.raises(TypeError, match="text column 'text' must be a string, not binary"):
        extract_facts(df)
    df = spark.createDataFrame([("a", 3)], "id string, text int")
    with pytest.raises(TypeError, match="not int"):
        extract_failures(df)


def test_published_column_of_another_type(spark: Any) -> None:
    df = spark.createDataFrame([("a", "x", 2024)], "id string, text string, day int")
    with pytest.raises(TypeError, match="published column 'day'"):
        extract_facts(df, published_col="day")


def test_missing_column(spark: Any) -> None:
    with pytest.raises(ValueError, match="no column 'body'.*columns: id, text"):
        extract_facts(_frame(spark, [("a", "x")]), text_col="body")


def test_bad_option_fails_on_the_driver(spark: Any) -> None:
    with pytest.raises(ValueError):
        extract_facts(_frame(spark, [("a", "x")]), kinds=["gold"])
    with pytest.raises(ValueError, match="batch_rows"):
        extract_facts(_frame(spark, [("a", "x")]), batch_rows=0)
    with pytest.raises(ValueError, match="on_error"):
        extract_facts(_frame(spark, [("a", "x")]), on_error="ignore")
