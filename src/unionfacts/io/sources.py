"""Sources: input discovery (files, folders, ``.jsonl``, stdin) and decoding bytes to text.

Every document named by the arguments becomes a ``Source`` (id, text, publication date, where
it came from); one that cannot be read carries its error instead of its text, so the caller
reports it in its place and goes on with the others.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unionfacts.extractor import Source

__all__ = [
    "ENCODINGS",
    "TABLE_SUFFIXES",
    "TEXT_SUFFIXES",
    "Input",
    "Source",
    "check_encoding",
    "decode",
    "iter_sources",
    "sniff_binary",
]


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

    GB18030 and Big5 text are almost never valid UTF-8 beyond a few characters (about one
    pair of characters in sixty forms a valid UTF-8 sequence), so when most non-ASCII
    characters decode the file is UTF-8, however short, and reading it as GB18030 would only
    turn it into plausible-looking nonsense.
    """
    text = data[:_SAMPLE * 3].decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ch > "\x7f") - bad
    return (good >= 4 and bad * 20 <= good) or (good >= 2 and bad * 2 <= good)


# The most frequent characters of Chinese running text (about half of any news text); a random
# draw of common characters (Korean EUC-KR read as GB2312 gives one) hits them one time in ten.
_FREQUENT = frozenset(
    "的一是不了在人有我他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着去之过家学"
    "对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面"
    "公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部"
    "正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关"
    "并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安"
    "表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共"
    "风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管"
    "夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品"
    "士转量空众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像"
    "找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜"
    "离虽坏兴切尔增长率亿投省职群众服务费补助项目企标准措施")


@dataclass(frozen=True)
class _Chinese:
    """How plausible a decoding is as Chinese: ``score``, the share of its non-ASCII characters
    that are common Han characters (GB2312 level 1 once folded to Simplified) or CJK
    punctuation; ``frequent``, the share of its Han characters among the most frequent ones."""

    score: float
    frequent: float
    han: int

    @classmethod
    def of(cls, text: str) -> _Chinese:
        from unionfacts.pipeline.normalize import to_simplified

        sample = to_simplified(text[:_SAMPLE])
        good = bad = han = freq = 0
        for ch in sample:
            o = ord(ch)
            if o < 0x80 or 0xC0 <= o <= 0x24F:  # ASCII, Latin letters of pinyin: neutral
                continue
            if 0x2000 <= o <= 0x206F or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF:
                good += 1
                continue
            if 0x4E00 <= o <= 0x9FFF:
                han += 1
                freq += ch in _FREQUENT
                try:
                    lead = ch.encode("gb2312")[0]
                except UnicodeEncodeError:
                    lead = 0
                if 0xB0 <= lead <= 0xD7:
                    good += 1
                    continue
            bad += 1
        return cls(good / (good + bad) if good + bad else 0.0, freq / han if han else 0.0, han)

    @property
    def plausible(self) -> bool:
        """Reads as Chinese: mostly common characters, and (given enough of them to judge)
        the most frequent ones among them as often as running text has them."""
        if self.score < 0.6:
            return False
        return self.han < 12 or self.frequent >= 0.2

    def describe(self) -> str:
        return f"{self.score:.0%} common Chinese characters, {self.frequent:.0%} frequent ones"


#: Formats recognised by their first bytes and refused: a decoder would only invent text.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Office 97-2003 document (.doc/.xls/.ppt)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"), (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "gzip-compressed data"), (b"BZh", "bzip2-compressed data"), (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"(\xb5/\xfd", "zstd-compressed data"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"), (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "an executable (ELF)"), (b"MZ", "a Windows executable"), (b"SQLite format 3\x00", "an SQLite database"),
    (b"PAR1", "a Parquet file (name it .parquet)"), (b"{\\rtf", "an RTF document"), (b"ID3", "an MP3 audio file"),
    (b"OggS", "an Ogg media file"), (b"\x00\x00\x01\x00", "an icon image"),
)
_ZIP_KINDS = (("word/", "a Word document (.docx)"), ("xl/", "an Excel workbook (.xlsx)"),
              ("ppt/", "a PowerPoint presentation (.pptx)"), ("META-INF/container.xml", "an EPUB book"),
              ("content.xml", "an OpenDocument file"))


