#!/usr/bin/env bash
# The whole check, as CI runs it on a fresh clone: install what the tests need (system packages
# (tools/ci-deps.sh, tools/ci-java.sh), the package with its test extra in .venv), then
# ruff, mypy and the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/ci-deps.sh    # Chromium and its driver for the browser tests
bash tools/ci-java.sh    # a JDK for the Spark tests
python3 -m venv .venv
.venv/bin/pip install -q -e ".[test]"
.venv/bin/ruff check src tests tools bench
.venv/bin/mypy
.venv/bin/python -m pytest -q
