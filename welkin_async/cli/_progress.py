"""The export's progress on stderr: rich's live display on a terminal, and plain lines elsewhere
(a log file, a pipe, CI) or when rich is not installed.

Either one is told each type's position as the export starts and after each page it writes.
"""

from __future__ import annotations

import importlib.util
import math
import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self, TextIO

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, Task, TaskID

PREFIX = "welkin-async export: "  # a progress line is told from an error line by what follows


class ExportProgress(Protocol):
    """What the export tells its display."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def start(self, export_type: str, *, records: int, pages: int) -> None:
        """``export_type`` begins (or resumes) at ``records`` records in ``pages`` pages."""

    def update(self, export_type: str, *, records: int, pages: int, retries: int) -> None:
        """Another page of ``export_type`` is written."""


def choose(every: float, stream: TextIO | None = None) -> ExportProgress:
    """Rich's display if ``stream`` (stderr) is a terminal and rich is installed, else lines at
    most every ``every`` seconds per type."""
    stream = stream if stream is not None else sys.stderr
    if stream.isatty() and importlib.util.find_spec("rich") is not None:
        return RichProgress(stream)
    return LineProgress(every, stream)


class LineProgress:
    """One line per type at most every ``every`` seconds (0: after every page), the first
    ``every`` seconds after the type starts: a short export prints none."""

    def __init__(
        self, every: float, stream: TextIO, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._every = every
        self._stream = stream
        self._clock = clock
        self._started: dict[str, tuple[float, int]] = {}  # type -> (when, records then)
        self._told: dict[str, float] = {}

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    def start(self, export_type: str, *, records: int, pages: int) -> None:
        now = self._clock()
        self._started[export_type] = (now, records)
        self._told[export_type] = now

    def update(self, export_type: str, *, records: int, pages: int, retries: int) -> None:
        now = self._clock()
        if now - self._told[export_type] < self._every:
            return
        self._told[export_type] = now
        began, records_then = self._started[export_type]
        seconds = now - began
        rate = (records - records_then) / seconds if seconds > 0 else math.nan
        shown_rate = f"{rate:,.0f} records/s" if math.isfinite(rate) else "- records/s"
        print(
            f"{PREFIX}{export_type}: {records:,} records in {pages:,} pages, {shown_rate}, "
            f"{retries:,} retries",
            file=self._stream,
            flush=True,
        )


class RichProgress:
    """rich's live display: a spinner, records, pages, records/s and retries per type."""

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console

        self._progress = _rich_progress(Console(file=stream))
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> Self:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def start(self, export_type: str, *, records: int, pages: int) -> None:
        self._tasks[export_type] = self._progress.add_task(
            export_type, total=None, completed=records, pages=pages, retries=0
        )

    def update(self, export_type: str, *, records: int, pages: int, retries: int) -> None:
        self._progress.update(
            self._tasks[export_type], completed=records, pages=pages, retries=retries
        )


def _rich_progress(console: Console) -> Progress:
    from rich.progress import Progress, ProgressColumn, SpinnerColumn, TextColumn
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.0f} records/s" if speed else "- records/s")

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description:>15}"),
        TextColumn("{task.completed:>10,.0f} records"),
        TextColumn("{task.fields[pages]:>6,} pages"),
        RateColumn(),
        TextColumn("{task.fields[retries]:,} retries"),
        console=console,
        transient=False,
    )
