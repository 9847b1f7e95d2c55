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
import sys

from unionfacts.errors import PatternError
from unionfacts.io.sinks import AtomicWriter


def _cmd_extract(args: argparse.Namespace) -> int:
    from unionfacts.models import KINDS
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
    from unionfacts.extractor import Extractor, Failure
    from unionfacts.io.sinks import render_json, render_jsonl
    from unionfacts.io.sources import iter_sources

    try:
        ex = Extractor(args.patterns or (), kinds=kinds)
    except PatternError as exc:
        print(f"unionfacts: {exc}", file=sys.stderr)
        return 2
    try:
        out = AtomicWriter(args.output)
    except OSError as exc:
        print(f"unionfacts: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    failed = 0
    first = True
    sources = iter_sources(args.paths, args.encoding, args.published)
    results = ex.map(sources, render_json if args.format == "json" else render_jsonl, jobs=jobs)
    try:
        if args.format == "json":
            _emit(out, "[")
        for src, text in results:
            if isinstance(text, Failure):
                print(f"{src.label}: {text.error}", file=sys.stderr)
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
