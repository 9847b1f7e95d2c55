"""Facts as a pandas DataFrame (``pip install 'unionfacts[pandas]'``).

>>> df = to_pandas(docs)                                 # doctest: +SKIP
>>> df[df.kind == "money"].amount.sum()                  # doctest: +SKIP
1621660500.0

The columns are those of :mod:`unionfacts.records`; dtypes: decimals ``float64`` (exact text in
``value``), dates ``datetime64[s]``, integers ``int64`` (``Int64`` where a column can be
null), booleans ``boolean``, text as pandas' string default.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

from unionfacts.io.tables import DocumentInput, MissingDependencyError, iter_table_rows
from unionfacts.records import FACTS, Column, Row, Table, table_named


def _need_pandas() -> Any:
    try:
        pandas = importlib.import_module("pandas")
        numpy = importlib.import_module("numpy")
    except ImportError:
        raise MissingDependencyError(
            "DataFrames need pandas: pip install 'unionfacts[pandas]'") from None
    return pandas, numpy


def _series(pd: Any, np: Any, c: Column, values: list[Any]) -> Any:
    if c.type == "decimal":
        return pd.Series(np.array([np.nan if v is None else float(v) for v in values],
                                  dtype="float64"), name=c.name)
    if c.type == "date":
        days = np.array(["NaT" if v is None else v.isoformat() for v in values],
                        dtype="datetime64[D]")
        return pd.Series(days.astype("datetime64[s]"), name=c.name)
    if c.type == "integer":
        return pd.Series(values, dtype="Int64" if c.nullable else "int64", name=c.name)
    if c.type == "boolean":
        return pd.Series(values, dtype="boolean", name=c.name)
    return pd.Series(values, dtype=object if not values else None, name=c.name)


def rows_to_pandas(rows: Iterable[Row], table: Table = FACTS) -> Any:
    """A ``pandas.DataFrame`` of typed record rows."""
    pd, np = _need_pandas()
    rows = list(rows)
    columns = list(zip(*rows)) if rows else [() for _ in table.columns]
    return pd.concat([_series(pd, np, c, list(col)) for c, col in zip(table.columns, columns)],
                     axis=1)


def to_pandas(documents: Iterable[DocumentInput], table: Table | str = FACTS) -> Any:
    """One record table (``facts`` by default) of ``documents`` as a ``pandas.DataFrame``.

    ``documents`` holds :class:`~unionfacts.models.Document` objects or ``(document, text)``
    pairs (``(document, text, path)`` too); the tables other than ``facts`` need the text.
    """
    t = table_named(table) if isinstance(table, str) else table
    return rows_to_pandas(iter_table_rows(documents, t), t)
