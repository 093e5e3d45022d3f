"""Rate-bound: does WelkinClient, told nothing about the limit, sustain the server's rate?

The emulator (``bench/_server.py``, pinned to the first core) admits ``RATE`` = 50 requests/s per
API client (a token bucket of one second's worth) and answers the rest 429 with no
``Retry-After``, as the live API does (``../shared/reference/live-api.md``). This process,
pinned to the other core, runs ``WORKERS`` tasks that each call
``GET patients/{id}`` over the seeded patients, one call after another, until the window ends:

- ``welkin``: ``client.patients.get(id)`` on a ``WelkinClient`` with default settings: no
  ``rate_limit``, so its adaptive limiter (``welkin_async/_limits.py``: a 429 steps the rate
  down x0.7; successes raise it again) must find the rate;
- ``raw``: what a user writes by hand: aiohttp with a semaphore of ``WORKERS``, ``json.loads``,
  and on a 429 sleep for ``Retry-After`` (1 s when absent) and try again (per task; nothing
  shared).

Every success and every 429 is timed where it arrives (the client's ``on_response`` hook; the
raw loop itself) and cross-checked against the server's own counts, read after each run (the
counters are zeroed before it). The window is the unit: one run per contender (welkin then raw,
each from a refilled bucket), split into consecutive sub-windows as the samples (median and
range of successes/s); the targets are judged on the whole window:

- welkin sustains >= 0.95 x RATE successful requests/s over the window;
- at most ``MAX_SHARE`` = 0.5% of welkin's requests are answered 429.

The notes say where the 429s came from: the opening burst (the tasks in flight when the still
unlimited client first met the limit: sent before any 429 could come back, so no rule of the
limiter can spare them) and the episodes after it, with the share of those alone.

The ids come from one raw list page before the windows, so listing costs nothing inside them::

    python bench/rate.py            # 60-s windows (5 x 12 s), about 2.1 minutes
    python bench/rate.py --quick    # 15-s windows (3 x 5 s), about 35 s
"""

# A command-line report: printing is its job.

from __future__ import annotations

import asyncio
import itertools
import json
import math
import statistics
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from _harness import (
    TENANT,
    BenchError,
    Outcome,
    Row,
    Server,
    Spread,
    Target,
    fetch_token,
    pin_client,
    ratio,
    serve,
)
from _plots import series
from _report import standalone

from welkin_async import (
    ClientCredentials,
    ClientStats,
    ResponseEvent,
    RetryPolicy,
    WelkinClient,
    WelkinError,
)

SCENARIO = "rate"
RATE = 50.0  # the server's limit, requests/s per API client
MAX_SHARE = 0.5  # percent of welkin's requests answered 429, at most
PATIENTS = 2_000
WORKERS = 16
PATIENT_TEMPLATE = "patients/{patient_id}"  # the path hooks see for patients.get
PATIENT_ROUTE = "GET /patients/{patient_id}"  # the server's key for the same route
# The server's bucket holds one second's worth; an idle gap longer than that before each run
# gives both contenders the same full bucket to start from.
REFILL = 1.5
SAMPLE_EVERY = 0.1  # seconds between readings of welkin's adaptive rate, for the plot


@dataclass
class Trace:
    """What one contender's run saw: seconds (from the window's start) of each answer."""

    successes: list[float] = field(default_factory=list)
    throttled: list[float] = field(default_factory=list)
    failures: list[float] = field(default_factory=list)  # calls that raised (welkin only)
    errors: Counter[str] = field(default_factory=Counter)  # welkin: the failures' error types
    rates: list[tuple[float, float]] = field(default_factory=list)  # (s, req/s) welkin only
    client: dict[str, Any] = field(default_factory=dict)  # welkin's ClientStats, summarised
    server: dict[str, Any] = field(default_factory=dict)  # the server's counts of the run
    seconds: float = 0.0  # the window

    def within(self, times: list[float], start: float, end: float) -> int:
        return sum(1 for t in times if start <= t < end)


async def patient_ids(session: aiohttp.ClientSession, server: Server) -> list[str]:
    """Every seeded patient's id, by hand, in pages of 1,000 (the emulator's largest)."""
    headers = {"Authorization": f"Bearer {await fetch_token(session, server)}"}
    ids: list[str] = []
    for page in range(math.ceil(PATIENTS / 1000)):
        params = {"page": str(page), "size": "1000"}
        url = f"{server.api}/by-filter/patients"
        async with session.post(url, params=params, headers=headers) as response:
            if response.status != 200:
                raise BenchError(f"the patient list was answered {response.status}")
            body = await response.json()
        ids += [str(item["id"]) for item in body["content"]]
    if len(ids) != PATIENTS:
        raise BenchError(f"expected {PATIENTS} patients, got {len(ids)}")
    return ids


