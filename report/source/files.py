"""The one way to open a content file: a regular file inside its folder, read up to a cap.

Guest folders arrive by e-mail, git and tar, so a file name may be a symbolic link to
anywhere, a named pipe that blocks whoever opens it, or a device that never ends. Every file
the builder reads for content (document.md, charts.yaml, CSV files, pictures, reader files,
series manifests) goes through `read()`:

- the path is resolved (links followed) and must lie inside `root`, the folder it belongs to;
- it must be a regular file: a pipe, socket, device or folder is refused by its type, read from
  `stat`, before anything opens it;
- its size is checked before reading, and at most `limit + 1` bytes are ever read (a file that
  grows while it is read is caught too).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from report.errors import Problems

CHUNK = 1 << 20
# The size of each kind of series file, checked before it is read (series/css.py, render/sandbox.py).
MAX_CSS_BYTES = 2_000_000
MAX_TEMPLATE_BYTES = 1_000_000
KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
         (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))
# Control characters that have no business in text: C0 except tab and line ends, DEL, C1.
CONTROL = frozenset(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)])
MAX_CONTROL_REPORTED = 5


class Refused(Exception):
    """The file cannot be used; `str()` says why, in words for the message after the path."""


def _kind(mode: int) -> str | None:
    for test, name in KINDS:
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


def locate(path: Path, root: Path, where: str = "the document folder") -> Path:
    """The real path of `path` after checking it: inside `root`, a regular file. Raises `Refused`."""
    try:
        real = Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        raise Refused("file not found") from None
    except OSError as exc:  # a loop of links, a name too long, no permission on a folder
        raise Refused(f"cannot open the file: {exc.strerror or exc}") from None
    if not real.is_relative_to(os.path.realpath(root)):
        # Never name the target: it may be the very secret the link was made to show.
        if Path(os.path.abspath(path)).is_relative_to(os.path.abspath(root)):
            raise Refused(f"is a link to a file outside {where}")
        raise Refused(f"is outside {where}")
    try:
        mode = os.stat(real).st_mode
    except OSError as exc:
        raise Refused(f"cannot open the file: {exc.strerror or exc}") from None
    kind = _kind(mode)
    if kind is not None:
        raise Refused(f"is {kind}, not a file")
    return real


def size(path: Path, root: Path, limit: int, where: str = "the document folder") -> Path:
    """`locate()`, and the size checked against `limit` without reading."""
    real = locate(path, root, where)
    length = os.stat(real).st_size
    if length > limit:
        raise Refused(f"is {length:,} bytes; at most {limit:,} are allowed")
    return real


def read(path: Path, root: Path, limit: int, where: str = "the document folder") -> bytes:
    """The bytes of a checked file, never more than `limit`. Raises `Refused`."""
    real = size(path, root, limit, where)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        raise Refused(f"cannot read the file: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)  # what was opened, should the name have been swapped meanwhile
        kind = _kind(info.st_mode)
        if kind is not None:
            raise Refused(f"is {kind}, not a file")
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise Refused(f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise Refused(f"is more than {limit:,} bytes; at most {limit:,} are allowed")
    return data


def read_text(path: Path, problems: Problems, root: Path | None = None, limit: int = 5_000_000,
              where: str = "the document folder") -> str | None:
    """A checked file's UTF-8 text with line ends made `\\n`, or None with its problems added:
    the refusal, the line of the first byte that is not UTF-8, every control character."""
    try:
        data = read(path, path.parent if root is None else root, limit, where)
    except Refused as exc:
        problems.add(path, str(exc))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(path, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8", line)
        return None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text if control_characters(text, path, problems) == 0 else None


def control_characters(text: str, path, problems: Problems, first_line: int = 1) -> int:
    """Report control characters with their line and column (shown escaped); return how many."""
    if CONTROL.isdisjoint(text):
        return 0
    found = [i for i, c in enumerate(text) if c in CONTROL]
    for i in found[:MAX_CONTROL_REPORTED]:
        line_start = text.rfind("\n", 0, i) + 1
        line = text.count("\n", 0, i) + first_line
        problems.add(path, f"the control character U+{ord(text[i]):04X} is not allowed in text; remove it",
                     line, i - line_start + 1)
    if len(found) > MAX_CONTROL_REPORTED:
        problems.add(path, f"{len(found) - MAX_CONTROL_REPORTED:,} more control characters")
    return len(found)
