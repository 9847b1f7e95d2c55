"""Compiled ``re`` code (and parsed rule packs) kept on disk between processes: start-up
without ``re``'s compiler and the YAML parser.

Building an ``Extractor`` compiles some ninety patterns, and ``re``'s compiler is written in
Python: it took about 0.11 s of the 0.19 s a fresh process spent before its first extraction
(the rest: the ``regex`` patterns, the YAML). The compiled form of a pattern — the list of
opcodes ``re`` hands to its C engine — depends only on the pattern, its flags and the Python
build, so the first process writes it to a cache file and later ones hand it to the engine
directly (``_sre.compile``, what ``re.compile`` itself ends with). The engine checks the code it
is given (CPython validates every opcode list), and a file that is missing, unreadable, of
another Python build or damaged is ignored: the pattern is then compiled as ever. A pattern
``re`` refuses is remembered too, so that the ``regex`` engine is asked at once. The data of a
rule-pack file is kept the same way, under the SHA-256 of its text (``load_data``): JSON reads
in a tenth of the time YAML does, and a file whose data JSON cannot carry exactly is not kept.

Where: ``$UNIONFACTS_CACHE_DIR`` if set (empty: no cache at all), else
``$XDG_CACHE_HOME/unionfacts`` or ``~/.cache/unionfacts``; one file per Python build, written to
a temporary file and renamed into place (processes that write at once leave one whole file).
Nothing else is ever written, and a failure to write is not an error. The file is JSON data,
never code: it is read with ``json`` and its values checked for type before use
(SECURITY.md). Tests compare every built-in pattern compiled through the cache with
``re.compile`` of it (``re`` patterns compare equal only when their code is the same).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import stat
import sys
import tempfile
import threading
import zlib
from array import array
from pathlib import Path
from collections.abc import Callable
from typing import Any

try:  # CPython's engine and compiler internals; without them the cache is off
    import _sre  # type: ignore[import-not-found]
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another Python implementation
    _sre = None

_FORMAT = 4
#: At most this many patterns are kept (user packs add theirs): past it, a process that writes
#: keeps only the patterns it used itself.
MAX_ENTRIES = 1024
#: A cache file larger than this is not read.
MAX_BYTES = 32 * 1024 * 1024
_REFUSED = "-"  # a pattern re refused: the entry's only value

_lock = threading.Lock()
_entries: dict[str, Any] | None = None  # pattern → entry, as read (None: not read yet)
_added: dict[str, Any] = {}
_data: dict[str, Any] | None = None  # pack text hash → its data, as read
_data_added: dict[str, Any] = {}
#: At most this many pack files' data are kept.
MAX_DATA = 64
_used: set[str] = set()  # the cached patterns this process used
_stats = {"hits": 0, "misses": 0}


def _tag() -> str:
    impl = sys.implementation.cache_tag or "none"
    magic = getattr(_sre, "MAGIC", 0)
    size = getattr(_sre, "CODESIZE", 0)
    return f"{impl}-{sys.hexversion:x}-{magic}-{size}-{sys.byteorder}-v{_FORMAT}"


def cache_file() -> Path | None:
    """The cache file of this Python build, or ``None`` when the cache is off."""
    if _sre is None:
        return None
    env = os.environ.get("UNIONFACTS_CACHE_DIR")
    if env is not None:
        if not env:
            return None
        base = Path(env)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = Path(xdg) / "unionfacts" if xdg else Path.home() / ".cache" / "unionfacts"
    return base / f"re-{_tag()}.json"


def _read_both(path: Path | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(patterns, pack data) of the cache file; empty for a missing, foreign or damaged one,
    and for anything at that path that is not a regular file (a FIFO would block a read, a
    link to a device would never end)."""
    if path is None:
        return {}, {}
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return {}, {}
            with os.fdopen(fd, "rb", closefd=False) as f:
                raw = f.read(MAX_BYTES + 1)
        finally:
            os.close(fd)
        if len(raw) > MAX_BYTES:
            return {}, {}
        data = json.loads(raw)
    except (OSError, ValueError, RecursionError):  # missing, unreadable, not JSON, too deep
        return {}, {}
    if not isinstance(data, dict) or data.get("tag") != _tag() or not isinstance(data.get("entries"), dict):
        return {}, {}
    packs = data.get("data")
    return dict(data["entries"]), dict(packs) if isinstance(packs, dict) else {}


def _digest(*parts: object) -> str:
    """A check of an entry against accidental damage (a changed byte, an entry moved to
    another pattern): a CRC-32 of its parts, not a signature — the folder is the user's own."""
    crc = 0
    for part in parts:
        data = part if isinstance(part, str) else repr(part)
        crc = zlib.crc32(data.encode("utf-8", "surrogatepass") + b"\0", crc)
    return f"{crc:08x}"


def _known() -> dict[str, Any]:
    global _entries, _data
    if _entries is None:
        with _lock:
            if _entries is None:
                _entries, _data = _read_both(cache_file())
    return _entries


