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
import functools
import json
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from unionfacts.errors import PatternError, UnionfactsError
from unionfacts.models import KINDS
from unionfacts.io.sinks import AtomicWriter

#: What ``--kinds`` accepts: the fact kinds and the items of numbered lists.
_KIND_CHOICES = (*KINDS, "measure_item")


def _err(msg: str) -> None:
    print(f"unionfacts: {msg}", file=sys.stderr)


def _parse_kinds(value: str) -> tuple[str, ...] | str:
    """The kinds named by ``--kinds``, or the message saying what is wrong."""
    kinds = tuple(dict.fromkeys(k.strip() for k in value.split(",") if k.strip()))
    if not kinds:
        return f"--kinds names no kind; choose from {', '.join(_KIND_CHOICES)}"
    bad = [k for k in kinds if k not in _KIND_CHOICES]
    if bad:
        return f"unknown kind(s): {', '.join(bad)}; choose from {', '.join(_KIND_CHOICES)}"
    return kinds


def _cmd_extract(args: argparse.Namespace) -> int:
    from unionfacts.pipeline.timebase import parse_published

    kinds: tuple[str, ...] | None = None
    if args.kinds is not None:
        parsed = _parse_kinds(args.kinds)
        if isinstance(parsed, str):
            _err(parsed)
            return 2
        kinds = parsed
    if args.encoding is not None:
        from unionfacts.io.sources import check_encoding

        problem = check_encoding(args.encoding)
        if problem:
            _err(f"--encoding: {problem} (e.g. utf-8, gb18030, gbk, big5, utf-16)")
            return 2
    published: dict[str, str | None] = {"published": None, "force_published": None}
    for opt in published:
        value = getattr(args, opt)
        if value is not None:
            try:
                published[opt] = parse_published(value)
            except ValueError as exc:
                _err(f"--{opt.replace('_', '-')}: {exc} (e.g. 2024-03-01, 2024-03-01T09:30+08:00)")
                return 2
    jobs = args.jobs if args.jobs != 0 else (os.cpu_count() or 1)
    if jobs < 0:
        _err("--jobs must be 0 (one per CPU) or more")
        return 2
    from unionfacts.extractor import Extractor, Failure
    from unionfacts.io.sinks import (
        add_fields,
        render_document_line,
        render_json,
        render_jsonl,
        render_jsonl_piece,
    )
    from unionfacts.io.sources import Input, Options, iter_sources

    fact_kinds = None if kinds is None else tuple(k for k in kinds if k != "measure_item")
    items = kinds is None or "measure_item" in kinds
    timeout: dict[str, Any] = {} if args.match_timeout is None else {"match_timeout": args.match_timeout}
    if args.piece_chars is not None:
        timeout["piece_chars"] = args.piece_chars
    try:
        ex = _load_packs(lambda: Extractor(args.patterns or (), kinds=fact_kinds, **timeout))
    except ValueError as exc:
        _err(f"--{'piece-chars' if 'piece_chars' in str(exc) else 'match-timeout'}: {exc}")
        return 2
    if ex is None:
        return 2
    options = Options(encoding=args.encoding, published=published["published"],
                      force_published=published["force_published"], text_key=args.text_key,
                      id_key=args.id_key, published_key=args.published_key, notice=_err)
    if args.db is not None or args.format == "parquet":
        return _extract_to_table(args, ex, iter_sources(args.paths, options=options), jobs)
    try:
        out = AtomicWriter(args.output)
    except OSError as exc:
        _err(f"cannot write {args.output or 'stdout'}: {exc.strerror or exc}")
        return 2 if args.output else 1
    fmt = args.format
    render: Callable[[Any], str]
    # a text longer than a piece streams its facts piece by piece (jsonl, csv); json and
    # documents nest the facts in the document, which is then held whole
    piece: Callable[[Any, int], str] | None = None
    if fmt == "json":
        render = render_json
    elif fmt == "csv":
        from unionfacts.io.tables import csv_fact_lines, csv_header_line

        render = csv_fact_lines
        piece = _csv_piece
    elif fmt == "documents":
        render = render_document_line
    else:
        render = render_jsonl if items else functools.partial(render_jsonl, items=False)
        piece = render_jsonl_piece if items else functools.partial(render_jsonl_piece, items=False)
    failed = 0
    first = True
    results = ex.map(iter_sources(args.paths, options=options), render, jobs=jobs, render_piece=piece)
    progress = _progress(args.quiet)
    previous = None
    try:
        if fmt == "json":
            _emit(out, "[")
        elif fmt == "csv":
            _emit(out, csv_header_line())
        for src, text in results:
            progress(src, text, src is previous)
            if isinstance(text, Failure):
                print(f"{src.label}: {text.error}", file=sys.stderr)
                failed += 1
                if args.fail_fast:
                    break
                continue
            if isinstance(src, Input) and fmt != "csv" and src is not previous:  # not a later piece
                text = add_fields(text, src.record, fmt)
            previous = src
            if fmt == "json":
                _emit(out, ("\n" if first else ",\n") + text)
                first = False
            else:
                _emit(out, text)  # one write per document: never half a line
        if fmt == "json":
            _emit(out, "\n]\n")
        _emit(out, None)
    except _OutputError as exc:
        out.abort()
        _err(f"cannot write {args.output or 'stdout'}: {exc}")
        return 1
    except BaseException:
        out.abort()
        raise
    finally:
        progress(None, None, False)
        close = getattr(results, "close", None)
        if close is not None:
            close()
    return 1 if failed else 0