async def welkin(server: Server, ids: list[str], seconds: float) -> Trace:
    trace = Trace(seconds=seconds)
    started = time.monotonic()

    def on_response(event: ResponseEvent) -> None:
        if event.path != PATIENT_TEMPLATE:
            return  # the token request
        moment = time.monotonic() - started
        if event.status == 429:
            trace.throttled.append(moment)
        elif 200 <= event.status < 300:
            trace.successes.append(moment)

    credentials = ClientCredentials(server.client_id, server.client_secret)
    # Default settings on purpose: no rate_limit, max_concurrency 32 (above WORKERS).
    async with WelkinClient(
        tenant=TENANT,
        environment="live",
        credentials=credentials,
        base_url=server.url,
        on_response=on_response,
    ) as client:
        deadline = started + seconds

        async def worker(first: int) -> None:
            index = first
            while time.monotonic() < deadline:
                try:
                    await client.patients.get(ids[index % len(ids)])
                except WelkinError as exc:  # a call the client gave up on: count it, go on
                    trace.failures.append(time.monotonic() - started)
                    trace.errors[type(exc).__name__] += 1
                index += WORKERS

        async def sample_rate() -> None:
            while True:
                rate = client.stats.rate_per_second
                trace.rates.append((time.monotonic() - started, math.nan if rate is None else rate))
                await asyncio.sleep(SAMPLE_EVERY)

        sampler = asyncio.create_task(sample_rate())
        await asyncio.gather(*(worker(first) for first in range(WORKERS)))
        sampler.cancel()
        trace.client = stats_summary(client.stats)
    return trace


def stats_summary(stats: ClientStats) -> dict[str, Any]:
    """What the report reads of a client's ``ClientStats``."""
    return {
        "responses": dict(stats.responses),
        "rate_limited": stats.rate_limited,
        "pauses": stats.pauses,
        "rate_decreases": stats.rate_decreases,
        "retries": stats.retries,
        "retry_budget_exhausted": stats.retry_budget_exhausted,
        "token_requests": stats.token_requests,
        "final_rate": stats.rate_per_second,
    }


async def raw(server: Server, ids: list[str], seconds: float) -> Trace:
    """By hand: a fixed semaphore, json.loads, and a per-task sleep of Retry-After on a 429."""
    trace = Trace(seconds=seconds)
    connector = aiohttp.TCPConnector(limit=WORKERS)
    async with aiohttp.ClientSession(connector=connector) as session:
        headers = {"Authorization": f"Bearer {await fetch_token(session, server)}"}
        gate = asyncio.Semaphore(WORKERS)
        started = time.monotonic()
        deadline = started + seconds

        async def get(patient_id: str) -> dict[str, Any]:
            while True:
                async with (
                    gate,
                    session.get(f"{server.api}/patients/{patient_id}", headers=headers) as response,
                ):
                    status, body = response.status, await response.read()
                    retry_after = response.headers.get("Retry-After", "1")
                moment = time.monotonic() - started
                if status == 200:
                    trace.successes.append(moment)
                    patient: dict[str, Any] = json.loads(body)
                    return patient
                if status != 429:
                    raise BenchError(f"raw: a patient was answered {status}")
                trace.throttled.append(moment)
                await asyncio.sleep(float(retry_after))

        async def worker(first: int) -> None:
            index = first
            while time.monotonic() < deadline:
                await get(ids[index % len(ids)])
                index += WORKERS

        await asyncio.gather(*(worker(first) for first in range(WORKERS)))
    return trace


Contender = Callable[[Server, list[str], float], Awaitable[Trace]]
CONTENDERS: dict[str, Contender] = {"welkin": welkin, "raw": raw}


async def measure(server: Server, seconds: float) -> dict[str, Trace]:
    traces: dict[str, Trace] = {}
    async with aiohttp.ClientSession() as control:
        ids = await patient_ids(control, server)
        for name, contender in CONTENDERS.items():  # welkin then raw: one window each
            await asyncio.sleep(REFILL)
            await server.reset(control)
            trace = await contender(server, ids, seconds)
            trace.server = await server.stats(control)
            traces[name] = trace
    return traces