def sniff_binary(data: bytes) -> str | None:
    """The name of a binary format ``data`` starts like (PDF, Office, ZIP, images, archives …),
    or None. A byte order mark is text, never a format."""
    head = data[:64]
    if head.startswith(b"BZh") and head[4:10] != b"1AY&SY":
        head = b""  # "BZh" starting a text file
    if head.startswith(b"MZ") and len(data) > 0x40 and b"This program" not in data[:0x200]:
        head = b""  # text that starts with MZ
    if head.startswith(b"ID3") and (len(head) < 5 or head[3] > 4):
        head = b""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        names = data[:1 << 16]
        for marker, name in _ZIP_KINDS:
            if marker.encode() in names:
                return name
        return "a ZIP archive"
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return {b"WEBP": "a WebP image", b"WAVE": "a WAV audio file", b"AVI ": "an AVI video"}[head[8:12]]
    if head[4:8] == b"ftyp":
        return "an MP4/QuickTime media file"
    return None


def check_encoding(name: str) -> str | None:
    """Why ``name`` cannot be an input encoding (unknown, or a codec that does not turn bytes
    into text: ``rot13``, ``base64``, ``undefined``), or None when it can."""
    import codecs

    try:
        info = codecs.lookup(name)
    except LookupError:
        return f"unknown encoding: {name}"
    if not getattr(info, "_is_text_encoding", True):
        return f"{name} is not a text encoding (it does not decode bytes to text)"
    try:
        "a".encode(info.name).decode(info.name)
    except (UnicodeError, LookupError) as exc:
        return f"{name} cannot decode text: {exc}"
    return None


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
        return _check_text(text.removeprefix("\ufeff"))
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _check_text(_strict(data[len(bom):], enc))
    fmt = sniff_binary(data)
    if fmt is not None:
        raise ValueError(f"not text: {fmt}; convert it to text first")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ValueError(f"cannot decode as text: binary data (NUL byte at byte {nul})")
    try:
        return _check_text(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if _looks_like_utf8(data):
        raise ValueError(f"cannot decode as utf-8: {_reason(utf8_error)} (a damaged UTF-8 file?)")
    tried = [f"utf-8 ({_reason(utf8_error)})"]
    found: list[tuple[str, str, _Chinese]] = []
    for enc in ENCODINGS[1:]:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            tried.append(f"{enc} ({_reason(exc)})")
            continue
        found.append((enc, text, _Chinese.of(text)))
    found.sort(key=lambda f: -f[2].score)  # a stable sort: GB18030 first on a tie
    if len(found) == 2 and found[1][2].score + 0.1 >= found[0][2].score and found[0][0] != "gb18030":
        found.reverse()  # Big5 must read clearly better to win
    for enc, text, how in found:
        if how.plausible:
            return _check_text(text)
        tried.append(f"{enc} (reads as {how.describe()})")
    raise ValueError(f"cannot decode: tried {', '.join(tried)}; give --encoding if you know it")


# ----------------------------------------------------------------------------------- inputs

#: Suffixes read as plain text and as web pages when a folder is walked (a named file is read
#: whatever its suffix, HTML when it looks like a page).
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
#: Tables of documents, one per line or row.
TABLE_SUFFIXES = frozenset({".jsonl", ".csv", ".parquet"})


@dataclass(frozen=True, slots=True)
class Input(Source):
    """A ``Source`` with what its document record adds to the output: for a web page the text
    the offsets index (``text``), its format and where its publication date was read from."""

    record: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Options:
    """How inputs are read: encoding, the caller's publication date (a fallback, or forced),
    the field names of tables, and where notices (skipped files, duplicate ids) go."""

    encoding: str | None = None
    published: str | None = None
    force_published: str | None = None
    text_key: str = "text"
    id_key: str = "id"
    published_key: str = "published"
    notice: Callable[[str], None] = field(default=lambda _msg: None)


def _suffix(path: Path) -> str:
    return path.suffix.lower() if path.suffix.lower() in HTML_SUFFIXES | TABLE_SUFFIXES else path.suffix


def _doc_id(path: Path) -> str:
    name = _scrub(path.name)  # a file name that is not UTF-8 carries lone surrogates
    return name.removesuffix(".txt")


def _scrub(s: str) -> str:
    """A lone surrogate (JSON ``"\\ud800"``) → U+FFFD: one code point for one, so offsets
    stay true, and the output can be UTF-8."""
    from unionfacts.pipeline.normalize import without_surrogates

    return without_surrogates(s)


def _fail(doc: str, label: str, error: str) -> Source:
    return Source(doc, None, None, label, error)


def _text_source(doc: str, text: str, label: str, opt: Options, html: bool | None = None) -> Source:
    """A document from decoded text; a web page (by suffix, or by its markup) is read for its
    main text first."""
    from unionfacts.io.html import looks_like_html, read_page

    if html is None:
        html = looks_like_html(text)
    if not html:
        return Source(doc, text, opt.force_published, label, default_published=opt.published)
    page = read_page(text)
    record: list[tuple[str, Any]] = [("format", "html"), ("text", page.text)]
    pub = opt.force_published
    if pub is None and page.published is not None:
        record.append(("published_meta", {"name": page.published_meta, "content": page.published}))
        pub = page.published  # the page's own declaration
    return Input(doc, page.text, pub, label, default_published=opt.published, record=tuple(record))


def _html_charset(data: bytes) -> str | None:
    m = re.search(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?([A-Za-z0-9_-]{2,20})", data[:4096], re.IGNORECASE)
    if not m:
        return None
    name = m.group(1).decode("ascii").lower()
    return None if check_encoding(name) else name


def _read_file(path: Path, opt: Options) -> Source:
    label = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _fail(_doc_id(path), label, f"cannot read: {exc.strerror or exc}")
    html = True if _suffix(path) in HTML_SUFFIXES else None
    enc = opt.encoding
    if enc is None and (html or data[:1] == b"<"):
        enc = _html_charset(data)  # a page's <meta charset>, when it names a real one
        if enc in ("utf-8", "utf8") and data.startswith(b"\xef\xbb\xbf"):
            enc = "utf-8-sig"
    try:
        if enc is not None and opt.encoding is None:
            fmt = sniff_binary(data)
            if fmt is not None:
                raise ValueError(f"not text: {fmt}; convert it to text first")
        text = decode(data, label, enc)
        del data
        return _text_source(_doc_id(path), text, label, opt, html)
    except ValueError as exc:
        return _fail(_doc_id(path), label, str(exc))
    except ImportError as exc:
        return _fail(_doc_id(path), label, str(exc))


# --- tables of documents

def _row_source(obj: object, where: str, default_id: str, opt: Options) -> Source:
    """One table row (a JSON object, a CSV or Parquet row) → a document, or its error."""
    if not isinstance(obj, dict):
        return _fail(where, where, f"a row must be an object with a string field {opt.text_key!r}, "
                                   f"not {_json_type(obj)}")
    text = obj.get(opt.text_key)
    if not isinstance(text, str):
        what = "missing" if text is None and opt.text_key not in obj else f"{_json_type(text)}, not a string"
        return _fail(where, where, f"field {opt.text_key!r} is {what}")
    raw_id = obj.get(opt.id_key, obj.get("doc") if opt.id_key == "id" else None)
    if raw_id is None and opt.id_key in obj:
        return _fail(where, where, f"field {opt.id_key!r} is null; give a string or a number")
    if raw_id is None:
        doc = default_id
    elif isinstance(raw_id, str):
        doc = _scrub(raw_id)
    elif isinstance(raw_id, (int, float)) and not isinstance(raw_id, bool):
        doc = json.dumps(raw_id)  # JSON text of the number, never a Python repr
    else:
        return _fail(where, where, f"field {opt.id_key!r} is {_json_type(raw_id)}; give a string or a number")
    pub: str | None = None
    raw_pub = obj.get(opt.published_key)
    if raw_pub is not None and raw_pub != "":  # an empty cell gives no date
        from unionfacts.pipeline.timebase import parse_published

        try:
            pub = parse_published(raw_pub)
        except (TypeError, ValueError) as exc:
            return _fail(doc, where, f"field {opt.published_key!r}: {exc}")
    if opt.force_published is not None:
        pub = opt.force_published
    return Source(doc, _scrub(text), pub, where, default_published=opt.published)


def _json_type(v: object) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, dict):
        return "an object"
    if isinstance(v, list):
        return "an array"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return "a string"
    return type(v).__name__


def _jsonl_record(line: bytes | str, where: str, default_id: str, opt: Options) -> Source | None:
    try:
        text = line if isinstance(line, str) else decode(line, where, opt.encoding or "utf-8")
        if not text.strip():
            return None
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            return _fail(where, where, f"not a JSON line: {exc.msg} (column {exc.colno})")
        return _row_source(obj, where, default_id, opt)
    except ValueError as exc:
        return _fail(where, where, str(exc))
    except RecursionError:
        return _fail(where, where, "not readable: nested too deeply")
    except Exception as exc:  # noqa: BLE001 - any fault in one record fails that record alone
        return _fail(where, where, f"not readable: {type(exc).__name__}: {exc}")


def _wide(encoding: str | None) -> bool:
    """An encoding in which ``\\n`` is not the byte 0x0a (UTF-16, UTF-32): split after decoding."""
    if encoding is None:
        return False
    try:
        return "\n".encode(encoding) != b"\n"
    except (LookupError, UnicodeError):
        return False


_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def _jsonl_sources(path: Path, opt: Options) -> Iterator[Source]:
    """One source per line, read line by line (JSON Lines are UTF-8 unless ``--encoding``).

    Lines are split on ``\\n`` only: U+2028 and other separators may stand raw inside a
    JSON string. A UTF-16 or UTF-32 file (``--encoding``, or its byte order mark) is decoded
    first and split after.
    """
    label = str(path)
    stem = _scrub(path.stem)
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield _fail(_doc_id(path), label, f"cannot read: {exc.strerror}")
        return
    with fh:
        first = fh.read(4)
        fh.seek(0)
        if _wide(opt.encoding) or (opt.encoding is None and first.startswith(_WIDE_BOMS)):
            try:
                whole = decode(fh.read(), label, opt.encoding)
            except (ValueError, OSError) as exc:
                yield _fail(_doc_id(path), label, str(exc))
                return
            for i, text in enumerate(whole.split("\n"), 1):
                src = _jsonl_record(text, f"{label}:{i}", f"{stem}:{i}", opt)
                if src is not None:
                    yield src
            return
        for i, line in enumerate(fh, 1):
            if i == 1 and line.startswith(b"\xef\xbb\xbf") and opt.encoding is None:
                line = line[3:]
            src = _jsonl_record(line, f"{label}:{i}", f"{stem}:{i}", opt)
            if src is not None:
                yield src


def _csv_sources(path: Path, opt: Options) -> Iterator[Source]:
    """One source per row of a CSV file with a header row; ``path:LINE`` names a row."""
    label = str(path)
    try:
        text = decode(path.read_bytes(), label, opt.encoding)
    except (ValueError, OSError) as exc:
        yield _fail(_doc_id(path), label, getattr(exc, "strerror", None) or str(exc))
        return
    csv.field_size_limit(1 << 30)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        yield _fail(_doc_id(path), label, f"not a CSV table: {exc}")
        return
    if not header or opt.text_key not in header:
        yield _fail(_doc_id(path), label, f"no column {opt.text_key!r} in the header "
                                          f"({', '.join(header or []) or 'empty'}); see --text-key")
        return
    stem = _scrub(path.stem)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            where = f"{label}:{reader.line_num}"
            yield _fail(where, where, f"not a CSV row: {exc}")
            return
        where = f"{label}:{reader.line_num}"
        if None in row:  # more cells than the header names
            row.pop(None)
        yield _row_source(dict(row), where, f"{stem}:{reader.line_num}", opt)


def _parquet_sources(path: Path, opt: Options) -> Iterator[Source]:
    """One source per row of a Parquet file (needs pyarrow); ``path:row N`` names a row."""
    label = str(path)
    try:
        import pyarrow.parquet as pq  # type: ignore[import-untyped]
    except ImportError:
        yield _fail(_doc_id(path), label, "Parquet input needs pyarrow: pip install 'unionfacts[parquet]'")
        return
    try:
        pf = pq.ParquetFile(str(path))
    except Exception as exc:  # noqa: BLE001 - pyarrow raises its own error types for a damaged file
        yield _fail(_doc_id(path), label, f"not a readable Parquet file: {exc}")
        return
    names = set(pf.schema_arrow.names)
    if opt.text_key not in names:
        yield _fail(_doc_id(path), label, f"no column {opt.text_key!r} ({', '.join(sorted(names))}); "
                                          "see --text-key")
        return
    columns = [c for c in (opt.text_key, opt.id_key, opt.published_key, "doc") if c in names]
    stem = _scrub(path.stem)
    n = 0
    try:
        for batch in pf.iter_batches(batch_size=256, columns=list(dict.fromkeys(columns))):
            for row in batch.to_pylist():
                n += 1
                where = f"{label}:row {n}"
                yield _row_source(row, where, f"{stem}:{n}", opt)
    except Exception as exc:  # noqa: BLE001 - a damaged row group fails the rest of the file
        where = f"{label}:row {n + 1}"
        yield _fail(where, where, f"not readable: {exc}")


# --- discovery

def _walk(root: Path, opt: Options) -> Iterator[Path | Source]:
    """Files to read under ``root``, sorted by path, walked without recursion (any depth);
    an unreadable folder is a failed source; skipped files are counted in a notice."""
    files: list[Path] = []
    errors: list[Source] = []
    skipped: dict[str, int] = {}
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        d = stack.pop()
        try:
            st = d.stat()
            if (st.st_dev, st.st_ino) in seen:  # a link back up the tree
                skipped["links to a folder already walked"] = skipped.get("links to a folder already walked", 0) + 1
                continue
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(d) as it:
                entries = list(it)
        except OSError as exc:
            errors.append(_fail(_scrub(d.name), str(d), f"cannot read folder: {exc.strerror or exc}"))
            continue
        for e in entries:
            p = Path(e.path)
            try:
                if e.is_dir():
                    stack.append(p)
                    continue
                is_file = e.is_file()
            except OSError:
                is_file = False
            if not is_file:
                skipped["not regular files"] = skipped.get("not regular files", 0) + 1
                continue
            suf = _suffix(p)
            if suf in TEXT_SUFFIXES or suf.lower() in (".txt",) or suf in HTML_SUFFIXES or suf in TABLE_SUFFIXES:
                files.append(p)
            else:
                why = f"{suf or 'no suffix'} files"
                skipped[why] = skipped.get(why, 0) + 1
    if skipped:
        total = sum(skipped.values())
        why = ", ".join(f"{n} {k}" for k, n in sorted(skipped.items(), key=lambda kv: (-kv[1], kv[0])))
        opt.notice(f"{root}: skipped {total} file{'s' if total != 1 else ''} ({why}); "
                   "read: .txt .text .md .html .htm .jsonl .csv .parquet")
    if not files and not errors:
        opt.notice(f"{root}: no input files in this folder")
    errors.sort(key=lambda s: s.label)
    yield from errors
    yield from sorted(files)


def _stdin(opt: Options) -> Source:
    stream = sys.stdin
    if stream is None:
        return _fail("stdin", "<stdin>", "standard input is closed; name the input files")
    try:
        if stream.isatty():
            opt.notice("reading text from the terminal; end it with Ctrl-D (Ctrl-Z Enter on Windows)")
        buf = getattr(stream, "buffer", None)
        data = buf.read() if buf is not None else stream.read().encode("utf-8")
    except (OSError, ValueError) as exc:
        return _fail("stdin", "<stdin>", f"cannot read standard input: {getattr(exc, 'strerror', None) or exc}")
    try:
        text = decode(data, "<stdin>", opt.encoding)
        return _text_source("stdin", text, "<stdin>", opt)
    except (ValueError, ImportError) as exc:
        return _fail("stdin", "<stdin>", str(exc))


def _from_path(path: Path, opt: Options) -> Iterator[Source]:
    suf = _suffix(path)
    if suf == ".jsonl":
        yield from _jsonl_sources(path, opt)
    elif suf == ".csv":
        yield from _csv_sources(path, opt)
    elif suf == ".parquet":
        yield from _parquet_sources(path, opt)
    else:
        src = _read_file(path, opt)
        if src.text == "" and src.error is None:
            opt.notice(f"{path}: empty input (no text)")
        yield src


def iter_sources(paths: list[str], encoding: str | None = None, published: str | None = None,
                 options: Options | None = None) -> Iterator[Source]:
    """Every document named by the arguments, in order, read lazily; a bad one carries its error.

    ``published`` is a fallback for documents that give no date of their own (``options``
    may force one instead). Duplicate document ids are reported through ``options.notice``.
    """
    opt = options or Options(encoding=encoding, published=published)
    seen: dict[str, str] = {}
    for src in _iter(paths or ["-"], opt):
        if src.error is None:
            first = seen.setdefault(src.doc, src.label)
            if first != src.label:
                opt.notice(f"{src.label}: warning: duplicate document id {src.doc!r} (first at {first})")
        yield src


def _iter(paths: list[str], opt: Options) -> Iterator[Source]:
    for p in paths:
        if p == "-":
            yield _stdin(opt)
            continue
        path = Path(p)
        try:
            if path.is_dir():
                for item in _walk(path, opt):
                    if isinstance(item, Path):
                        yield from _from_path(item, opt)
                    else:
                        yield item
                continue
            if not path.exists():
                yield _fail(_doc_id(path), p, "no such file or directory")
                continue
            mode = path.stat().st_mode
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):  # /dev/zero would never end
                yield _fail(_doc_id(path), p, "cannot read: not a file (a device)")
                continue
        except OSError as exc:
            yield _fail(_doc_id(path), p, f"cannot read: {exc.strerror or exc}")
            continue
        yield from _from_path(path, opt)
