"""Atomic writes: a file appears complete or not at all, and a failed build leaves the old one.

`write_atomic` is for what a build delivers; what it keeps to go faster next time is written by
`report.cache.write`."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from report.errors import MachineError


def write_atomic(path: Path, data: bytes) -> Path:
    return write_all([(path, data)])[0]


def write_all(items: list[tuple[Path, bytes]]) -> tuple[Path, ...]:
    """Every file, or none: each is written to a temporary file beside it first, and only when
    all are complete are they renamed into place. A fault of the machine (disk full, no
    permission, a folder where the file should go) is a `MachineError` naming the path."""
    for path, _ in items:
        if os.path.lexists(path) and (os.path.isdir(path) or not os.path.isfile(path)):
            raise MachineError(path, "something that is not a file (a folder?) is in the way of the output; "
                                     "move it away")
    temps: list[str] = []
    olds: list[str | None] = []
    replaced: list[tuple[Path, str | None]] = []
    try:
        for path, data in items:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise MachineError(path.parent, f"cannot create the output folder: {_reason(exc)}") from None
            try:
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
            except OSError as exc:
                raise MachineError(path.parent, f"cannot write in the output folder: {_reason(exc)}") from None
            temps.append(tmp)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.chmod(tmp, 0o644)
            except OSError as exc:
                raise MachineError(path, f"cannot write the file: {_reason(exc)}") from None
        # The old files are kept aside (a second name, not a copy) until every rename has
        # succeeded: when one fails, those already replaced are put back.
        for path, _ in items:
            olds.append(_keep_aside(path))
        for (path, _), tmp, old in zip(items, list(temps), olds):
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise MachineError(path, f"cannot write the file: {_reason(exc)}") from None
            temps.remove(tmp)
            replaced.append((path, old))
    except BaseException:  # Ctrl-C included: never leave a partial file or a half-replaced set
        for path, old in reversed(replaced):
            try:
                if old is None:
                    os.unlink(path)
                else:
                    os.replace(old, path)
            except OSError:
                pass
        for tmp in temps + [old for old in olds if old is not None]:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise
    for old in olds:
        if old is not None:
            try:
                os.unlink(old)
            except OSError:
                pass
    return tuple(path for path, _ in items)


def _keep_aside(path: Path) -> str | None:
    """A second name for the file at `path` (None when there is none), to put back on failure."""
    if not os.path.lexists(path):
        return None
    aside = f"{path.parent}/.{path.name}.{os.getpid()}.{id(path):x}.old"
    try:
        if os.path.lexists(aside):
            os.unlink(aside)
        os.link(path, aside, follow_symlinks=False)
    except OSError:
        try:  # a file system without hard links
            shutil.copy2(path, aside, follow_symlinks=False)
        except OSError as exc:
            raise MachineError(path, f"cannot keep the old file while writing: {_reason(exc)}") from None
    return aside


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
