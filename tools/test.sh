#!/usr/bin/env bash
# The whole check, as CI runs it on a fresh clone: install what the tests need (system packages
# through tools/ci-deps.sh when it is there, the package with its test extra in .venv), then
# ruff, mypy and the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f tools/ci-deps.sh ]; then bash tools/ci-deps.sh; fi
python3 -m venv .venv
.venv/bin/pip install -q -e ".[test]"
.venv/bin/ruff check src tests tools bench
.venv/bin/mypy
.venv/bin/python -m pytest -q
