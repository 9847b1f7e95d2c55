"""Exceptions the library raises on purpose."""

from __future__ import annotations


class UnionfactsError(Exception):
    """Base class of every error unionfacts raises on purpose."""


class PatternError(UnionfactsError):
    """A rule pack is broken; the message names the file, the line where known, and the rule."""

    def __init__(self, message: str, *, file: str | None = None, rule: str | None = None,
                 line: int | None = None) -> None:
        where = file or "<patterns>"
        if line is not None:
            where += f":{line}"
        if rule:
            where += f": rule {rule}"
        super().__init__(f"{where}: {message}")
        self.file = file
        self.rule = rule
        self.line = line
