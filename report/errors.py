"""The one exception type for problems a user can fix, and the collector that gathers them.

Every stage reports into a `Problems` list instead of raising at the first fault, so that an
editor sees every mistake in one run; `Problems.raise_if_any()` ends the stage.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Values quoted in messages are cut to this many characters: an error message must never
# print an unbounded value (a 10 MB string in a front matter key, say).
MAX_QUOTED = 60
MAX_FIELD = 80  # a field names user keys too (authors[0].<key>): bounded like a value
MAX_MESSAGE = 500  # the last guard: no message, whatever built it, prints more than this


# Notices about the machine, not the document (an optional library missing): each is said once a
# run. A worker of `-j N` hands them back with its outcome, and the command line prints each once.
_notices: list[str] = []
_noticed: set[str] = set()


def notice(text: str) -> None:
    """Queue a notice for the command line, once a process."""
    if text not in _noticed:
        _noticed.add(text)
        _notices.append(text)


def take_notices() -> tuple[str, ...]:
    """The notices queued since the last call."""
    taken = tuple(_notices)
    _notices.clear()
    return taken


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def printable(text: str) -> str:
    """One line, as written: control characters, line separators and bidi overrides escaped."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def quote(value: object) -> str:
    """A short, repr-like rendering of a user value for an error message."""
    if isinstance(value, str):
        return f"'{cut(value, MAX_QUOTED)}'"
    if isinstance(value, (bytes, bytearray)):  # repr of a big !!binary value is itself big
        value = bytes(value[:MAX_QUOTED])
    return cut(repr(value), MAX_QUOTED)


def display_path(path: Path | str) -> str:
    """The path as the user would type it: relative to the working folder when inside it."""
    path = Path(path)
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return printable(str(path))
    # printable: a newline in a folder's name must not split the line it is printed on
    return printable(rel if not rel.startswith("..") else str(path))


@dataclass(frozen=True)
class ContentError(Exception):
    """A problem in content or a style that the user can fix.

    Printed as ``path:line:column: field: message`` (line, column and field when known).
    """

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        prefix = f"{cut(self.field, MAX_FIELD)}: " if self.field else ""
        return printable(f"{where}: {prefix}{cut(self.message, MAX_MESSAGE)}")

    def sort_key(self) -> tuple:
        return (display_path(self.path), self.line or 0, self.column or 0)


class ContentErrors(Exception):
    """Several `ContentError`s, raised once at the end of a stage."""

    def __init__(self, errors: list[ContentError]):
        # Duplicates go (a problem found twice), the order of equal positions stays as found.
        self.errors = sorted(dict.fromkeys(errors), key=ContentError.sort_key)
        super().__init__("\n".join(str(e) for e in self.errors))


class Problems(list):
    """Collects `ContentError`s during a stage."""

    def add(self, path, message, line=None, column=None, field=None) -> None:
        self.append(ContentError(str(path), message, line, column, field))

    def raise_if_any(self) -> None:
        if self:
            raise ContentErrors(list(self))


class BuildError(Exception):
    """A build failed for a reason outside the content (a refused URL, a lost footnote …)."""


class MachineError(Exception):
    """A fault of the machine, not of the content or the builder: disk full, no permission, a
    folder in the way. Reported as `path: reason` with exit status 1, like a content problem."""

    def __init__(self, path, reason: str):
        self.path, self.reason = Path(path), reason
        super().__init__(f"{display_path(path)}: {reason}")
