"""Command line: ``unionfacts extract|schema|rules|evaluate``. I/O only; the work is in the library.

Exit codes: 0 all inputs fine, 1 some inputs failed (the others are still written), 2 usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import PatternError, UnionfactsError


@dataclass
class Source:
    """One document to extract: its id, text, publication date, and where it came from."""

    doc: str
    text: str | None
    published: str | None
    label: str
    error: str | None = None


ENCODINGS = ("utf-8", "gb18030", "big5")


def decode(data: bytes, label: str, encoding: str | None = None) -> str:
    """Bytes → str with no newline translation; a UTF-8 BOM is dropped.

    Without ``encoding``, UTF-8 is tried first, then GB18030 and Big5. Raises
    ``UnicodeDecodeError``-free ``ValueError`` naming the input when nothing fits.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        if encoding is None:
            encoding = "utf-8"
    if encoding is not None:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ValueError(f"cannot decode as {encoding}: {exc}") from None
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError("cannot decode as text: binary data (NUL bytes)")
    for enc in ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ValueError(f"cannot decode as {', '.join(ENCODINGS)}")


def _doc_id(path: Path) -> str:
    name = path.name
    return name[:-4] if name.endswith(".txt") else name


def _jsonl_sources(text: str, label: str, default_pub: str | None) -> Iterator[Source]:
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{label}:{i}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Source(where, None, None, where, f"not a JSON line: {exc.msg}")
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            yield Source(where, None, None, where, "a .jsonl line needs a string field 'text'")
            continue
        doc = str(obj.get("id", obj.get("doc", f"{Path(label).stem}:{i}")))
        pub = obj.get("published", default_pub)
        yield Source(doc, obj["text"], pub if isinstance(pub, str) else default_pub, where)


def iter_sources(paths: list[str], encoding: str | None, published: str | None) -> Iterator[Source]:
    """Every document named by the arguments, in order; a bad one carries its error."""
    if not paths:
        paths = ["-"]
    for p in paths:
        if p == "-":
            data = sys.stdin.buffer.read()
            try:
                text = decode(data, "<stdin>", encoding)
            except ValueError as exc:
                yield Source("stdin", None, None, "<stdin>", str(exc))
                continue
            yield Source("stdin", text, published, "<stdin>")
            continue
        path = Path(p)
        if path.is_dir():
            files = sorted(f for f in path.rglob("*") if f.is_file() and f.suffix in (".txt", ".jsonl"))
        elif path.exists():
            files = [path]
        else:
            yield Source(_doc_id(path), None, None, p, "no such file or directory")
            continue
        for f in files:
            try:
                data = f.read_bytes()
            except OSError as exc:
                yield Source(_doc_id(f), None, None, str(f), f"cannot read: {exc.strerror}")
                continue
            try:
                text = decode(data, str(f), encoding)
            except ValueError as exc:
                yield Source(_doc_id(f), None, None, str(f), str(exc))
                continue
            if f.suffix == ".jsonl":
                yield from _jsonl_sources(text, str(f), published)
            else:
                yield Source(_doc_id(f), text, published, str(f))


class AtomicWriter:
    """Write to a temp file beside the target, rename on success; stdout when no target."""

    def __init__(self, target: str | None) -> None:
        self.target = target
        self._tmp = None
        if target and target != "-":
            d = os.path.dirname(os.path.abspath(target))
            fd, self._tmp = tempfile.mkstemp(prefix=".unionfacts-", dir=d)
            self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        else:
            self.fh = sys.stdout

    def write(self, s: str) -> None:
        self.fh.write(s)

    def commit(self) -> None:
        if self._tmp:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
            os.replace(self._tmp, self.target)
            self._tmp = None
        else:
            self.fh.flush()

    def abort(self) -> None:
        if self._tmp:
            self.fh.close()
            os.unlink(self._tmp)
            self._tmp = None


def _cmd_extract(args: argparse.Namespace) -> int:
    from .api import extract_document
    from .models import KINDS
    from .output import jsonl_lines

    kinds = None
    if args.kinds:
        kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
        bad = [k for k in kinds if k not in KINDS]
        if bad:
            print(f"unionfacts: unknown kind(s): {', '.join(bad)}", file=sys.stderr)
            return 2
    extra = args.patterns or []
    try:
        from .patterns import get_patterns
        get_patterns(tuple(extra))
    except PatternError as exc:
        print(f"unionfacts: {exc}", file=sys.stderr)
        return 2
    out = AtomicWriter(args.output)
    failed = 0
    first_json = True
    try:
        if args.format == "json":
            out.write("[")
        for src in iter_sources(args.paths, args.encoding, args.published):
            if src.error:
                print(f"{src.label}: {src.error}", file=sys.stderr)
                failed += 1
                if args.fail_fast:
                    break
                continue
            try:
                doc = extract_document(src.text, doc_id=src.doc, published=src.published,
                                       kinds=kinds, extra_patterns=extra)
            except (UnionfactsError, ValueError, TypeError, TimeoutError) as exc:
                print(f"{src.label}: {exc}", file=sys.stderr)
                failed += 1
                if args.fail_fast:
                    break
                continue
            if args.format == "json":
                out.write(("" if first_json else ",") + "\n" + doc.model_dump_json())
                first_json = False
            else:
                # one write per document: a line is never left half-written between documents
                lines = list(jsonl_lines(doc))
                if lines:
                    out.write("\n".join(lines) + "\n")
        if args.format == "json":
            out.write("\n]\n")
        out.commit()
    except BaseException:
        out.abort()
        raise
    return 1 if failed else 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from .api import json_schema

    print(json.dumps(json_schema(args.what), ensure_ascii=False, indent=2))
    return 0


def _cmd_rules_check(args: argparse.Namespace) -> int:
    from .rulecheck import check_packs

    return check_packs(args.dirs, out=sys.stdout, err=sys.stderr)


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import run_evaluate

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
    e.add_argument("--encoding", help="input encoding (default: UTF-8, then GB18030, then Big5)")
    e.add_argument("--fail-fast", action="store_true", help="stop at the first bad input")
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


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
