"""Shared test configuration: Hypothesis profiles.

``ci`` (the default) keeps example counts modest so the whole suite stays fast. ``fuzz`` is
the long run: ``HYPOTHESIS_PROFILE=fuzz .venv/bin/pytest tests/test_properties.py
tests/test_robustness.py -q`` (10,000 examples per property, no deadline; it also enables the
tests marked ``slow``, such as the 50 MB document).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=100, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile(
    "fuzz", max_examples=10_000, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The compiled-pattern cache (unionfacts/rules/recache.py) of this test run: its own folder,
# shared by the CLI subprocesses, never the user's ~/.cache.
if "UNIONFACTS_CACHE_DIR" not in os.environ:
    import tempfile

    os.environ["UNIONFACTS_CACHE_DIR"] = tempfile.mkdtemp(prefix="unionfacts-test-cache-")

# The tools that are not the product (the peer-conformance harness) live in tools/, outside the
# installed package; their tests import them from there.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))


# --------------------------------------------------------------- shared data of the view tests

_SEED_PATHS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


@pytest.fixture(scope="session")
def seeds() -> list[tuple[Any, str]]:
    """Each seed article extracted, with its text: ``(Document, raw text)``."""
    from unionfacts import extract_document

    out = []
    for p in _SEED_PATHS:
        text = p.read_text(encoding="utf-8")
        out.append((extract_document(text, doc_id=p.stem), text))
    return out


@pytest.fixture(scope="session")
def megabyte_document(seeds: list[tuple[Any, str]]) -> tuple[Any, str]:
    """The seeds repeated to a million characters, as one document with its facts shifted."""
    from unionfacts.models import Document

    parts, facts, off = [], [], 0
    while off < 1_000_000:
        for doc, text in seeds:
            facts += [f.model_copy(update={"start": f.start + off, "end": f.end + off}) for f in doc.facts]
            parts.append(text)
            off += len(text)
    return Document(doc="big", facts=facts), "".join(parts)