def _csv_piece(doc: Any, index: int) -> str:
    from unionfacts.io.tables import csv_fact_lines

    return csv_fact_lines(doc)


def _progress(quiet: bool) -> Callable[[Any, Any, bool], None]:
    """A progress line on stderr (documents, output lines, their rate) when stderr is a
    terminal, tqdm is installed (``pip install unionfacts[progress]``) and not ``--quiet``;
    else a no-op. Called with each result (and whether it continues the previous source's
    pieces), then with ``None`` to close."""
    def nothing(src: Any, result: Any, more: bool) -> None:
        return None

    isatty = getattr(sys.stderr, "isatty", None)
    if quiet or isatty is None or not isatty():
        return nothing
    try:
        from tqdm import tqdm  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        return nothing
    bar = tqdm(desc="extract", unit=" docs", file=sys.stderr, leave=False, dynamic_ncols=True)
    lines = 0

    def update(src: Any, result: Any, more: bool) -> None:
        nonlocal lines
        if src is None:
            bar.close()
            return
        if isinstance(result, str):
            lines += result.count("\n")
        bar.set_postfix_str(f"{lines:,} lines", refresh=more)  # a long text: once a piece
        bar.update(0 if more else 1)

    return update


def _extract_to_table(args: argparse.Namespace, ex: Any, sources: Any, jobs: int) -> int:
    """``--db FILE`` (the SQLite store) or ``--format parquet -o FILE``: documents extracted as
    for the other formats, their rows written in the main process."""
    from unionfacts.extractor import Failure, as_document
    from unionfacts.io.tables import MissingDependencyError
    from unionfacts.records import document_rows

    if args.db is None and not args.output:
        _err("--format parquet needs -o FILE (Parquet is not a stream)")
        return 2
    skipped = failed = 0
    try:
        if args.db is not None:
            from unionfacts.io.sqlite import FactStore

            sink: Any = FactStore(args.db)
        else:
            from unionfacts.io.tables import ParquetWriter
            from unionfacts.records import FACTS

            sink = ParquetWriter(args.output, FACTS)
    except (UnionfactsError, OSError) as exc:
        _err(str(exc) if isinstance(exc, UnionfactsError) else f"cannot write {args.db or args.output}: {exc}")
        return 2 if isinstance(exc, MissingDependencyError) else 1

    def fresh(items: Any) -> Any:  # a rerun resumes: documents stored with the same text are skipped
        nonlocal skipped
        for src in items:
            if args.db is not None and src.text is not None and sink.is_current(src.doc, src.text):
                skipped += 1
                continue
            yield src

    results = ex.map(fresh(sources), as_document, jobs=jobs)
    batch: list[Any] = []
    try:
        for src, doc in results:
            if isinstance(doc, Failure) or src.text is None:
                _err(f"{src.label}: {doc.error if isinstance(doc, Failure) else 'no text'}")
                failed += 1
                if args.fail_fast:
                    break
                continue
            if args.db is None:
                sink.write_document(doc, src.text, src.label)
                continue
            batch.append(document_rows(doc, src.text, src.label))
            if len(batch) >= 32:  # one transaction per 32 documents: the store's cost stays small
                sink.add_many(batch)
                batch.clear()
        if batch:
            sink.add_many(batch)
        sink.close()
    except UnionfactsError as exc:
        _err(str(exc))
        return 1
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()
    if skipped:
        _err(f"{skipped} document(s) already stored with the same text: skipped")
    return 1 if failed else 0


