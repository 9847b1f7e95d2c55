"""Sources: input discovery (files, folders, ``.jsonl``, stdin) and decoding bytes to text.

Every document named by the arguments becomes a ``Source`` (id, text, publication date, where
it came from); one that cannot be read carries its error instead of its text, so the caller
reports it in its place and goes on with the others.
"""

from __future__ import annotations

import json
import re
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from unionfacts.extractor import Source

__all__ = ["ENCODINGS", "Source", "decode", "iter_sources"]


# --------------------------------------------------------------------------------- decoding

ENCODINGS = ("utf-8", "gb18030", "big5")

# Longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
         (b"\x84\x31\x95\x33", "gb18030"))
# C0 controls that plain text does not contain (tab, newlines, form feed and ESC excepted).
_CONTROLS = re.compile("[\x01-\x08\x0e-\x1a\x1c-\x1f]")
_SAMPLE = 65536  # characters looked at to tell text from binary and GB18030 from Big5


def _reason(exc: UnicodeDecodeError) -> str:
    bad = exc.object[exc.start:exc.start + 1]
    byte = f" 0x{bad[0]:02x}" if bad else ""
    return f"{exc.reason}{byte} at byte {exc.start}"


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ValueError(f"cannot decode as {encoding}: {_reason(exc)}") from None
    except LookupError:
        raise ValueError(f"cannot decode as {encoding}: unknown encoding") from None


def _check_text(text: str) -> str:
    """Refuse decoded text that is really binary data (NULs or many control characters)."""
    nul = text.find("\x00")
    if nul >= 0:
        raise ValueError(f"cannot decode as text: binary data (NUL character at {nul})")
    sample = text[:_SAMPLE]
    controls = len(_CONTROLS.findall(sample))  # a scan in C: a loop over the characters cost ~3 % of the CLI
    if controls > max(2, len(sample) // 20):
        raise ValueError("cannot decode as text: binary data (control characters)")
    return text


def _looks_like_utf8(data: bytes) -> bool:
    """Mostly valid UTF-8 with a few bad bytes: a damaged UTF-8 file, not GB18030 or Big5.

    GB18030 and Big5 text are almost never valid UTF-8 beyond a few characters, so when
    nearly every non-ASCII character decodes the file is UTF-8, and reading it as GB18030
    would only turn it into plausible-looking nonsense.
    """
    text = data[:_SAMPLE * 3].decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ch > "\x7f") - bad
    return good >= 4 and bad * 20 <= good


@dataclass(frozen=True)
class _Chinese:
    """How plausible a decoding is as Chinese: the share of its non-ASCII characters that
    are common Han characters (GB2312 level 1 once folded to Simplified) or CJK punctuation."""

    score: float

    @classmethod
    def of(cls, text: str) -> _Chinese:
        from unionfacts.pipeline.normalize import to_simplified

        sample = to_simplified(text[:_SAMPLE])
        good = bad = 0
        for ch in sample:
            o = ord(ch)
            if o < 0x80 or 0xC0 <= o <= 0x24F:  # ASCII, Latin letters of pinyin: neutral
                continue
            if 0x2000 <= o <= 0x206F or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF:
                good += 1
                continue
            if 0x4E00 <= o <= 0x9FFF:
                try:
                    lead = ch.encode("gb2312")[0]
                except UnicodeEncodeError:
                    lead = 0
                if 0xB0 <= lead <= 0xD7:
                    good += 1
                    continue
            bad += 1
        return cls(good / (good + bad) if good + bad else 0.0)


