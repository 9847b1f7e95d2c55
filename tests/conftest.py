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

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=100, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile(
    "fuzz", max_examples=10_000, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The tools that are not the product (the peer-conformance harness) live in tools/, outside the
# installed package; their tests import them from there.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