def per_second(times: list[float], seconds: float) -> tuple[list[float], list[float]]:
    """Counts in each whole second of the window, plotted at the second's middle."""
    counts = [0] * math.ceil(seconds)
    for t in times:
        if 0 <= t < seconds:
            counts[int(t)] += 1
    return [index + 0.5 for index in range(len(counts))], [float(c) for c in counts]


def cross_check(name: str, trace: Trace) -> str:
    """The server's count of the run's 200s and 429s against what the contender timed."""
    served = trace.server["requests"].get(PATIENT_ROUTE, 0)
    limited = trace.server["rate_limited"]
    seen = len(trace.successes) + len(trace.throttled)
    agree = served == seen and limited == len(trace.throttled)
    stats = ""
    if trace.client:  # welkin: ClientStats.responses counts the token endpoint's 200 as well
        responses, tokens = trace.client["responses"], trace.client["token_requests"]
        ok = responses.get(200, 0) - tokens
        agree = agree and ok == len(trace.successes) and responses.get(429, 0) == limited
        stats = f"; ClientStats.responses: {ok:,} 200s (token answers excluded), "
        stats += f"{responses.get(429, 0):,} 429s"
    verdict = "agree" if agree else "DISAGREE"
    return (
        f"{name}: server counted {served:,} patient GETs of which {limited:,} answered 429; "
        f"the client timed {len(trace.successes):,} successes and {len(trace.throttled):,} 429s "
        f"(whole run, tail included){stats}: {verdict}"
    )


def run(quick: bool, results: Path) -> Outcome:
    seconds, windows = (15.0, 3) if quick else (60.0, 5)
    width = seconds / windows
    started = time.perf_counter()
    pin_client()
    with serve(PATIENTS, rate=RATE, retry_after="none") as server:
        traces = asyncio.run(measure(server, seconds))
    rows: list[Row] = []
    rates: dict[str, list[float]] = {}
    shares: dict[str, list[float]] = {}
    for name, trace in traces.items():
        rates[name], shares[name] = [], []
        for index in range(windows):
            low, high = index * width, (index + 1) * width
            ok = trace.within(trace.successes, low, high)
            limited = trace.within(trace.throttled, low, high)
            rates[name].append(ok / width)
            shares[name].append(100.0 * limited / (ok + limited) if ok + limited else 0.0)
    setting = f"per {width:.0f}-s window"
    for name in traces:
        rows.append(
            Row(
                name,
                f"successes/s {setting}",
                "req/s",
                Spread.of(rates[name]),
                ratio(statistics.median(rates[name]), statistics.median(rates["raw"])),
                1,
            )
        )
    for name in traces:
        rows.append(Row(name, f"429 share {setting}", "%", Spread.of(shares[name]), digits=2))

    whole: dict[str, tuple[float, float, int, int]] = {}
    for name, trace in traces.items():
        ok = trace.within(trace.successes, 0.0, seconds)
        limited = trace.within(trace.throttled, 0.0, seconds)
        whole[name] = (ok / seconds, 100.0 * limited / max(1, ok + limited), ok, limited)
        rows.append(
            Row(
                name,
                f"successes/s over {seconds:.0f} s",
                "req/s",
                Spread.of([ok / seconds]),
                digits=1,
            )
        )
        rows.append(
            Row(name, f"429 share over {seconds:.0f} s", "%", Spread.of([whole[name][1]]), digits=2)
        )

    sustained, share, ok, limited = whole["welkin"]
    targets = [
        Target(
            f"sustained >= {0.95 * RATE:.1f} req/s over {seconds:.0f} s",
            f"{sustained:.1f} req/s ({ok:,} successes in {seconds:.0f} s; "
            f"raw {whole['raw'][0]:.1f})",
            sustained >= 0.95 * RATE,
        ),
        Target(
            f"<= {MAX_SHARE}% of requests answered 429",
            f"{share:.2f}% ({limited:,} of {ok + limited:,}; raw {whole['raw'][1]:.1f}%)",
            share <= MAX_SHARE,
        ),
    ]

    client = traces["welkin"].client
    final = client["final_rate"]
    notes = [
        f"Server limit {RATE:.0f} req/s per API client (bucket of one second's worth; 429s "
        f"without Retry-After, as the live API answers). {WORKERS} worker tasks per contender, "
        f"{PATIENTS:,} patients; one {seconds:.0f}-s window each, welkin then raw, each after "
        f"{REFILL} s idle (a full bucket); samples = {windows} consecutive {width:.0f}-s windows.",
        f"welkin client stats: 429s {client['rate_limited']}, pauses {client['pauses']}, rate "
        f"decreases {client['rate_decreases']}, retries {client['retries']}, retry budget "
        f"exhausted {client['retry_budget_exhausted']}, adaptive rate at the end "
        + ("unlimited" if final is None else f"{final:.1f} req/s"),
        *(cross_check(name, trace) for name, trace in traces.items()),
    ]
    failed = traces["welkin"].failures
    if failed:
        notes.append(
            f"welkin: {len(failed)} calls raised instead of waiting "
            f"({dict(traces['welkin'].errors)}), at {', '.join(f'{t:.2f}' for t in failed[:8])}"
            f"{' ...' if len(failed) > 8 else ''} s: a burst of 429s drew more retries than "
            f"the retry budget holds (at most {RetryPolicy().budget_reserve:.0f}), so these calls "
            "raised RateLimited at once instead of waiting out the Retry-After pause that every "
            "other task of the client waited out."
        )
    notes += diagnose(traces["welkin"], seconds)

    lines: dict[str, tuple[list[float], list[float]]] = {}
    for name, trace in traces.items():
        lines[f"{name}: 200/s"] = per_second(trace.successes, seconds)
    for name, trace in traces.items():
        lines[f"{name}: 429/s"] = per_second(trace.throttled, seconds)
    samples = [(t, r) for t, r in traces["welkin"].rates if t < seconds]
    lines["welkin: adaptive rate"] = ([t for t, _ in samples], [r for _, r in samples])
    plot = series(
        lines,
        results / "rate.png",
        f"GET patients/{{id}} against a {RATE:.0f} req/s limit, {WORKERS} tasks",
        xlabel="seconds into the window",
        ylabel="requests per second",
        reference=(RATE, f"server limit {RATE:.0f} req/s"),
    )
    return Outcome(
        scenario=SCENARIO,
        description=(
            f"successful requests/s against a {RATE:.0f} req/s server limit, WelkinClient "
            "with no rate configured vs raw aiohttp sleeping Retry-After"
        ),
        rows=rows,
        targets=targets,
        notes=notes,
        plots=[plot],
        seconds=time.perf_counter() - started,
    )


