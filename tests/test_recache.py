"""The compiled-pattern cache (unionfacts.rules.recache): what it gives back is what
``re.compile`` gives, and nothing in or around the cache file can make it give anything else
or fail."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from unionfacts.rules import recache
from unionfacts.rules.fastre import compile_fast
from unionfacts.rules.packs import get_patterns

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_d2270460fbd20062.txt"
PATTERNS = sorted({r.regex.pattern for r in get_patterns().rules if isinstance(r.regex, re.Pattern)})


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("UNIONFACTS_CACHE_DIR", str(tmp_path))
    recache.forget()
    yield tmp_path
    recache.forget()


def test_the_built_in_rules_are_on_re():
    assert len(PATTERNS) > 40


def test_patterns_from_the_cache_are_those_re_compiles(cache_dir):
    for p in PATTERNS:
        assert recache.compile_re(p) == re.compile(p)
    recache.save()
    assert recache.cache_file() is not None and recache.cache_file().is_file()
    recache.forget()
    text = SEED.read_text(encoding="utf-8")
    for p in PATTERNS:
        cached = recache.compile_re(p)
        # re patterns are equal only when their flags, source and compiled code are
        assert cached == re.compile(p)
        assert cached.groupindex == re.compile(p).groupindex
        assert [m.span() for m in cached.finditer(text)] == [m.span() for m in re.finditer(p, text)]
    assert recache.stats() == {"hits": len(PATTERNS), "misses": 0}


def test_a_pattern_re_refuses_goes_to_regex_at_once_next_time(cache_dir):
    pattern = r"(?<=[0-9]{1,3})元"  # a variable-width lookbehind: re refuses it, regex takes it
    first, _ = compile_fast(pattern)
    recache.save()
    recache.forget()
    assert recache.refused(pattern)
    again, _ = compile_fast(pattern)
    assert type(again) is type(first) and not isinstance(again, re.Pattern)
    assert again.search("共123元").span() == first.search("共123元").span()


@pytest.mark.parametrize("content", [
    b"", b"not json", b"[]", b'{"tag": "other", "entries": {}}', b"\xff\xfe\x00",
    b"[" * 100_000,
])
def test_a_damaged_or_foreign_file_is_ignored(cache_dir, content):
    recache.compile_re(PATTERNS[0])
    recache.save()
    path = recache.cache_file()
    path.write_bytes(content)
    recache.forget()
    assert recache.compile_re(PATTERNS[0]) == re.compile(PATTERNS[0])
    assert recache.stats()["hits"] == 0


@pytest.mark.parametrize("entry", [
    "junk", [1, 2], [32, "!!!", 0, {}, []], [32, "AAAA", 0, {}, []],  # invalid code: the engine refuses it
    [32, "AAAAAAAAAAA=", 0, {"x": "y"}, []], [32, "AAAA", -5, {}, [None]], [None, "AAAA", 0, {}, []],
])
def test_a_damaged_entry_is_compiled_again(cache_dir, entry):
    recache.compile_re(PATTERNS[0])
    recache.save()
    path = recache.cache_file()
    data = json.loads(path.read_text(encoding="utf-8"))
    data["entries"][PATTERNS[0]] = entry
    path.write_text(json.dumps(data), encoding="utf-8")
    recache.forget()
    assert recache.compile_re(PATTERNS[0]) == re.compile(PATTERNS[0])
    assert recache.stats() == {"hits": 0, "misses": 1}


def test_an_unwritable_place_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("UNIONFACTS_CACHE_DIR", str(blocker / "below"))
    recache.forget()
    try:
        assert recache.compile_re(PATTERNS[0]) == re.compile(PATTERNS[0])
        recache.save()  # mkdir fails under a file: nothing raised, nothing written
        assert not (blocker / "below").exists()
    finally:
        recache.forget()


def test_an_empty_setting_turns_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("UNIONFACTS_CACHE_DIR", "")
    recache.forget()
    try:
        assert recache.cache_file() is None
        assert recache.compile_re(PATTERNS[0]) == re.compile(PATTERNS[0])
        recache.save()
        assert recache.stats()["misses"] == 1
    finally:
        recache.forget()


def test_default_place_is_the_user_cache_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("UNIONFACTS_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert recache.cache_file().parent == tmp_path / "unionfacts"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert recache.cache_file().parent == tmp_path / "home" / ".cache" / "unionfacts"


def test_a_second_process_compiles_nothing_and_extracts_the_same(tmp_path):
    code = ("import json, sys, unionfacts\n"
            "from unionfacts.rules import recache\n"
            "from unionfacts.io.sinks import render_jsonl\n"
            "doc = unionfacts.extract_document(open(sys.argv[1], encoding='utf-8').read(), doc_id='s')\n"
            "print(json.dumps(recache.stats()))\n"
            "sys.stdout.write(render_jsonl(doc))\n")
    env = dict(os.environ, UNIONFACTS_CACHE_DIR=str(tmp_path))
    runs = [subprocess.run([sys.executable, "-c", code, str(SEED)], env=env, capture_output=True,
                           text=True, check=True, timeout=300).stdout for _ in range(2)]
    first, second = (json.loads(r.splitlines()[0]) for r in runs)
    assert first["misses"] > 40 and first["hits"] == 0
    assert second["misses"] == 0 and second["hits"] > 40  # (re refused a few: regex at once)
    assert runs[0].splitlines()[1:] == runs[1].splitlines()[1:]
    assert len(list(tmp_path.iterdir())) == 1  # the cache file, no temporary file left


def test_the_patterns_do_not_depend_on_the_hash_seed(tmp_path):
    # a pattern built from a set in its iteration order would differ in every process: never
    # found in the cache, and added to it again each time
    code = ("import json, unionfacts\n"
            "from unionfacts.rules import recache\n"
            "unionfacts.extract_document('2023年投入资金4.9亿元。')\n"
            "print(json.dumps(recache.stats()))\n")
    env = dict(os.environ, UNIONFACTS_CACHE_DIR=str(tmp_path))
    stats = [json.loads(subprocess.run([sys.executable, "-c", code], env=dict(env, PYTHONHASHSEED=str(seed)),
                                       capture_output=True, text=True, check=True, timeout=300).stdout)
             for seed in (1, 2, 3)]
    assert stats[0]["misses"] > 40
    assert [s["misses"] for s in stats[1:]] == [0, 0]


def test_a_full_cache_keeps_what_the_writer_used(cache_dir, monkeypatch):
    monkeypatch.setattr(recache, "MAX_ENTRIES", 3)
    for p in PATTERNS[:3]:
        recache.compile_re(p)
    recache.save()
    recache.forget()
    recache.compile_re(PATTERNS[0])  # used: kept
    recache.compile_re(PATTERNS[5])  # made: kept
    recache.save()
    data = json.loads(recache.cache_file().read_text(encoding="utf-8"))
    assert set(data["entries"]) == {PATTERNS[0], PATTERNS[5]}


# -- rule-pack data ------------------------------------------------------------------------------

def _yaml(text):
    import yaml

    return yaml.safe_load(text)


def test_pack_data_from_the_cache_is_what_yaml_reads(cache_dir):
    files = sorted((ROOT / "patterns").glob("*.yaml"))
    assert len(files) > 5
    for f in files:
        recache.load_data(f.read_text(encoding="utf-8"), _yaml)
    recache.save()
    recache.forget()

    def refuse(text):
        raise AssertionError("parsed again")

    for f in files:
        text = f.read_text(encoding="utf-8")
        assert recache.load_data(text, refuse) == _yaml(text)


def test_data_json_cannot_carry_is_parsed_each_time(cache_dir):
    text = "a: 2024-01-05\nb: {1: x}\nc: [1, true, 1.5]\n"
    calls = []

    def parse(t):
        calls.append(t)
        return _yaml(t)

    first = recache.load_data(text, parse)
    recache.save()
    recache.forget()
    assert recache.load_data(text, parse) == first and len(calls) == 2  # a date, an integer key


def test_a_changed_pack_file_is_read_again(cache_dir):
    recache.load_data("x: 1\n", _yaml)
    recache.save()
    recache.forget()
    assert recache.load_data("x: 2\n", _yaml) == {"x": 2}


def test_a_warm_process_reads_no_yaml(tmp_path):
    code = ("import sys, unionfacts\n"
            "unionfacts.extract_document('2023年投入资金4.9亿元。')\n"
            "print('yaml' in sys.modules)\n")
    env = dict(os.environ, UNIONFACTS_CACHE_DIR=str(tmp_path))
    out = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True, timeout=300).stdout.strip() for _ in range(2)]
    assert out == ["True", "False"]


# -- a cache file someone or something changed --------------------------------------------------

def _jsonl(text: str) -> str:
    from unionfacts.extractor import Extractor
    from unionfacts.io.sinks import render_jsonl

    return render_jsonl(Extractor().extract_document(text, doc_id="s"))


def _mutations():
    def each_data(value):
        def f(data):
            for k in data["data"]:
                data["data"][k] = value
        return f

    def shift_groupindex(data):
        for e in data["entries"].values():
            if e != "-" and e[3]:
                e[3] = {k: v + 1 for k, v in e[3].items()}

    def swap_code(data):
        entries = [e for e in data["entries"].values() if e != "-"]
        by_groups: dict = {}
        for e in entries:
            by_groups.setdefault((e[2], json.dumps(e[3], sort_keys=True)), []).append(e)
        for same in by_groups.values():
            if len(same) > 1:
                same[0][1], same[1][1] = same[1][1], same[0][1]

    def no_names(data):
        for e in data["entries"].values():
            if e != "-":
                e[4] = [None]

    def flip_flags(data):
        for e in data["entries"].values():
            if e != "-":
                e[0] = e[0] | re.IGNORECASE

    return {"deep data": each_data(["[" * 100_000, "x"]), "data not a mapping": each_data(["5", "x"]),
            "empty data": each_data(["{}", "x"]), "group numbers shifted": shift_groupindex,
            "code swapped": swap_code, "group names lost": no_names, "flags changed": flip_flags}


MUTATIONS = _mutations()


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_a_cache_file_changed_inside_changes_nothing(cache_dir, name):
    text = SEED.read_text(encoding="utf-8")
    recache.save()
    expected = _jsonl(text)  # fills the cache
    path = recache.cache_file()
    data = json.loads(path.read_text(encoding="utf-8"))
    MUTATIONS[name](data)
    path.write_text(json.dumps(data), encoding="utf-8")
    recache.forget()
    assert _jsonl(text) == expected


def test_a_fifo_or_a_device_at_the_cache_path_is_passed_by(tmp_path):
    path = tmp_path / "probe"
    code = ("import json, unionfacts\n"
            "from unionfacts.rules import recache\n"
            "open(recache.cache_file().parent / 'name', 'w').write(recache.cache_file().name)\n")
    env = dict(os.environ, UNIONFACTS_CACHE_DIR=str(path))
    path.mkdir()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=300)
    target = path / (path / "name").read_text()
    for make in (lambda p: os.mkfifo(p), lambda p: p.symlink_to("/dev/zero")):
        if target.exists() or target.is_symlink():
            target.unlink()
        make(target)
        run = subprocess.run([sys.executable, "-c", "import unionfacts; print(len(unionfacts.extract('投入4.9亿元')))"],
                             env=env, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0 and run.stdout.strip() == "1", run.stderr
