"""Fleet: do 4 processes on one API client, coordinated through Redis, keep to its limit together?

The emulator (``bench/_server.py``, pinned to the first core) admits ``RATE`` = 100 requests/s
per API client (a token bucket of one second's worth) and answers the rest 429 *without*
``Retry-After``, as the live API does: the clients learn the limit from 429s alone. A
redis-server of the bench's own (``welkin_async.testing.RedisServer``) runs on a free loopback
port. ``PROCESSES`` = 4 child processes (``bench/_fleet_child.py``), all on the other core,
each run ``TASKS`` = 8 tasks of ``client.patients.get(id)`` over the seeded patients, one call
after another, with the same credentials:

- ``coordinated``: each process's ``WelkinClient(..., coordination=RedisCoordination(url,
  key_prefix=...))``: one shared limit, adaptive rate and token (a fresh key prefix per run, so
  the fleet starts without a token and without a learnt rate);
- ``uncoordinated``: the same clients without ``coordination``: each process limits itself
  alone, on its own token, as fleets do today.

The children open their clients (which sends nothing), say so, and start together at one
instant the parent names (``time.monotonic()`` is one clock for every process of the machine),
so the window is the same for all. Every success and 429 is timed in the child where it arrives
(the ``on_response`` hook), summed in this process and cross-checked against the server's own
counts (zeroed before each run), which also give the token requests of the run. The targets, on
the whole window and the coordinated fleet's sum:

- at least 0.9 x RATE successful requests/s;
- at most 1% of requests answered 429.

Why 100 req/s and 30 s: the four clients, Redis and this process share one core, the emulator
has the other. Measured at 100 req/s, the emulator used about 0.06 of its core, the four clients
together about 0.2 of theirs and Redis 0.03 (each run's notes give these figures), so what
bounds the rate is the server's limit and the clients' reaction to it, not the CPU, even on a
machine shared with other work. The 32 tasks, with round trips under a millisecond, could send
thousands of requests a second, so the limit and not the tasks binds. A 30-s window holds the
opening (the token, the first 429s) and about six of the shared rate's climbs back past its
ceiling (one every 5 s or so); the quick run's 12 s holds two::

    python bench/fleet.py            # 30-s windows (5 x 6 s), about 80 s
    python bench/fleet.py --quick    # 12-s windows (3 x 4 s), about 40 s
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from _harness import (
    CLIENT_CPU,
    BenchError,
    Outcome,
    Row,
    Server,
    Spread,
    Target,
    pin_client,
    ratio,
    serve,
)
from _plots import series
from _report import standalone
from rate import (
    PATIENT_TEMPLATE,
    PATIENTS,
    REFILL,
    Trace,
    cross_check,
    diagnose,
    patient_ids,
    per_second,
)

from welkin_async.testing import RedisServer

SCENARIO = "fleet"
RATE = 100.0  # the server's limit, requests/s per API client
PROCESSES = 4
TASKS = 8  # per process
MODES = ("coordinated", "uncoordinated")
CHILD = Path(__file__).with_name("_fleet_child.py")
READY_SECONDS = 60.0  # for the children to start and open their clients
START_MARGIN = 0.2  # seconds from the go line to the window's start: every child is awake
FINISH_SECONDS = 60.0  # after the window, for the calls in flight and the result lines
LINE_LIMIT = 1 << 24  # a child's result line holds every answer's time
# The rates plotted are cut here: a slow start's or an unlimited client's thousands hide the rest.
PLOT_CAP = 3 * RATE
# The ClientStats counters the fleet's sum adds up over its processes.
SUMMED = (
    "rate_limited",
    "pauses",
    "rate_decreases",
    "retries",
    "retry_budget_exhausted",
    "token_requests",
    "fleet_outages",
)


@dataclass
class Run:
    """One mode's window: each process's trace, their sum, and the CPU each side used."""

    processes: list[Trace]
    merged: Trace
    cpu: dict[str, float]  # the emulator, the clients (summed), Redis: cores' worth used


def _cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) process ``pid`` has spent, from ``/proc/<pid>/stat``."""
    # Fields after the command's closing parenthesis start at the 3rd; utime, stime: 14th, 15th.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _line(process: asyncio.subprocess.Process) -> dict[str, Any]:
    assert process.stdout is not None  # noqa: S101 - started with stdout=PIPE
    line = await process.stdout.readline()
    if not line:  # its traceback went to our stderr
        raise BenchError(f"a fleet child exited early (status {await process.wait()})")
    answer: dict[str, Any] = json.loads(line)
    return answer