def _cmd_db_stats(args: argparse.Namespace) -> int:
    from unionfacts.io.sqlite import stats

    if not os.path.isfile(args.file):
        _err(f"{args.file}: no such database file")
        return 2
    try:
        print(stats(args.file, limit=args.limit), end="")
    except UnionfactsError as exc:
        _err(str(exc))
        return 1
    return 0


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
    if args.what == "record":
        from unionfacts.io.sinks import record_schema

        schema = record_schema()
    else:
        from unionfacts.extractor import json_schema

        schema = json_schema(args.what)
    print(json.dumps(schema, ensure_ascii=False, indent=2))
    return 0


T = TypeVar("T")


def _load_packs(load: Callable[[], T]) -> T | None:
    """``load()``, or ``None`` with the message said when a rule pack does not load (a usage
    error, exit 2, for ``extract --patterns`` and ``rules check`` alike)."""
    try:
        return load()
    except PatternError as exc:
        _err(str(exc))
    except MemoryError:
        _err("a rule pack is too large to compile (out of memory)")
    return None


def _cmd_rules_check(args: argparse.Namespace) -> int:
    """0 every example behaves, 1 some do not (or one timed out), 2 a pack that does not load
    (the same code as ``extract --patterns`` gives for it)."""
    from unionfacts.rules.check import check_packs
    from unionfacts.rules.packs import get_patterns

    if _load_packs(lambda: get_patterns(tuple(str(os.path.abspath(d)) for d in args.dirs))) is None:
        return 2
    try:
        return check_packs(args.dirs, out=sys.stdout, err=sys.stderr)
    except TimeoutError as exc:
        _err(f"rules check: an example timed out (a catastrophic pattern?): {exc}")
        return 1


def _cmd_evaluate(args: argparse.Namespace) -> int:
    """``unionfacts evaluate``: 0 when a report was written, 2 for a malformed or unusable gold
    file, a broken rule pack, or when none of the gold documents is among the inputs."""
    from unionfacts.evaluate import RecordError, evaluate_paths

    out, err = sys.stdout, sys.stderr
    show = getattr(args, "show_errors", 20)
    show = 20 if show is None else max(0, show)
    try:
        report = evaluate_paths(args.gold, list(args.paths), extra_patterns=args.patterns or [])
    except RecordError as exc:
        print(f"unionfacts evaluate: {exc}", file=err)
        return 2
    except PatternError as exc:
        print(f"unionfacts evaluate: {exc}", file=err)
        return 2
    for w in report.warnings:
        print(f"unionfacts evaluate: warning: {w}", file=err)
    if not report.docs and not report.docs_missing:
        print(f"unionfacts evaluate: gold file {args.gold} holds no facts", file=err)
        return 2
    if not report.docs:
        print(f"unionfacts evaluate: none of the {len(report.docs_missing)} gold documents was found "
              f"among {', '.join(args.paths)} (a document's id is its file name without .txt)", file=err)
        return 2
    if getattr(args, "json", False):
        out.write(json.dumps(report.to_dict(show), ensure_ascii=False) + "\n")
    else:
        out.write(report.render(show))
    return 0


_EPILOG = """\
examples:
  unionfacts extract seeds/                       every .txt/.md/.html/.jsonl/.csv in a folder
  unionfacts extract page.html --format documents  one document per line, facts nested
  unionfacts extract docs.jsonl --text-key body --id-key url -o facts.jsonl
  cat article.txt | unionfacts extract - --published 2024-03-01
  unionfacts extract a.txt --kinds money,percent --jobs 0
  unionfacts extract articles/ --db facts.db      an SQLite fact store; a rerun skips stored texts
  unionfacts db stats facts.db                    facts by kind and by document
  unionfacts extract a.txt --format csv -o f.csv  the typed fact table (also parquet)
  unionfacts show seeds/ -o report.html           every fact highlighted in its text
  unionfacts schema record                        the JSON Schema of one output line
  unionfacts rules check mypack/                  validate a rule pack, run its examples

exit codes:
  0  every input was extracted
  1  some inputs failed (each named on stderr; the others are written), or the output
     could not be written
  2  usage error: a bad option or value, a broken rule pack, an output folder that does
     not exist
"""