def decode(data: bytes, label: str = "", encoding: str | None = None) -> str:
    """Bytes → str with no newline translation; a byte order mark is dropped.

    With ``encoding`` the bytes are decoded with it, strictly. Without, a byte order mark
    decides (UTF-8, UTF-16, UTF-32, GB18030); otherwise valid UTF-8 is UTF-8 (even when it
    would also decode as GB18030), a damaged UTF-8 file is an error, and anything else is read
    as GB18030 or Big5, whichever decodes and reads more like Chinese. Binary data (NUL bytes,
    control characters) is an error. Errors are ``ValueError("cannot decode as …")``;
    ``label`` is accepted for callers that name the input (the message does not repeat it).
    """
    if encoding is not None:
        text = _strict(data, encoding)
        return _check_text(text[1:] if text.startswith("\ufeff") else text)
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _check_text(_strict(data[len(bom):], enc))
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ValueError(f"cannot decode as text: binary data (NUL byte at byte {nul})")
    try:
        return _check_text(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if _looks_like_utf8(data):
        raise ValueError(f"cannot decode as utf-8: {_reason(utf8_error)}")
    found: list[tuple[str, str]] = []
    for enc in ENCODINGS[1:]:
        try:
            found.append((enc, data.decode(enc)))
        except UnicodeDecodeError:
            continue
    if not found:
        raise ValueError(f"cannot decode as {', '.join(ENCODINGS[:-1])} or {ENCODINGS[-1]} "
                         f"(utf-8: {_reason(utf8_error)})")
    best = found[0][1]
    if len(found) > 1 and _Chinese.of(found[1][1]).score > _Chinese.of(best).score + 0.1:
        best = found[1][1]
    return _check_text(best)


# ----------------------------------------------------------------------------------- inputs

def _doc_id(path: Path) -> str:
    name = _scrub(path.name)  # a file name that is not UTF-8 carries lone surrogates
    return name[:-4] if name.endswith(".txt") else name


def _jsonl_record(line: bytes, where: str, label: str, i: int, encoding: str | None,
                  default_pub: str | None) -> Source | None:
    try:
        text = decode(line, where, encoding or "utf-8")
    except ValueError as exc:
        return Source(where, None, None, where, str(exc))
    if not text.strip():
        return None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return Source(where, None, None, where, f"not a JSON line: {exc.msg}")
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        return Source(where, None, None, where, "a .jsonl line needs a string field 'text'")
    doc = _scrub(str(obj.get("id", obj.get("doc", f"{Path(label).stem}:{i}"))))
    pub = obj.get("published", default_pub)
    return Source(doc, _scrub(obj["text"]), pub if isinstance(pub, str) else default_pub, where)


def _scrub(s: str) -> str:
    """A lone surrogate (JSON ``"\\ud800"``) → U+FFFD: one code point for one, so offsets
    stay true, and the output can be UTF-8."""
    from unionfacts.pipeline.normalize import without_surrogates

    return without_surrogates(s)


def _jsonl_sources(path: Path, encoding: str | None, default_pub: str | None) -> Iterator[Source]:
    """One source per line, read line by line (JSON Lines are UTF-8 unless ``--encoding``).

    Lines are split on ``\\n`` only: U+2028 and other separators may stand raw inside a
    JSON string.
    """
    label = str(path)
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield Source(_doc_id(path), None, None, label, f"cannot read: {exc.strerror}")
        return
    with fh:
        for i, line in enumerate(fh, 1):
            if i == 1 and line.startswith(b"\xef\xbb\xbf") and encoding is None:
                line = line[3:]
            src = _jsonl_record(line, f"{label}:{i}", label, i, encoding, default_pub)
            if src is not None:
                yield src


def _stdin_bytes() -> bytes:
    stream = sys.stdin
    buf = getattr(stream, "buffer", None)
    if buf is not None:
        return buf.read()
    return stream.read().encode("utf-8")


def _files(path: Path) -> list[Path]:
    return sorted(f for f in path.rglob("*") if f.suffix in (".txt", ".jsonl") and f.is_file())


def iter_sources(paths: list[str], encoding: str | None, published: str | None) -> Iterator[Source]:
    """Every document named by the arguments, in order, read lazily; a bad one carries its error."""
    if not paths:
        paths = ["-"]
    for p in paths:
        if p == "-":
            try:
                text = decode(_stdin_bytes(), "<stdin>", encoding)
            except (ValueError, OSError) as exc:
                yield Source("stdin", None, None, "<stdin>", str(exc))
                continue
            yield Source("stdin", text, published, "<stdin>")
            continue
        path = Path(p)
        try:
            if path.is_dir():
                files = _files(path)
            elif path.exists():
                mode = path.stat().st_mode
                if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):  # /dev/zero would never end
                    yield Source(_doc_id(path), None, None, p, "cannot read: not a file (a device)")
                    continue
                files = [path]
            else:
                yield Source(_doc_id(path), None, None, p, "no such file or directory")
                continue
        except OSError as exc:
            yield Source(_doc_id(path), None, None, p, f"cannot read: {exc.strerror or exc}")
            continue
        for f in files:
            if f.suffix == ".jsonl":
                yield from _jsonl_sources(f, encoding, published)
                continue
            try:
                data = f.read_bytes()
            except OSError as exc:
                yield Source(_doc_id(f), None, None, str(f), f"cannot read: {exc.strerror or exc}")
                continue
            try:
                text = decode(data, str(f), encoding)
            except ValueError as exc:
                yield Source(_doc_id(f), None, None, str(f), str(exc))
                continue
            del data
            yield Source(_doc_id(f), text, published, str(f))


