"""Build or check many documents, in parallel processes when asked (`-j N`).

Each document is built in a worker process with everything it needs; what comes back is a
plain `Outcome` (paths, messages), never an exception object, so that a worker's failure is
reported like any other and one bad document does not stop the others.
"""

from __future__ import annotations

import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator

from report import prepare
from report.errors import (BuildError, ContentError, ContentErrors, MachineError, display_path, printable,
                           take_notices)
from report.workers import cores

# Lazy: the output side (`report.pipeline`: layout, PDF, web page; `commands.bundle`), imported
# when a document is built; `--check` reads and checks, and loads none of it.


@dataclass(frozen=True)
class Outcome:
    folder: Path
    written: tuple[Path, ...] = ()
    problems: tuple[str, ...] = ()  # content problems: exit 1
    preflight: tuple[str, ...] = ()  # preflight report lines
    preflight_failed: bool = False
    warnings: tuple[str, ...] = ()  # printed; they do not change the exit status
    notes: tuple[str, ...] = ()  # information, on stdout
    internal: str | None = None  # a bug: exit 3
    seconds: float = 0.0
    notices: tuple[str, ...] = ()  # about the machine (errors.notice): printed once a run

    @property
    def ok(self) -> bool:
        return not self.problems and self.internal is None


def one(folder: Path, options, check_only: bool = False, verbose: bool = False) -> Outcome:
    if check_only:
        return _guarded(folder, lambda: prepare.check(folder, options), verbose, folder / "document.md")
    from report import pipeline
    return _guarded(folder, lambda: pipeline.build(folder, options), verbose, folder / "document.md")


def bundle(path: Path, options, verbose: bool = False, check_only: bool = False) -> Outcome:
    from report.commands import bundle as bundle_mod
    if check_only:
        return _guarded(path, lambda: bundle_mod.check(path, options), verbose, path)
    return _guarded(path, lambda: bundle_mod.build(path, options), verbose, path)


def _guarded(target: Path, work, verbose: bool, where: Path) -> Outcome:
    """Run one build; every failure becomes part of the `Outcome`, with the notices it raised."""
    outcome = _outcome(target, work, verbose, where)
    return replace(outcome, notices=take_notices())


def _outcome(target: Path, work, verbose: bool, where: Path) -> Outcome:
    start = time.perf_counter()
    try:
        built = work()
    except ContentErrors as exc:
        return Outcome(target, problems=tuple(map(str, exc.errors)), seconds=time.perf_counter() - start)
    except ContentError as exc:
        return Outcome(target, problems=(str(exc),), seconds=time.perf_counter() - start)
    except BuildError as exc:
        return Outcome(target, problems=(printable(f"{display_path(where)}: {exc}"),),
                       seconds=time.perf_counter() - start)
    except MachineError as exc:
        return Outcome(target, problems=(printable(str(exc)),), seconds=time.perf_counter() - start)
    except OSError as exc:  # the machine's fault (a file vanished, no space): its path and its reason
        if exc.filename is not None:
            line = f"{display_path(exc.filename)}: {exc.strerror or exc}"
        else:  # a temporary file of a library (WeasyPrint's fonts, say): name what was being built
            line = f"{display_path(where)}: the build stopped on a fault of the machine: {exc.strerror or exc}"
        return Outcome(target, problems=(printable(line),), seconds=time.perf_counter() - start)
    except MemoryError:
        return Outcome(target, problems=(f"{display_path(where)}: out of memory while building; nothing written",),
                       seconds=time.perf_counter() - start)
    except Exception as exc:  # a bug in the builder, not in the content
        if verbose:
            return Outcome(target, internal=traceback.format_exc())
        return Outcome(target, internal=printable(f"{display_path(target)}: internal error: {type(exc).__name__}: "
                                                  f"{exc} (run with -v for the traceback)"))
    if built is None:  # a check
        return Outcome(target, seconds=time.perf_counter() - start)
    return Outcome(target, built.paths, preflight=built.preflight, preflight_failed=built.preflight_failed,
                   warnings=built.warnings, notes=built.notes, seconds=time.perf_counter() - start)


def jobs_default() -> int:
    return cores()


def run(folders: list[Path], options, jobs: int, check_only: bool = False, verbose: bool = False,
        started: Callable[[Path], None] | None = None) -> Iterator[Outcome]:
    """Outcomes as documents finish. One document or one job: in this process, no pool."""
    if jobs <= 1 or len(folders) <= 1 or check_only:
        for folder in folders:
            if started:
                started(folder)
            yield one(folder, options, check_only, verbose)
        return
    workers = min(jobs, len(folders))
    lost: list[Path] = []  # documents whose worker died (killed by the system, say)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(one, folder, options, check_only, verbose): folder for folder in folders}
        if started:
            for folder in folders[:workers]:
                started(folder)
        try:
            # The pool hands out documents in the order given: as one finishes, the next begins.
            for done, future in enumerate(as_completed(futures), start=workers):
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    lost.append(futures[future])
                    continue
                yield outcome
                if started and done < len(folders):
                    started(folders[done])
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    # A dead worker breaks the whole pool: every document it had not finished fails with it.
    # Each is built again alone, so that only the one that kills its process is lost.
    for folder in sorted(lost, key=folders.index):
        yield _alone(folder, options, check_only, verbose)


def _alone(folder: Path, options, check_only: bool, verbose: bool) -> Outcome:
    with ProcessPoolExecutor(max_workers=1) as pool:
        try:
            return pool.submit(one, folder, options, check_only, verbose).result()
        except BrokenProcessPool:
            return Outcome(folder, problems=(
                f"{display_path(folder)}: the process building it stopped without a word (killed by the "
                "system: out of memory?); nothing written for it",))