def _trace(answer: dict[str, Any], seconds: float) -> Trace:
    statuses = {int(status): n for status, n in answer["client"]["responses"].items()}
    return Trace(
        successes=answer["successes"],
        throttled=answer["throttled"],
        failures=answer["failures"],
        errors=Counter(answer["errors"]),
        rates=[(t, rate) for t, rate in answer["rates"]],
        client={**answer["client"], "responses": statuses},
        seconds=seconds,
    )


async def fleet(
    server: Server,
    control: aiohttp.ClientSession,
    ids: list[str],
    seconds: float,
    redis: RedisServer,
    *,
    shared: bool,
) -> Run:
    """Start the fleet, wait until every child is ready, start them together, collect."""
    key_prefix = f"bench-fleet-{uuid.uuid4().hex[:12]}"  # a fresh fleet: no token, no rate
    processes = [
        # Fixed arguments, no shell; the secret travels on stdin, never in argv.
        await asyncio.create_subprocess_exec(
            sys.executable,
            str(CHILD),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=LINE_LIMIT,
        )
        for _ in range(PROCESSES)
    ]
    try:
        for index, process in enumerate(processes):
            settings = {
                "url": server.url,
                "client_id": server.client_id,
                "client_secret": server.client_secret,
                "ids": ids,
                "template": PATIENT_TEMPLATE,
                "seconds": seconds,
                "tasks": TASKS,
                "first": index * TASKS,  # the fleet's tasks take the ids in turn
                "stride": PROCESSES * TASKS,
                "redis": redis.url if shared else None,
                "key_prefix": key_prefix,
            }
            await _write(process, settings)
        async with asyncio.timeout(READY_SECONDS):
            await asyncio.gather(*(_line(process) for process in processes))
        await asyncio.sleep(REFILL)  # the server's bucket full again after the last run
        await server.reset(control)
        assert redis.pid is not None  # noqa: S101 - running inside its with block
        watched = {"emulator": server.process.pid, "Redis": redis.pid}
        before = {name: _cpu_seconds(pid) for name, pid in watched.items()}
        began = time.monotonic()
        start_at = time.monotonic() + START_MARGIN
        for process in processes:
            await _write(process, {"start_at": start_at})
        async with asyncio.timeout(seconds + FINISH_SECONDS):
            answers = await asyncio.gather(*(_line(process) for process in processes))
            statuses = [await process.wait() for process in processes]
        wall = time.monotonic() - began
        cpu = {name: (_cpu_seconds(pid) - before[name]) / wall for name, pid in watched.items()}
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
    if any(statuses):
        raise BenchError(f"fleet children exited with {statuses}")
    traces = [_trace(answer, seconds) for answer in answers]
    merged = _merge(traces, seconds, shared=shared)
    merged.server = await server.stats(control)
    cpu["clients"] = sum(answer["cpu_seconds"] for answer in answers) / wall
    return Run(traces, merged, cpu)


async def _write(process: asyncio.subprocess.Process, message: dict[str, Any]) -> None:
    assert process.stdin is not None  # noqa: S101 - started with stdin=PIPE
    process.stdin.write(json.dumps(message).encode() + b"\n")
    await process.stdin.drain()


def _merge(traces: Sequence[Trace], seconds: float, *, shared: bool) -> Trace:
    """The fleet as one client: every answer, summed counters; its rate is the shared one
    (any member's reading) or, alone, the sum of the members' own (NaN: one is unlimited)."""
    if shared:
        rates = traces[0].rates
    else:
        rates = [
            (samples[0][0], sum(rate for _, rate in samples))
            for samples in zip(*(trace.rates for trace in traces), strict=False)
        ]
    client: dict[str, Any] = {name: sum(trace.client[name] for trace in traces) for name in SUMMED}
    client["responses"] = sum((Counter(trace.client["responses"]) for trace in traces), Counter())
    return Trace(
        successes=sorted(t for trace in traces for t in trace.successes),
        throttled=sorted(t for trace in traces for t in trace.throttled),
        failures=sorted(t for trace in traces for t in trace.failures),
        errors=sum((trace.errors for trace in traces), Counter()),
        rates=rates,
        client=client,
        seconds=seconds,
    )


