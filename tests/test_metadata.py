"""Packaging metadata: an SPDX licence with its file, classifiers and keywords, a wheel built
without deprecation warnings, and an editable install that no folder named ``unionfacts`` in
the working directory can shadow."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import unionfacts

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_licence_is_an_spdx_expression_with_its_file():
    assert PROJECT["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "WITHOUT WARRANTY" in text
    assert "LICENSE" in PROJECT["license-files"]


def test_classifiers_and_keywords():
    assert "Typing :: Typed" in PROJECT["classifiers"]
    assert any(c.startswith("Programming Language :: Python :: 3.11") for c in PROJECT["classifiers"])
    assert not any(c.startswith("License ::") for c in PROJECT["classifiers"])  # the SPDX field says it
    assert "chinese" in PROJECT["keywords"]
    for url in PROJECT.get("urls", {}).values():
        assert "example" not in url and "<" not in url, url


def test_wheel_builds_without_deprecation_warnings(tmp_path):
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "--no-build-isolation",
                        "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    log = r.stdout + r.stderr
    assert "deprecat" not in log.lower(), [ln for ln in log.splitlines() if "eprecat" in ln]
    (whl,) = tmp_path.glob("unionfacts-*.whl")
    z = zipfile.ZipFile(whl)
    meta = z.read(next(n for n in z.namelist() if n.endswith("METADATA"))).decode()
    assert "License-Expression: MIT" in meta
    assert any(n.endswith("licenses/LICENSE") for n in z.namelist())


def test_a_folder_named_unionfacts_in_the_working_directory_does_not_shadow_the_package(tmp_path):
    # a clone named unionfacts, Python started in the folder that holds it: the working
    # directory is first on sys.path, and the clone looks like a namespace package there
    if not str(Path(unionfacts.__file__).resolve()).startswith(str(ROOT)):
        pytest.skip("unionfacts is not installed from this checkout")
    (tmp_path / "unionfacts").symlink_to(ROOT, target_is_directory=True)
    code = ("import unionfacts; print(unionfacts.__file__); "
            "print(unionfacts.extract('投入资金4.9亿元')[0].value)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split() == [str(ROOT / "src" / "unionfacts" / "__init__.py"), "490000000"]
