"""Command line: ``unionfacts extract|schema|rules|evaluate``. I/O only; the work is in the library.

Exit codes: 0 all inputs fine, 1 some inputs failed (the others are still written) or the
output could not be written, 2 usage (bad arguments, unknown kind or encoding, broken rule
pack, unwritable output folder).

``extract`` streams: documents are read one at a time, each document's facts are written as
soon as it is done (in input order, also with ``--jobs``), and a document's lines are written
in one piece, so a reader never sees half a JSON line. With ``-o OUT`` the output goes to a
temporary file beside ``OUT`` that replaces ``OUT`` only when the run completes; an interrupted
run leaves ``OUT`` as it was.
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import re
import stat
import sys
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from unionfacts.errors import PatternError, UnionfactsError


@dataclass
class Source:
    """One document to extract: its id, text, publication date, and where it came from."""

    doc: str
    text: str | None
    published: str | None
    label: str
    error: str | None = None


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


# ---------------------------------------------------------------------------------- output

class AtomicWriter:
    """Write to a temp file beside the target, rename on success; stdout when no target.

    Raises ``OSError`` at construction when the target's folder cannot take a file.
    """

    def __init__(self, target: str | None) -> None:
        self.target = target
        self._tmp: str | None = None
        self._stdout = not target or target == "-"
        if self._stdout:
            self.fh = sys.stdout
            return
        if os.path.isdir(target):
            raise IsADirectoryError(21, "is a folder", target)
        d = os.path.dirname(os.path.abspath(target))
        fd, self._tmp = tempfile.mkstemp(prefix=".unionfacts-", suffix=".tmp", dir=d)
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write(self, s: str) -> None:
        if s:
            self.fh.write(s)
            if self._stdout:
                self.fh.flush()  # stream: each document's facts as soon as they are done

    def commit(self) -> None:
        if self._tmp:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
            try:
                mode = os.stat(self.target).st_mode & 0o7777
            except OSError:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask
            os.chmod(self._tmp, mode)
            os.replace(self._tmp, self.target)
            self._tmp = None
        else:
            self.fh.flush()

    def abort(self) -> None:
        if self._tmp:
            try:
                self.fh.close()
            finally:
                try:
                    os.unlink(self._tmp)
                except OSError:
                    pass
                self._tmp = None


# ------------------------------------------------------------------------------ extraction

@dataclass(frozen=True)
class _Settings:
    """What a worker needs to turn one source into output text (picklable)."""

    format: str
    kinds: tuple[str, ...] | None
    extra: tuple[str, ...]


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return f"a rule pattern timed out on this text (catastrophic regex in a rule pack?): {exc}"
    if isinstance(exc, (UnionfactsError, ValueError, TypeError)):
        return str(exc)
    return f"internal error: {type(exc).__name__}: {exc}"


# Characters ``json.dumps(ensure_ascii=False)`` leaves raw that line-oriented readers
# (``str.splitlines``, JavaScript) take for line breaks; escaped, the JSON value is the same.
_LINE_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def _escape_breaks(s: str) -> str:
    # str.translate visits every character; these are rare, so look for them first
    if "\x85" in s or "\u2028" in s or "\u2029" in s:
        return s.translate(_LINE_BREAKS)
    return s


def _render(src: Source, cfg: _Settings) -> tuple[bool, str]:
    """``(True, output text)`` for a document, or ``(False, error message)``."""
    if src.error is not None or src.text is None:
        return False, src.error or "no text"
    from unionfacts import extractor as api
    from unionfacts.io.sinks import jsonl_lines

    try:
        doc = api.extract_document(src.text, doc_id=src.doc, published=src.published,
                                   kinds=cfg.kinds, extra_patterns=cfg.extra)
        if cfg.format == "json":
            return True, _escape_breaks(doc.model_dump_json())
        return True, _escape_breaks("".join(line + "\n" for line in jsonl_lines(doc)))
    except Exception as exc:  # one bad document must not stop the others
        return False, _error_text(exc)


def _render_chunk(chunk: list[Source], cfg: _Settings) -> list[tuple[bool, str]]:
    return [_render(src, cfg) for src in chunk]


def _worker_init() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C


def _chunks(sources: Iterable[Source], docs: int = 32, chars: int = 1 << 20) -> Iterator[list[Source]]:
    """Sources grouped for the workers: a few big documents or many small ones per chunk."""
    chunk: list[Source] = []
    size = 0
    for src in sources:
        chunk.append(src)
        size += len(src.text or "")
        if len(chunk) >= docs or size >= chars:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _results_serial(sources: Iterable[Source], cfg: _Settings) -> Iterator[tuple[Source, bool, str]]:
    for src in sources:
        ok, out = _render(src, cfg)
        yield src, ok, out


class _Pool:
    """A process pool that is rebuilt when a worker dies (a crash, the OOM killer)."""

    def __init__(self, jobs: int, cfg: _Settings) -> None:
        self.jobs = jobs
        self.cfg = cfg
        self.ex = self._new()

    def _new(self):
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(self.jobs, initializer=_worker_init)

    def submit(self, chunk: list[Source]):
        return self.ex.submit(_render_chunk, chunk, self.cfg)

    def restart(self) -> None:
        self.ex.shutdown(wait=False, cancel_futures=True)
        self.ex = self._new()

    def close(self, cancel: bool) -> None:
        # cancelled (fail-fast, Ctrl-C): do not wait for the chunks still running
        self.ex.shutdown(wait=not cancel, cancel_futures=cancel)


def _results_parallel(sources: Iterable[Source], cfg: _Settings,
                      jobs: int) -> Iterator[tuple[Source, bool, str]]:
    """Results in input order from ``jobs`` worker processes, at most ``2 * jobs`` chunks
    in flight, so memory stays bounded however many inputs there are."""
    from concurrent.futures.process import BrokenProcessPool

    pool = _Pool(jobs, cfg)
    pending: deque = deque()
    chunks = _chunks(sources)
    done = finished = False
    try:
        while True:
            while not done and len(pending) < 2 * jobs:
                chunk = next(chunks, None)
                if chunk is None:
                    done = True
                    break
                pending.append((chunk, pool.submit(chunk)))
            if not pending:
                finished = True
                return
            chunk, fut = pending.popleft()
            try:
                results = fut.result()
            except BrokenProcessPool:
                # Some worker died; retry this chunk one document at a time so only the
                # document that kills a worker is reported, then resubmit the rest.
                pool.restart()
                results = []
                for src in chunk:
                    try:
                        results.extend(pool.submit([src]).result())
                    except BrokenProcessPool:
                        results.append((False, "worker process died while extracting"))
                        pool.restart()
                pending = deque((c, pool.submit(c)) for c, _ in pending)
            for src, (ok, out) in zip(chunk, results):
                yield src, ok, out
    finally:
        pool.close(cancel=not finished)


def _cmd_extract(args: argparse.Namespace) -> int:
    from unionfacts.models import KINDS
    from unionfacts.rules.packs import get_patterns
    from unionfacts.pipeline.timebase import parse_published

    kinds = None
    if args.kinds:
        kinds = tuple(k.strip() for k in args.kinds.split(",") if k.strip())
        bad = [k for k in kinds if k not in KINDS]
        if bad:
            print(f"unionfacts: unknown kind(s): {', '.join(bad)}", file=sys.stderr)
            return 2
    if args.encoding is not None:
        try:
            codecs.lookup(args.encoding)
        except LookupError:
            print(f"unionfacts: unknown encoding: {args.encoding}", file=sys.stderr)
            return 2
    if args.published is not None:
        try:
            parse_published(args.published)
        except ValueError as exc:
            print(f"unionfacts: --published: {exc}", file=sys.stderr)
            return 2
    jobs = args.jobs if args.jobs != 0 else (os.cpu_count() or 1)
    if jobs < 0:
        print("unionfacts: --jobs must be 0 (one per CPU) or more", file=sys.stderr)
        return 2
    extra = tuple(args.patterns or ())
    try:
        get_patterns(extra)
    except PatternError as exc:
        print(f"unionfacts: {exc}", file=sys.stderr)
        return 2
    try:
        out = AtomicWriter(args.output)
    except OSError as exc:
        print(f"unionfacts: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    cfg = _Settings(args.format, kinds, extra)
    failed = 0
    first = True
    sources = iter_sources(args.paths, args.encoding, args.published)
    results = (_results_parallel(sources, cfg, jobs) if jobs > 1
               else _results_serial(sources, cfg))
    try:
        if args.format == "json":
            _emit(out, "[")
        for src, ok, text in results:
            if not ok:
                print(f"{src.label}: {text}", file=sys.stderr)
                failed += 1
                if args.fail_fast:
                    break
                continue
            if args.format == "json":
                _emit(out, ("\n" if first else ",\n") + text)
                first = False
            else:
                _emit(out, text)  # one write per document: never half a line
        if args.format == "json":
            _emit(out, "\n]\n")
        _emit(out, None)
    except _OutputError as exc:
        out.abort()
        print(f"unionfacts: cannot write {args.output or 'stdout'}: {exc}", file=sys.stderr)
        return 1
    except BaseException:
        out.abort()
        raise
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()
    return 1 if failed else 0


class _OutputError(Exception):
    """Writing the output failed (disk full, folder gone); not a problem of any input."""


def _emit(out: AtomicWriter, text: str | None) -> None:
    """Write ``text``, or commit the output when ``text`` is None."""
    try:
        if text is None:
            out.commit()
        else:
            out.write(text)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise _OutputError(exc.strerror or str(exc)) from None


def _cmd_schema(args: argparse.Namespace) -> int:
    from unionfacts.extractor import json_schema

    print(json.dumps(json_schema(args.what), ensure_ascii=False, indent=2))
    return 0


def _cmd_rules_check(args: argparse.Namespace) -> int:
    from unionfacts.rules.check import check_packs

    return check_packs(args.dirs, out=sys.stdout, err=sys.stderr)


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from unionfacts.evaluate import run_evaluate

    return run_evaluate(args, out=sys.stdout, err=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="unionfacts", description="Typed facts from Chinese news text.")
    sub = p.add_subparsers(dest="command", required=True)
    e = sub.add_parser("extract", help="extract facts from files, folders, .jsonl or stdin")
    e.add_argument("paths", nargs="*", help="files, folders (walked for *.txt, *.jsonl) or - for stdin")
    e.add_argument("--format", choices=("jsonl", "json"), default="jsonl")
    e.add_argument("--kinds", help="comma-separated kinds to keep (money,count,percent,date,duration,measure)")
    e.add_argument("-o", "--output", help="write here (atomically) instead of stdout")
    e.add_argument("--published", help="publication date (ISO 8601) for every input without its own")
    e.add_argument("--patterns", action="append", metavar="DIR", help="add a user rule pack (repeatable)")
    e.add_argument("--encoding", help="input encoding (default: a byte order mark, else UTF-8, "
                                      "else GB18030 or Big5, whichever reads as Chinese)")
    e.add_argument("--fail-fast", action="store_true", help="stop at the first bad input")
    e.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                   help="worker processes (default 1; 0 = one per CPU); output stays in input order")
    e.set_defaults(func=_cmd_extract)
    s = sub.add_parser("schema", help="print the JSON Schema of the output")
    s.add_argument("what", nargs="?", choices=("document", "fact"), default="document")
    s.set_defaults(func=_cmd_schema)
    r = sub.add_parser("rules", help="rule packs: validate and run their examples")
    rsub = r.add_subparsers(dest="rules_command", required=True)
    rc = rsub.add_parser("check", help="validate a rule pack and run its examples")
    rc.add_argument("dirs", nargs="*", help="pack folders (default: the built-in pack)")
    rc.set_defaults(func=_cmd_rules_check)
    ev = sub.add_parser("evaluate", help="score extraction against annotated gold JSONL")
    ev.add_argument("gold", help="gold facts, JSONL in the shape of the seed gold file")
    ev.add_argument("paths", nargs="+", help="the documents (files or folders) the gold refers to")
    ev.add_argument("--patterns", action="append", metavar="DIR", help="add a user rule pack")
    ev.add_argument("--show-errors", type=int, default=20, metavar="N")
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.set_defaults(func=_cmd_evaluate)
    return p


def _silence_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so the exit flush does not complain."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except OSError:
        pass


def _utf8_stdout() -> None:
    """stdout carries UTF-8 data whatever the locale says."""
    enc = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if enc != "utf8" and hasattr(sys.stdout, "reconfigure"):
        try:
            sys.stdout.reconfigure(encoding="utf-8")
        except (ValueError, OSError):
            pass


def main(argv: list[str] | None = None) -> int:
    _utf8_stdout()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