async def measure(seconds: float, redis: RedisServer) -> dict[str, Run]:
    runs: dict[str, Run] = {}
    with serve(PATIENTS, rate=RATE, retry_after="none") as server:
        async with aiohttp.ClientSession() as control:
            ids = await patient_ids(control, server)
            for mode in MODES:  # coordinated then uncoordinated: one window each
                shared = mode == "coordinated"
                runs[mode] = await fleet(server, control, ids, seconds, redis, shared=shared)
    return runs


def _share(ok: int, limited: int) -> float:
    return 100.0 * limited / (ok + limited) if ok + limited else 0.0


@dataclass(frozen=True)
class Figures:
    """A fleet's sum over its window: each consecutive sub-window, and the whole."""

    rates: list[float]  # successes/s in each sub-window
    shares: list[float]  # % of the answers in each sub-window that were 429
    ok: int
    limited: int
    seconds: float

    @classmethod
    def of(cls, trace: Trace, windows: int) -> Figures:
        width = trace.seconds / windows
        counts = [
            (
                trace.within(trace.successes, low, low + width),
                trace.within(trace.throttled, low, low + width),
            )
            for low in (index * width for index in range(windows))
        ]
        return cls(
            [ok / width for ok, _ in counts],
            [_share(ok, limited) for ok, limited in counts],
            trace.within(trace.successes, 0.0, trace.seconds),
            trace.within(trace.throttled, 0.0, trace.seconds),
            trace.seconds,
        )

    @property
    def sustained(self) -> float:
        return self.ok / self.seconds

    @property
    def share(self) -> float:
        return _share(self.ok, self.limited)


def run(quick: bool, results: Path) -> Outcome:
    seconds, windows = (12.0, 3) if quick else (30.0, 5)
    started = time.perf_counter()
    pin_client()
    with RedisServer(cpu=CLIENT_CPU) as redis:
        runs = asyncio.run(measure(seconds, redis))
    figures = {mode: Figures.of(fleet_run.merged, windows) for mode, fleet_run in runs.items()}
    ours, alone = figures["coordinated"], figures["uncoordinated"]
    targets = [
        Target(
            f"fleet >= {0.9 * RATE:.0f} req/s over {seconds:.0f} s",
            f"{ours.sustained:.1f} req/s ({ours.ok:,} successes in {seconds:.0f} s; "
            f"uncoordinated {alone.sustained:.1f})",
            ours.sustained >= 0.9 * RATE,
        ),
        Target(
            "<= 1% of the fleet's requests answered 429",
            f"{ours.share:.2f}% ({ours.limited:,} of {ours.ok + ours.limited:,}; "
            f"uncoordinated {alone.share:.1f}%)",
            ours.share <= 1.0,
        ),
    ]
    notes = [
        f"Server limit {RATE:.0f} req/s per API client (bucket of one second's worth; 429s "
        f"without Retry-After): at most {RATE + RATE / seconds:.1f} successes/s over the "
        f"window, a full bucket then the rate. {PROCESSES} processes x {TASKS} tasks on one "
        "API client, "
        f"{PATIENTS:,} patients; one {seconds:.0f}-s window per mode, coordinated then "
        f"uncoordinated, each after {REFILL} s idle (a full bucket); samples = {windows} "
        f"consecutive {seconds / windows:.0f}-s windows of the fleet's sum.",
    ]
    for mode, fleet_run in runs.items():
        notes += [_summary(mode, fleet_run), cross_check(mode, fleet_run.merged)]
    opening = "the requests in flight when the fleet's slow start first met the limit"
    notes += diagnose(runs["coordinated"].merged, seconds, "the coordinated fleet", opening)
    return Outcome(
        scenario=SCENARIO,
        description=(
            f"the successful requests/s of {PROCESSES} processes x {TASKS} tasks on one API "
            f"client against a {RATE:.0f} req/s server limit without Retry-After: clients "
            "coordinated through Redis vs each limiting itself alone"
        ),
        rows=_rows(runs, figures, windows),
        targets=targets,
        notes=notes,
        plots=[_plot(runs, results)],
        seconds=time.perf_counter() - started,
    )