def load_data(text: str, parse: Callable[[str], Any]) -> Any:
    """``parse(text)`` (a rule-pack file's YAML, a mapping), from the cache when it holds the
    data of this very text; an entry that is damaged or not a mapping is parsed again. The value
    is a fresh copy each time (callers may change it)."""
    path = cache_file()
    if path is None:
        return parse(text)
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    _known()
    entry = (_data or {}).get(key)
    if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str) \
            and entry[1] == _digest(key, entry[0]):
        try:
            cached = json.loads(entry[0])
        except (ValueError, RecursionError):
            cached = None
        if isinstance(cached, dict):  # a pack file's data is a mapping
            return cached
    value = parse(text)
    try:
        packed = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        back = json.loads(packed)
        exact = isinstance(value, dict) and back == value and _same_types(back, value)
    except (TypeError, ValueError, RecursionError):  # a date, a non-string key …
        exact = False
    if exact:
        with _lock:
            if len(_data_added) < MAX_DATA:
                _data_added[key] = [packed, _digest(key, packed)]
    return value


def _same_types(a: Any, b: Any) -> bool:
    """Whether two equal values are built of the same types (``1 == True == 1.0`` in Python)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return all(_same_types(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return all(_same_types(x, y) for x, y in zip(a, b))
    return True


def refused(pattern: str) -> bool:
    """Whether ``re`` refused ``pattern`` in an earlier process (``compile_re`` raised)."""
    return _known().get(pattern) == _REFUSED or _added.get(pattern) == _REFUSED


def note_refused(pattern: str) -> None:
    """Remember that ``re`` refused ``pattern``."""
    if cache_file() is not None:
        _add(pattern, _REFUSED)


def _add(pattern: str, entry: Any) -> None:
    with _lock:
        if len(_added) < MAX_ENTRIES:
            _added[pattern] = entry


def compile_re(pattern: str) -> re.Pattern[str]:
    """``re.compile(pattern)``, its code taken from the cache when it is there (and the
    warnings and errors of ``re.compile`` raised as ever when it is not)."""
    entry = _known().get(pattern)
    if entry is not None and entry != _REFUSED:
        cached = _from_entry(pattern, entry)
        if cached is not None:
            _stats["hits"] += 1
            _used.add(pattern)
            return cached
    _stats["misses"] += 1
    if _sre is None or cache_file() is None:
        return re.compile(pattern)
    try:
        p = _parser.parse(pattern, 0)
        code = _compiler._code(p, 0)
        groupindex = dict(p.state.groupdict)
        indexgroup: list[str | None] = [None] * p.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        flags = p.state.flags
        groups = p.state.groups - 1
        compiled: re.Pattern[str] = _sre.compile(pattern, flags, code, groups, groupindex,
                                                 tuple(indexgroup))
    except AttributeError:  # pragma: no cover - the internals moved: compile as ever
        return re.compile(pattern)
    packed = base64.b64encode(array("I", code).tobytes()).decode("ascii")
    _add(pattern, [flags, packed, groups, groupindex, indexgroup,
                   _digest(pattern, flags, packed, groups, sorted(groupindex.items()), indexgroup)])
    return compiled


def _from_entry(pattern: str, entry: Any) -> re.Pattern[str] | None:
    """The pattern made from its cached code, or ``None`` for an entry that is not one: of the
    wrong shape, damaged (its digest), or refused by the engine's own check of the code."""
    try:
        flags, packed, groups, groupindex, indexgroup, digest = entry
        if not (isinstance(flags, int) and isinstance(packed, str) and isinstance(groups, int)
                and isinstance(groupindex, dict) and isinstance(indexgroup, list)
                and len(indexgroup) == groups + 1
                and all(isinstance(k, str) and isinstance(v, int) and 0 < v <= groups
                        and indexgroup[v] == k for k, v in groupindex.items())
                and sum(x is not None for x in indexgroup) == len(groupindex)):
            return None
        if digest != _digest(pattern, flags, packed, groups, sorted(groupindex.items()), indexgroup):
            return None
        code = array("I")
        code.frombytes(base64.b64decode(packed, validate=True))
        compiled: re.Pattern[str] = _sre.compile(pattern, flags, code.tolist(), groups, groupindex,
                                                 tuple(indexgroup))
        return compiled
    except (ValueError, TypeError, RuntimeError, OverflowError, AttributeError, KeyError,
            IndexError, RecursionError):
        return None  # damaged: the engine refused the code, or the entry is malformed


def save() -> None:
    """Write the patterns compiled since the cache was read, if any; never raises."""
    global _entries, _data
    path = cache_file()
    if path is None or not (_added or _data_added):
        return
    with _lock:
        entries, packs = _read_both(path)  # what other processes wrote meanwhile, kept
        entries.update(_added)
        if len(entries) > MAX_ENTRIES:  # full: keep what this process used and made
            entries = {k: v for k, v in entries.items() if k in _used or k in _added}
        packs.update(_data_added)
        if len(packs) > MAX_DATA:
            packs = dict(_data_added)
        _added.clear()
        _data_added.clear()
        _entries, _data = entries, packs
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".re-", suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump({"tag": _tag(), "entries": entries, "data": packs}, f,
                              ensure_ascii=False, separators=(",", ":"))
                os.replace(tmp, path)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except (OSError, ValueError):
            return  # a read-only or full disk: the next process compiles again


def stats() -> dict[str, int]:
    """Patterns taken from the cache (``hits``) and compiled (``misses``) in this process."""
    return dict(_stats)


def forget() -> None:
    """Forget what was read, compiled and counted in this process (the next compile reads the
    cache file again): for tests, and after ``UNIONFACTS_CACHE_DIR`` changes."""
    global _entries, _data
    with _lock:
        _entries = _data = None
        _added.clear()
        _data_added.clear()
        _used.clear()
        _stats.update(hits=0, misses=0)