class _Help(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Defaults shown after each option's help (an option without a value to show says its
    default in words); the epilog's layout kept."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default in (None, False) or "default" in (action.help or ""):
            return action.help
        return super()._get_help_string(action)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("unionfacts")
    except PackageNotFoundError:
        return "unknown"


def _cmd_show(args: argparse.Namespace) -> int:
    """``unionfacts show PATH ... -o report.html``: one HTML page of the documents and their facts."""
    from unionfacts.extractor import Extractor, Failure
    from unionfacts.io.sources import iter_sources
    from unionfacts.pipeline.timebase import parse_published
    from unionfacts.view import Item, render_html

    try:
        published = parse_published(args.published) if args.published is not None else None
        ex = Extractor(args.patterns or ())
    except (ValueError, PatternError) as exc:
        print(f"unionfacts: {exc}", file=sys.stderr)
        return 2
    try:
        out = AtomicWriter(args.output)
    except OSError as exc:
        print(f"unionfacts: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    pairs: list[Item] = []
    failed = 0
    from unionfacts.extractor import as_document
    from unionfacts.io.sources import Options

    options = Options(encoding=args.encoding, published=published, notice=_err)
    try:
        for src, doc in ex.map(iter_sources(args.paths, options=options), as_document):
            if isinstance(doc, Failure) or src.text is None:
                print(f"{src.label}: {doc.error if isinstance(doc, Failure) else 'no text'}", file=sys.stderr)
                failed += 1
                continue
            pairs.append((doc, src.text))
        _emit(out, render_html(pairs, title=args.title))
        _emit(out, None)
    except _OutputError as exc:
        out.abort()
        print(f"unionfacts: cannot write {args.output or 'stdout'}: {exc}", file=sys.stderr)
        return 1
    except BaseException:  # Ctrl-C, SIGTERM: no temp file left
        out.abort()
        raise
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="unionfacts", description="Typed facts from Chinese news text.",
                                epilog=_EPILOG, formatter_class=_Help)
    p.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", help="what to do (see COMMAND --help)")
    e = sub.add_parser("extract", help="extract facts from files, folders, tables or stdin",
                       description="Extract typed facts; data to stdout (or -o), messages to stderr.",
                       epilog=_EPILOG, formatter_class=_Help)
    e.add_argument("paths", nargs="*", metavar="PATH",
                   help="files, folders (walked for .txt .text .md .html .htm .jsonl .csv .parquet), "
                        "or - for stdin (default: stdin)")
    e.add_argument("--format", choices=("jsonl", "json", "documents", "csv", "parquet"), default="jsonl",
                   help="jsonl: a document record, then one line per fact and list item; json: one "
                        "array of documents; documents: one document per line with nested facts; "
                        "csv, parquet: the typed fact table of docs/records.md (parquet needs -o and "
                        "pyarrow)")
    e.add_argument("--db", metavar="FILE", default=None,
                   help="store documents and facts in this SQLite file instead of writing them out "
                        "(a document already stored with the same text is skipped, a changed one "
                        "replaced; see docs/records.md; default: none, the facts are written out)")
    e.add_argument("--match-timeout", type=float, default=None, metavar="SECONDS",
                   help="seconds a user-pack rule may take on one text before it is reported "
                        "(default: 5)")
    e.add_argument("--kinds", metavar="K,K", default=None,
                   help=f"comma-separated kinds to write, from {','.join(_KIND_CHOICES)} (default: all)")
    e.add_argument("-o", "--output", metavar="OUT", default=None,
                   help="write here (default: stdout); a regular file is replaced only when the run "
                        "completes, a FIFO, device or link is written through")
    e.add_argument("--published", metavar="DATE", default=None,
                   help="publication date (ISO 8601) for inputs whose text gives none (default: none)")
    e.add_argument("--force-published", metavar="DATE", default=None,
                   help="publication date (ISO 8601) for every input, over any date it gives "
                        "(default: none)")
    e.add_argument("--patterns", action="append", metavar="DIR", default=None,
                   help="add a user rule pack (repeatable; default: the built-in pack only)")
    e.add_argument("--encoding", default=None,
                   help="input encoding (default: a byte order mark, else UTF-8, else GB18030 or "
                        "Big5, whichever reads as Chinese; .jsonl and .csv: UTF-8)")
    e.add_argument("--text-key", default="text", metavar="NAME",
                   help="field or column of a .jsonl/.csv/.parquet row holding the text")
    e.add_argument("--id-key", default="id", metavar="NAME",
                   help="field or column holding the document id (default: id; a row without one: FILE:LINE)")
    e.add_argument("--published-key", default="published", metavar="NAME",
                   help="field or column holding the publication date")
    e.add_argument("--piece-chars", type=int, default=None, metavar="N",
                   help="extract a longer text in pieces of at most N characters, cut at paragraph "
                        "boundaries; jsonl and csv write its facts as each piece is done (its document "
                        "line then has null counts), json and documents once it is all done "
                        "(default: 100000)")
    e.add_argument("-q", "--quiet", action="store_true",
                   help="no progress line on stderr (default: one when stderr is a terminal)")
    e.add_argument("--fail-fast", action="store_true",
                   help="stop at the first bad input (default: go on with the others)")
    e.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                   help="worker processes (0 = one per CPU); output stays in input order")
    e.set_defaults(func=_cmd_extract)
    sh = sub.add_parser("show", help="one self-contained HTML page: each fact highlighted in its text",
                        formatter_class=_Help,
                        description="An offline HTML page of the documents: every fact highlighted in "
                                    "its raw text, a sortable table of facts, the lists of measures.")
    sh.add_argument("paths", nargs="*", metavar="PATH",
                    help="files, folders (walked as for extract), or - for stdin (default: stdin)")
    sh.add_argument("-o", "--output", help="write the page here (atomically) instead of stdout")
    sh.add_argument("--title", default="unionfacts", help="the page's title")
    sh.add_argument("--published", help="publication date (ISO 8601) for every input without its own")
    sh.add_argument("--patterns", action="append", metavar="DIR", help="add a user rule pack (repeatable)")
    sh.add_argument("--encoding", help="input encoding (default: as for extract)")
    sh.set_defaults(func=_cmd_show)
    s = sub.add_parser("schema", help="print a JSON Schema of the output", formatter_class=_Help,
                       description="JSON Schema of one jsonl line (record), a document (document, "
                                   "as --format json/documents writes), or one fact (fact).")
    s.add_argument("what", nargs="?", choices=("record", "document", "fact"), default="document",
                   help="which shape")
    s.set_defaults(func=_cmd_schema)
    db = sub.add_parser("db", help="a fact store written by extract --db", formatter_class=_Help)
    dbsub = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True, help="what to do")
    ds = dbsub.add_parser("stats", help="counts by kind and by document", formatter_class=_Help)
    ds.add_argument("file", metavar="FILE", help="the SQLite file")
    ds.add_argument("--limit", type=int, default=None, metavar="N",
                    help="list at most N documents (default: all)")
    ds.set_defaults(func=_cmd_db_stats)
    r = sub.add_parser("rules", help="rule packs: validate and run their examples", formatter_class=_Help)
    rsub = r.add_subparsers(dest="rules_command", metavar="COMMAND", required=True, help="what to do")
    rc = rsub.add_parser("check", help="validate a rule pack and run its examples", formatter_class=_Help,
                         description="Exit 0: every example behaves; 1: some do not; 2: a pack does "
                                     "not load.")
    rc.add_argument("dirs", nargs="*", metavar="DIR", help="pack folders (none: the built-in pack)")
    rc.set_defaults(func=_cmd_rules_check)
    ev = sub.add_parser("evaluate", help="score extraction against annotated gold JSONL", formatter_class=_Help)
    ev.add_argument("gold", help="gold facts, JSONL in the shape of the seed gold file")
    ev.add_argument("paths", nargs="+", metavar="PATH",
                    help="the documents (files or folders) the gold refers to")
    ev.add_argument("--patterns", action="append", metavar="DIR", default=None,
                    help="add a user rule pack (repeatable; default: the built-in pack only)")
    ev.add_argument("--show-errors", type=int, default=20, metavar="N", help="errors listed per kind")
    ev.add_argument("--json", action="store_true", help="print the report as JSON (default: a table)")
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


def _closed_streams() -> None:
    """A closed stderr (``2>&-``) is None: messages would go to stdout. Point it at nothing."""
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


def main(argv: list[str] | None = None) -> int:
    _closed_streams()
    _utf8_stdout()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    if getattr(args, "func", None) is None:  # bare ``unionfacts``
        if sys.stdout is None:
            return 2
        parser.print_help()
        return 0
    try:
        code: int = args.func(args)
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except MemoryError:
        _err("out of memory")
        return 1