def _rows(runs: dict[str, Run], figures: dict[str, Figures], windows: int) -> list[Row]:
    seconds = figures["coordinated"].seconds
    setting, whole = f"per {seconds / windows:.0f}-s window", f"over {seconds:.0f} s"
    reference = statistics.median(figures["uncoordinated"].rates)
    rows = [
        Row(
            mode,
            f"fleet successes/s {setting}",
            "req/s",
            Spread.of(figure.rates),
            ratio(statistics.median(figure.rates), reference),
            1,
        )
        for mode, figure in figures.items()
    ]
    rows += [
        Row(mode, f"429 share {setting}", "%", Spread.of(figure.shares), digits=2)
        for mode, figure in figures.items()
    ]
    for mode, fleet_run in runs.items():
        figure = figures[mode]
        own = [
            trace.within(trace.successes, 0.0, seconds) / seconds for trace in fleet_run.processes
        ]
        tokens = fleet_run.merged.server["tokens_issued"]
        rows += [
            Row(
                mode, f"fleet successes/s {whole}", "req/s", Spread.of([figure.sustained]), digits=1
            ),
            Row(mode, f"429 share {whole}", "%", Spread.of([figure.share]), digits=2),
            Row(mode, f"successes/s of each process {whole}", "req/s", Spread.of(own), digits=1),
            Row(mode, "token requests (server's count)", "requests", Spread.of([tokens])),
        ]
    return rows


def _plot(runs: dict[str, Run], results: Path) -> Path:
    seconds = runs["coordinated"].merged.seconds
    lines: dict[str, tuple[Sequence[float], Sequence[float]]] = {}
    for mode, fleet_run in runs.items():
        lines[f"{mode}: 200/s"] = per_second(fleet_run.merged.successes, seconds)
    for mode, fleet_run in runs.items():
        lines[f"{mode}: 429/s"] = per_second(fleet_run.merged.throttled, seconds)
    for mode, what in (("coordinated", "shared rate"), ("uncoordinated", "sum of own rates")):
        samples = [(t, min(rate, PLOT_CAP)) for t, rate in runs[mode].merged.rates if t < seconds]
        name = f"{mode}: {what} (cut at {PLOT_CAP:.0f})"
        lines[name] = ([t for t, _ in samples], [rate for _, rate in samples])
    return series(
        lines,
        results / "fleet.png",
        f"{PROCESSES} processes x {TASKS} tasks, one API client, {RATE:.0f} req/s limit, "
        "no Retry-After",
        xlabel="seconds into the window",
        ylabel="requests per second",
        reference=(RATE, f"server limit {RATE:.0f} req/s"),
    )


def _summary(mode: str, fleet_run: Run) -> str:
    client = fleet_run.merged.client
    own = ", ".join(
        f"{len(trace.successes):,}/{len(trace.throttled):,}" for trace in fleet_run.processes
    )
    text = (
        f"{mode}: ClientStats summed over the processes: 429s {client['rate_limited']}, pauses "
        f"{client['pauses']}, rate decreases {client['rate_decreases']}, retries "
        f"{client['retries']}, retry budget exhausted {client['retry_budget_exhausted']}, token "
        f"requests {client['token_requests']}, fleet outages {client['fleet_outages']}; each "
        f"process's successes/429s (tail included): {own}; CPU used over the window, in "
        "cores: " + ", ".join(f"{name} {share:.2f}" for name, share in fleet_run.cpu.items())
    )
    failed = fleet_run.merged.failures
    if failed:
        text += f"; {len(failed)} calls raised ({dict(fleet_run.merged.errors)})"
    return text


if __name__ == "__main__":
    sys.exit(standalone(run, __doc__.split("\n\n")[0]))
