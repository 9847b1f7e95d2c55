"""unionfacts: typed money, count, percent, date, duration and measure facts from Chinese text.

>>> from unionfacts import extract
>>> [(f.kind, str(f.value), f.unit) for f in extract("投入资金不低于4.9亿元")]
[('money', '490000000', 'CNY')]

``Extractor`` compiles the rule packs once and runs them over any number of texts, in threads
or (``Extractor.pipe``) worker processes; ``extract``/``extract_document`` use a default one.
"""

from typing import Any

from unionfacts.errors import PatternError, UnionfactsError
from unionfacts.extractor import (Extractor, Failure, Source, extract, extract_document,
                                  json_schema)
from unionfacts.models import Count, Date, Document, Duration, Fact, Measure, Money, Percent

__all__ = [
    "Count", "Date", "Document", "Duration", "Extractor", "Fact", "Failure", "Measure", "Money",
    "PatternError", "Percent", "Source", "UnionfactsError", "extract", "extract_document",
    "json_schema", "to_pandas",
]
__version__ = "0.1.0"


def to_pandas(documents: Any, table: str = "facts") -> Any:
    """Facts (or ``table``: ``documents``, ``measure_lists``, ``measure_items``) of documents as a
    pandas DataFrame with numeric and date dtypes (``unionfacts[pandas]``); see ``frames``."""
    from unionfacts.frames import to_pandas as _to_pandas

    return _to_pandas(documents, table=table)