OPENING = "the tasks in flight when the still unthrottled client first hit the limit"


def diagnose(
    trace: Trace, seconds: float, who: str = "welkin", opening: str = OPENING
) -> list[str]:
    """Where ``who``'s 429s came from: the opening burst (``opening`` says what it was), then
    the AIMD sawtooth's episodes."""
    episodes: list[list[float]] = []  # 429s closer than a second to the previous one: one burst
    for moment in (t for t in trace.throttled if t < seconds):
        if episodes and moment - episodes[-1][-1] < 1.0:
            episodes[-1].append(moment)
        else:
            episodes.append([moment])
    if not episodes:
        return [f"{who} saw no 429 inside the window."]
    starts = [episode[0] for episode in episodes]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    idle = sum(1 for count in per_second(trace.successes, seconds)[1] if count == 0)
    rates = [rate for _, rate in trace.rates if not math.isnan(rate)]
    later = [len(episode) for episode in episodes[1:]]
    text = (
        f"{who}'s 429s came in {len(episodes)} episodes: the opening burst at "
        f"{starts[0]:.2f} s ({len(episodes[0])} 429s: {opening})"
    )
    if later:
        opened = episodes[0][-1]
        after = trace.within(trace.successes, opened, seconds) + sum(later)
        text += (
            f", then {len(later)} more ({sum(later)} 429s, {statistics.median(later):.0f} per "
            f"episode median) every {statistics.median(gaps):.1f} s median: after each x0.7 "
            "step the adaptive rate climbs back to the remembered ceiling within 2 s, then "
            f"probes past it until the next 429. After the opening burst, {sum(later)} of "
            f"{after:,} requests were answered 429 ({100.0 * sum(later) / after:.2f}%)"
        )
    text += f"; whole seconds without a success: {idle}"
    if rates:
        text += f"; adaptive rate ranged {min(rates):.1f}..{max(rates):.1f} req/s"
    return [text + "."]


if __name__ == "__main__":
    sys.exit(standalone(run, __doc__.split("\n\n")[0]))
