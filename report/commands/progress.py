"""Progress of a run over many documents, and its summary.

In a terminal the count is one line that updates in place; in a log (stderr not a terminal)
each finished document adds a plain line, so that a CI log reads in order. The summary at the
end says what was built, what was up to date and what failed, with each failure's first problem.
"""

from __future__ import annotations

import sys
import time

from report.errors import display_path


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class Progress:
    def __init__(self, total: int, up_to_date: int = 0, stream=None, clock=time.monotonic):
        self.total, self.up_to_date = total, up_to_date
        self.done = self.failed = 0
        self.failures: list[tuple[str, str]] = []  # (folder, first problem)
        self.stream = stream or sys.stderr
        self.clock = clock
        self.start = clock()
        self.live = self.stream.isatty()
        self.shown = False

    def finished(self, folder, first_problem: str | None) -> None:
        self.done += 1
        if first_problem is not None:
            self.failed += 1
            self.failures.append((display_path(folder), first_problem))
        if self.total < 2:
            return
        line = self.line()
        if self.live:
            self.stream.write("\r\033[K" + line)
            self.shown = True
        else:
            self.stream.write(f"progress: {line}\n")
        self.stream.flush()

    def line(self) -> str:
        text = f"{self.done} of {self.total} done, {self.failed} failed"
        left = self.total - self.done
        if left and self.done:
            per = (self.clock() - self.start) / self.done
            text += f", about {_duration(per * left)} left"
        return text

    def clear(self) -> None:
        """Before another line is printed in a terminal: the updating line makes room."""
        if self.live and self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def summary(self) -> list[str]:
        built = self.done - self.failed
        lines = [f"summary: {built} built, {self.up_to_date} up to date, {self.failed} failed"]
        lines += [f"failed: {folder}: {problem}" for folder, problem in self.failures]
        return lines
