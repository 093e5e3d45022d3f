"""The conformance run's bookkeeping: per-recording outcomes from every side, and one summary.

After the run, ``pytest_terminal_summary`` prints ``conformance: N recordings, C covered,
M matched`` and a line per recording no side covered, naming its family; or, when the
recordings are absent, the one line saying the suite was skipped. Nothing is printed when no
conformance test was collected.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import pytest

from tests.conformance._recordings import (
    Recording,
    load_recordings,
    recordings_folder,
    recordings_present,
    skip_reason,
)
from tests.conformance._registry import Registry

HERE = Path(__file__).resolve().parent
_PLUGIN = "welkin-conformance-run"


class ConformanceRun:
    """The run's bookkeeping, registered as a plugin: outcomes in, summary out."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.registry = Registry()
        self.modules_skipped = False

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        """Report ``matched`` (the call passed) or ``failed`` for marked, recording tests."""
        report = yield
        side, recording = _side(item), _recording(item)
        if side is not None and recording is not None:
            if report.failed:
                self.registry.report(side, recording.name, "failed")
            elif report.passed and report.when == "call":
                self.registry.report(side, recording.name, "matched")
        return report

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """Remember that a conformance module was skipped at collection (no recordings)."""
        where = (self.config.rootpath / report.fspath).resolve()
        if report.skipped and where.is_relative_to(HERE):
            self.modules_skipped = True

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        """The counts and the recordings not covered; or the one skip line."""
        if not recordings_present():
            if self.modules_skipped:
                terminalreporter.write_line(skip_reason())
            return
        if not self.registry.reports:
            return
        names = [recording.name for recording in load_recordings(recordings_folder())]
        for line in self.registry.summary(names):
            terminalreporter.write_line(line)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "conformance(side): a test module replaying the recordings; its outcomes per "
        "recording are reported as SIDE (for example sdk or emulator)",
    )
    if not config.pluginmanager.has_plugin(_PLUGIN):
        config.pluginmanager.register(ConformanceRun(config), _PLUGIN)


@pytest.fixture(scope="session")
def conformance(request: pytest.FixtureRequest) -> Registry:
    """The run's registry of per-recording outcomes (report ``not covered`` through it)."""
    run = request.config.pluginmanager.get_plugin(_PLUGIN)
    assert isinstance(run, ConformanceRun)
    return run.registry


def _side(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("conformance")
    if marker is None:
        return None
    side = marker.args[0] if marker.args else marker.kwargs.get("side")
    return str(side) if side is not None else None


def _recording(item: pytest.Item) -> Recording | None:
    callspec = getattr(item, "callspec", None)
    recording = callspec.params.get("recording") if callspec is not None else None
    return recording if isinstance(recording, Recording) else None
