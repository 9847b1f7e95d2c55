"""unionfacts: typed money, count, percent, date, duration and measure facts from Chinese text.

>>> from unionfacts import extract
>>> [(f.kind, str(f.value), f.unit) for f in extract("投入资金不低于4.9亿元")]
[('money', '490000000', 'CNY')]
"""

from unionfacts.extractor import extract, extract_document, json_schema
from unionfacts.errors import PatternError, UnionfactsError
from unionfacts.models import Count, Date, Document, Duration, Fact, Measure, Money, Percent
from unionfacts.rules.packs import load_patterns

__all__ = [
    "Count", "Date", "Document", "Duration", "Fact", "Measure", "Money", "PatternError",
    "Percent", "UnionfactsError", "extract", "extract_document", "json_schema", "load_patterns",
]
__version__ = "0.1.0"
