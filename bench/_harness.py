"""What every scenario shares: the server process, core pinning, alternation, statistics, results.

- :func:`serve` starts ``bench/_server.py`` (the emulator and its control port) in a child process
  pinned to the first core; :func:`pin_client` pins this process to the last one, so client and
  server never take turns on one core.
- :func:`alternate` runs contenders A B C, then C B A, ... ``repeats`` times each: drift on a noisy
  machine (another process, thermal state, the server's caches) falls on every contender alike.
- :class:`Spread` is the median and range of one contender's samples; :class:`Target` states a
  goal and whether the run met it. Only ratios within one run are quoted.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

TENANT = "acme"
ENVIRONMENT = "live"
STOP_TIMEOUT = 30.0
_CPUS = sorted(os.sched_getaffinity(0))
SERVER_CPU = _CPUS[0]
CLIENT_CPU = _CPUS[-1]


class BenchError(Exception):
    """A scenario could not run, or a contender returned the wrong records."""


# --- the server ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    """The emulator child process and what it printed when it was ready."""

    process: subprocess.Popen[bytes]
    url: str
    control: str
    client_id: str
    client_secret: str = field(repr=False)
    seed_seconds: float

    @property
    def api(self) -> str:
        """The root of the ``acme`` tenant's live environment (documented layout)."""
        return f"{self.url}/v1/{TENANT}/{ENVIRONMENT}"

    async def stats(self, session: aiohttp.ClientSession) -> dict[str, Any]:
        """What the server counted since the last :meth:`reset`: requests, tokens, 429s."""
        async with session.get(f"{self.control}/stats") as response:
            response.raise_for_status()
            counted: dict[str, Any] = await response.json()
        return counted

    async def reset(self, session: aiohttp.ClientSession) -> None:
        async with session.post(f"{self.control}/reset") as response:
            response.raise_for_status()


@contextlib.contextmanager
def serve(
    patients: int,
    *,
    cdt_records: int = 0,
    rate: float | None = None,
    retry_after: str = "seconds",
    token_ttl: float = 3600.0,
    faults: str = "",
) -> Iterator[Server]:
    """The emulator in a child process on its own core, seeded with ``patients`` patients (and
    ``cdt_records`` records of the 40-field CDT of ``bench/_cdt_forty.py``)."""
    command = [sys.executable, str(Path(__file__).with_name("_server.py"))]
    command += ["--patients", str(patients), "--token-ttl", str(token_ttl), "--faults", faults]
    command += ["--cdt-records", str(cdt_records)]
    if rate is not None:
        command += ["--rate", str(rate), "--retry-after", retry_after]
    # Fixed arguments, no shell. Pinned at once, before the child has started any thread (the
    # threads it starts later inherit the main thread's affinity).
    process = subprocess.Popen(command, stdout=subprocess.PIPE)  # noqa: S603
    if len(_CPUS) > 1:
        os.sched_setaffinity(process.pid, {SERVER_CPU})
    try:
        ready = _ready_line(process)
        yield Server(
            process,
            ready["url"],
            ready["control"],
            ready["client_id"],
            ready["client_secret"],
            ready["seed_seconds"],
        )
    finally:
        _stop(process)


def _ready_line(process: subprocess.Popen[bytes]) -> dict[str, Any]:
    assert process.stdout is not None  # noqa: S101 - started with stdout=PIPE
    # One blocking line read (seeding a million patients takes about 40 s): the child prints
    # nothing before it, and exits on its own errors, which ends the read.
    line = process.stdout.readline()
    if not line:
        raise BenchError(f"the server exited before it was ready (status {process.poll()})")
    ready: dict[str, Any] = json.loads(line)
    return ready


def run_child(script: Path, message: Mapping[str, Any], *, timeout: float, what: str) -> Any:
    """Run ``script`` in a fresh interpreter with ``message`` as one JSON line on stdin; its
    answer is the last line it prints (JSON). The secret travels on stdin, never in argv (``ps``
    shows argv); fixed arguments, no shell."""
    finished = subprocess.run(  # noqa: S603
        [sys.executable, str(script)],
        input=json.dumps(message) + "\n",
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if finished.returncode != 0:
        tail = finished.stderr.strip().splitlines()[-5:]
        raise BenchError(f"the {what} child failed ({finished.returncode}): {' | '.join(tail)}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout is not None:
        process.stdout.close()


def pin_client() -> None:
    """Run this process on the core the server does not use (a no-op on one core)."""
    if len(_CPUS) > 1:
        os.sched_setaffinity(0, {CLIENT_CPU})


async def fetch_token(session: aiohttp.ClientSession, server: Server) -> str:
    """An access token by hand, as a user without the SDK gets one (OAuth client credentials)."""
    form = {
        "grant_type": "client_credentials",
        "client_id": server.client_id,
        "client_secret": server.client_secret,
    }
    async with session.post(f"{server.url}/v1/{TENANT}/oauth/token", data=form) as response:
        if response.status != 200:
            raise BenchError(f"the token request was answered {response.status}")
        token: str = (await response.json())["access_token"]
    return token


# --- running and summarising ----------------------------------------------------------------------


async def alternate(
    contenders: Mapping[str, Callable[[], Awaitable[float]]], repeats: int, *, warm_up: bool = True
) -> dict[str, list[float]]:
    """Each contender's samples, run A B C, C B A, ... so that drift hits every one alike."""
    if warm_up:
        for run in contenders.values():  # imports, compiled structuring, the server's caches
            await run()
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    order = list(contenders)
    for repeat in range(repeats):
        for name in order if repeat % 2 == 0 else reversed(order):
            samples[name].append(await contenders[name]())
    return samples


@dataclass(frozen=True)
class Spread:
    """The median of a contender's samples and their range."""

    median: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, samples: Sequence[float]) -> Spread:
        return cls(statistics.median(samples), min(samples), max(samples), len(samples))

    def show(self, digits: int = 0) -> str:
        return f"{self.median:,.{digits}f} ({self.low:,.{digits}f}..{self.high:,.{digits}f})"


@dataclass(frozen=True)
class Row:
    """One line of a scenario's table: a contender under one setting, and its spread."""

    contender: str
    setting: str
    unit: str
    spread: Spread
    ratio: str = ""  # against the scenario's reference contender, as "0.83x" (same run only)
    digits: int = 0


@dataclass(frozen=True)
class Target:
    """A goal of the issue, what this run measured against it, and whether it was met."""

    goal: str
    measured: str
    met: bool


@dataclass
class Outcome:
    """What a scenario reports: its table rows, its targets, notes, and plots it wrote."""

    scenario: str
    description: str
    rows: list[Row] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    plots: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.2f}x" if denominator else "n/a"
