"""The export's progress display: rich's on a terminal, plain lines elsewhere or without rich."""

from __future__ import annotations

import io
import sys

import pytest

from welkin_async.cli._progress import LineProgress, RichProgress, choose


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class Clock:
    """Seconds that move only when the test says."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_terminal_with_rich_gets_the_live_display() -> None:
    """On a terminal, with rich importable, the display is rich's."""
    assert isinstance(choose(10.0, Terminal()), RichProgress)


def test_a_pipe_gets_lines() -> None:
    """Off a terminal (a log file, a pipe), the display is plain lines, rich or not."""
    assert isinstance(choose(10.0, io.StringIO()), LineProgress)


def test_a_terminal_without_rich_gets_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """With rich unimportable, even a terminal gets plain lines, not an ImportError."""
    monkeypatch.setitem(sys.modules, "rich", None)
    assert isinstance(choose(10.0, Terminal()), LineProgress)


def test_lines_come_at_most_every_interval_per_type() -> None:
    """A type's line comes once its interval has passed since it started or last spoke, with
    its records, pages, rate over this run and retries; pages in between say nothing."""
    out, clock = io.StringIO(), Clock()
    with LineProgress(10.0, out, clock=clock) as progress:
        progress.start("PATIENT", records=1000, pages=2)  # resumed at 1,000 records
        progress.start("CDT_RECORD", records=0, pages=0)
        clock.now += 4
        progress.update("PATIENT", records=1500, pages=3, retries=0)
        clock.now += 6
        progress.update("PATIENT", records=3000, pages=6, retries=2)
        progress.update("PATIENT", records=3500, pages=7, retries=2)
        progress.update("CDT_RECORD", records=500, pages=1, retries=2)
    assert out.getvalue().splitlines() == [
        "welkin-async export: PATIENT: 3,000 records in 6 pages, 200 records/s, 2 retries",
        "welkin-async export: CDT_RECORD: 500 records in 1 pages, 50 records/s, 2 retries",
    ]


def test_an_interval_of_zero_gives_a_line_per_page() -> None:
    """`--progress-every 0`: every page is a line, even with no time passed."""
    out = io.StringIO()
    with LineProgress(0.0, out, clock=Clock()) as progress:
        progress.start("PATIENT", records=0, pages=0)
        for page in (1, 2, 3):
            progress.update("PATIENT", records=page * 10, pages=page, retries=0)
    assert [line.split(": ", 2)[2] for line in out.getvalue().splitlines()] == [
        "10 records in 1 pages, - records/s, 0 retries",
        "20 records in 2 pages, - records/s, 0 retries",
        "30 records in 3 pages, - records/s, 0 retries",
    ]
