#!/usr/bin/env bash
# The whole check, as CI runs it on a fresh clone: install what the tests need (system packages
# through tools/ci-deps.sh and tools/ci-java.sh), then ruff, mypy and the test suite twice: on the
# pure-Python path (an editable install in .venv, which setup.py keeps pure) and on the compiled
# path (a wheel built from source with mypyc, in a throw-away venv outside the checkout, so that
# the tests of the editable install skip there; it needs a C compiler).
# tests/test_compiled.py checks that each run uses the path it should (UNIONFACTS_EXPECT) and
# that both give the same bytes. TEST_PURE_ONLY=1 skips the compiled run (no C compiler).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/ci-deps.sh    # Chromium and its driver for the browser tests
bash tools/ci-java.sh    # a JDK for the Spark tests
unset UNIONFACTS_PURE UNIONFACTS_COMPILE
python3 -m venv .venv
.venv/bin/pip install -q -e ".[test]"
.venv/bin/ruff check src tests tools bench setup.py
.venv/bin/mypy
# UNIONFACTS_PURE=1 while testing: tests/test_packaging.py builds a wheel of its own, and a pure
# one is enough there (the compiled wheel is built below, once)
UNIONFACTS_EXPECT=pure UNIONFACTS_PURE=1 .venv/bin/python -m pytest -q
if [ "${TEST_PURE_ONLY:-0}" != "0" ]; then exit 0; fi
venv=$(mktemp -d "${TMPDIR:-/tmp}/unionfacts-compiled.XXXXXX")
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install -q ".[test]"
UNIONFACTS_EXPECT=compiled UNIONFACTS_PURE=1 "$venv/bin/python" -m pytest -q
