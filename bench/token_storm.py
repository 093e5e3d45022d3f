"""Token storm: 1,000 tasks find the token expired at once; how many token requests, how late?

The emulator (``bench/_server.py``, pinned to the first core) issues tokens that live ``TTL``
seconds. Each round opens a fresh ``WelkinClient`` with the default settings a user gets
(``max_concurrency=32``, no rate limit) and makes one request, which fetches the token. Then,
on that client, three bursts of 1,000 tasks started together, each ``client.patients.get`` of a
seeded patient, each task timed from the common start to its completion:

- **valid** (the baseline): the token is fresh. The client refreshes a token at half its
  lifetime when that is sooner than its usual 60 s lead, so a burst must end before ``TTL / 2``;
  the round checks that the valid bursts made no token request.
- **storm**: the round sleeps until the token has expired by the client's own clock (the cache
  counts the lifetime from ``expires_in`` on ``time.monotonic``), zeroes the server's counters,
  and runs the burst: every task finds the token expired and goes for a new one.
- **valid again**, at once, with the storm's new token: valid, storm, valid brackets the storm,
  so drift between the bursts cancels, and the two valid bursts' difference is the noise floor.

Targets: exactly one token request per storm, counted by the server (``tokens_issued``) and by
the client (``stats.token_requests``), in every round; p99 added latency, p99(storm) minus the
valid bursts' mean p99 of the same round, under two token round-trips. The round-trip is the
median of 20 sequential token requests made by hand with aiohttp (``_harness.fetch_token``),
same server, same run, on a warm keep-alive connection, as the client's refresh is.

Where the time goes: each task's moment past the token cache (by wrapping the one client's
cache method for the measurement), the mean number of requests in flight, and this process's
CPU time per burst, which other processes' load on the machine does not inflate::

    python bench/token_storm.py            # 7 rounds, about 25 s
    python bench/token_storm.py --quick    # 3 rounds, about 12 s
"""

# A command-line report: printing is its job.

from __future__ import annotations

import asyncio
import gc
import math
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

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
from _plots import bars, series
from _report import standalone

from welkin_async import ClientCredentials, ResponseEvent, WelkinClient

SCENARIO = "token_storm"
PATIENTS = 200
TASKS = 1_000
# Long enough that a valid-token burst (0.1 to 0.6 s on the 2-core VM) ends well before the
# client's refresh point at TTL / 2, short enough that each round's wait for expiry is short.
TTL = 3.0
EXPIRY_MARGIN = 0.05  # seconds past the client's expiry time: "expired" beyond doubt
TOKEN_SAMPLES = 20
PATIENT_TEMPLATE = "patients/{patient_id}"  # the path hooks see for patients.get
MS = 1000.0


@dataclass(frozen=True)
class Phase:
    """One burst of ``TASKS`` gets: per-task seconds from the common start, and how busy."""

    latencies: list[float]  # start -> the task's get returned
    token_ready: list[float]  # start -> the task held a token (before it queues for a slot)
    in_flight: float  # mean requests in flight over the burst (Little's law)
    cpu: float  # this process's CPU seconds for the burst: immune to other processes' load


@dataclass(frozen=True)
class Round:
    """A B A: valid token, storm, valid token again (the new one), on one client."""

    valid: Phase
    storm: Phase
    after: Phase
    server_tokens: int  # tokens the server issued during the storm
    client_tokens: int  # token requests the client sent during the storm
    valid_tokens: int  # token requests during the two valid bursts (must be 0)
    replays: int  # 401 replays during the storm (must be 0: the client knew it had expired)


class Busy:
    """An ``on_response`` hook summing attempt times: their sum over the makespan is the mean
    number of requests in flight, which shows whether the 32 slots were kept busy."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, event: ResponseEvent) -> None:
        if event.path == PATIENT_TEMPLATE:
            self.seconds += event.elapsed


def percentile(samples: list[float], q: float) -> float:
    """The ``q``-th percentile (nearest rank: a latency some task really had)."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


async def patient_ids(session: aiohttp.ClientSession, server: Server, count: int) -> list[str]:
    headers = {"Authorization": f"Bearer {await fetch_token(session, server)}"}
    url = f"{server.api}/by-filter/patients"
    async with session.post(url, params={"page": "0", "size": str(count)}, headers=headers) as r:
        if r.status != 200:
            raise BenchError(f"the patient list was answered {r.status}")
        body = await r.json()
    ids = [str(item["id"]) for item in body["content"]]
    if len(ids) != count:
        raise BenchError(f"expected {count} patients, got {len(ids)}")
    return ids


async def token_round_trip(session: aiohttp.ClientSession, server: Server) -> list[float]:
    """Seconds per token request, sequential, on a warm connection (one unmeasured first)."""
    await fetch_token(session, server)
    samples = []
    for _ in range(TOKEN_SAMPLES):
        started = time.perf_counter()
        await fetch_token(session, server)
        samples.append(time.perf_counter() - started)
    return samples


async def burst(client: WelkinClient, busy: Busy, ids: list[str]) -> Phase:
    """``TASKS`` concurrent gets started together, timed from the common start."""
    ready: list[float] = []
    # Where the storm's time goes: when each task got past the token cache. This wraps the
    # private cache of this one client instance, for the measurement only (nothing else changes).
    cache = client._tokens
    cached_get = cache.get

    async def timed_get() -> str:
        token = await cached_get()
        ready.append(time.perf_counter() - started)
        return token

    busy.seconds = 0.0
    cache.get = timed_get  # type: ignore[method-assign]
    # Every burst starts from the same collector state: left alone, a full collection lands
    # in some bursts and not others and adds up to 100 ms to them, far above the effect measured.
    gc.collect()
    cpu = time.process_time()
    started = time.perf_counter()

    async def one(patient_id: str) -> float:
        await client.patients.get(patient_id)
        return time.perf_counter() - started

    try:
        latencies = list(
            await asyncio.gather(*(one(ids[index % len(ids)]) for index in range(TASKS)))
        )
    finally:
        del cache.get  # back to the class's method
    cpu = time.process_time() - cpu
    return Phase(latencies, ready, busy.seconds / max(latencies), cpu)


def open_client(server: Server, busy: Busy) -> WelkinClient:
    credentials = ClientCredentials(server.client_id, server.client_secret)
    # Defaults on purpose (max_concurrency=32, no rate limit): what a user gets.
    return WelkinClient(
        tenant=TENANT,
        environment="live",
        credentials=credentials,
        base_url=server.url,
        on_response=busy,
    )


async def one_round(server: Server, control: aiohttp.ClientSession, ids: list[str]) -> Round:
    busy = Busy()
    async with open_client(server, busy) as client:
        await client.patients.get(ids[0])  # fetches the token
        # The cache stamps the token before it asks for it, so it expires at the latest
        # TTL after this point (the server's ``exp`` is truncated to whole seconds: earlier).
        expires_by = time.monotonic() + TTL
        before = client.stats.token_requests
        valid = await burst(client, busy, ids)
        valid_tokens = client.stats.token_requests - before
        await asyncio.sleep(max(0.0, expires_by + EXPIRY_MARGIN - time.monotonic()))
        await server.reset(control)
        before, replays = client.stats.token_requests, client.stats.replays
        storm = await burst(client, busy, ids)
        client_tokens = client.stats.token_requests - before
        replays = client.stats.replays - replays
        counted = await server.stats(control)
        before = client.stats.token_requests
        after = await burst(client, busy, ids)  # the storm's fresh token, again far from TTL/2
        valid_tokens += client.stats.token_requests - before
    return Round(
        valid, storm, after, counted["tokens_issued"], client_tokens, valid_tokens, replays
    )


async def measure(server: Server, rounds: int) -> tuple[list[Round], list[float]]:
    async with aiohttp.ClientSession() as control:
        ids = await patient_ids(control, server, PATIENTS)
        busy = Busy()
        async with open_client(server, busy) as client:  # warm-up: imports, structuring, caches
            await burst(client, busy, ids)
        measured = [await one_round(server, control, ids) for _ in range(rounds)]
        # After the rounds: the abuse rule (100 token requests per 5 minutes) is far off.
        trips = await token_round_trip(control, server)
    return measured, trips


def _ms(values: list[float]) -> Spread:
    return Spread.of([value * MS for value in values])


def _cdf(samples: list[float]) -> tuple[list[float], list[float]]:
    ordered = sorted(samples)
    return [x * MS for x in ordered], [(i + 1) / len(ordered) for i in range(len(ordered))]


def run(quick: bool, results: Path) -> Outcome:
    rounds = 3 if quick else 7
    started = time.perf_counter()
    pin_client()
    with serve(PATIENTS, token_ttl=TTL) as server:
        measured, trips = asyncio.run(measure(server, rounds))
    rtt = statistics.median(trips)

    def each(phase: str, values: str, q: float) -> list[float]:
        return [percentile(getattr(getattr(r, phase), values), q) for r in measured]

    def bracket(values: str, q: float) -> list[float]:
        """The valid-token figure of each round: the mean of the bursts before and after B."""
        before, after = each("valid", values, q), each("after", values, q)
        return [(b + a) / 2 for b, a in zip(before, after, strict=True)]

    def minus(storm: list[float], valid: list[float]) -> list[float]:
        return [b - a for b, a in zip(storm, valid, strict=True)]

    p50_valid, p50_storm = bracket("latencies", 50), each("storm", "latencies", 50)
    p99_valid, p99_storm = bracket("latencies", 99), each("storm", "latencies", 99)
    ready_valid, ready_storm = bracket("token_ready", 99), each("storm", "token_ready", 99)
    added = minus(p99_storm, p99_valid)
    null = minus(each("after", "latencies", 99), each("valid", "latencies", 99))
    server_tokens = [r.server_tokens for r in measured]
    client_tokens = [r.client_tokens for r in measured]
    busy_valid = [(r.valid.in_flight + r.after.in_flight) / 2 for r in measured]
    busy_storm = [r.storm.in_flight for r in measured]
    cpu_valid = [(r.valid.cpu + r.after.cpu) / 2 for r in measured]
    cpu_storm = [r.storm.cpu for r in measured]
    added_cpu = minus(cpu_storm, cpu_valid)

    def against(storm: list[float], valid: list[float]) -> str:
        return ratio(statistics.median(storm), statistics.median(valid))

    rows = [
        Row("token valid", "p50", "ms", _ms(p50_valid), digits=1),
        Row("token expired", "p50", "ms", _ms(p50_storm), against(p50_storm, p50_valid), 1),
        Row("token valid", "p99", "ms", _ms(p99_valid), digits=1),
        Row("token expired", "p99", "ms", _ms(p99_storm), against(p99_storm, p99_valid), 1),
        Row("expired - valid", "added p99", "ms", _ms(added), digits=1),
        Row("valid after - valid before", "p99 (noise floor)", "ms", _ms(null), digits=1),
        Row("token valid", "p99 token in hand", "ms", _ms(ready_valid), digits=1),
        Row(
            "token expired",
            "p99 token in hand",
            "ms",
            _ms(ready_storm),
            against(ready_storm, ready_valid),
            1,
        ),
        Row("token valid", "mean requests in flight", "requests", Spread.of(busy_valid), digits=1),
        Row(
            "token expired",
            "mean requests in flight",
            "requests",
            Spread.of(busy_storm),
            against(busy_storm, busy_valid),
            1,
        ),
        Row("token valid", "client CPU per burst", "ms", _ms(cpu_valid), digits=0),
        Row(
            "token expired",
            "client CPU per burst",
            "ms",
            _ms(cpu_storm),
            against(cpu_storm, cpu_valid),
            0,
        ),
        Row("raw aiohttp", "token round-trip", "ms", _ms(trips), digits=2),
        Row("storm", "token requests (server)", "requests", Spread.of(server_tokens)),
        Row("storm", "token requests (client)", "requests", Spread.of(client_tokens)),
    ]
    exactly_one = all(s == 1 and c == 1 for s, c in zip(server_tokens, client_tokens, strict=True))
    added_median = statistics.median(added)
    targets = [
        Target(
            "exactly 1 token request per storm of 1,000 tasks, in every round",
            f"server {server_tokens}, client {client_tokens} over {rounds} rounds",
            exactly_one,
        ),
        Target(
            "p99 added latency < 2 token round-trips",
            f"p99(expired) - p99(valid) = {added_median * MS:.1f} ms median "
            f"({min(added) * MS:.1f}..{max(added) * MS:.1f}) vs 2 x {rtt * MS:.2f} ms "
            f"= {2 * rtt * MS:.2f} ms ({added_median / rtt:.1f} round-trips); noise floor "
            f"(valid after - valid before) {_ms(null).show(1)} ms",
            added_median < 2 * rtt,
        ),
    ]
    makespan = statistics.median(max(r.storm.latencies) for r in measured)
    notes = [
        f"{TASKS:,} tasks per burst, WelkinClient defaults (max_concurrency=32, no rate limit), "
        f"token lifetime {TTL:.0f} s, {rounds} rounds after a warm-up burst, {PATIENTS} seeded "
        "patients. Each round, on one client: a burst with the token valid, a wait until it "
        "has expired, the storm, and a burst with the storm's new token; 'token valid' is the "
        "mean of the two bursts around the storm (drift between them cancels).",
        "Latency = each task's time from the common start to its completion: 1,000 gets pass "
        "32 slots, so a burst's p99 is close to its makespan. The noise floor row is the same "
        "p99 difference between the two valid bursts of a round, where nothing changed: an "
        "added p99 within its range is not distinguishable from noise.",
        "'token in hand' = time from the start until the task got past the client's token cache "
        "(instrumented by wrapping that one client's cache method), before it queues for a "
        f"slot. Storm minus valid: {_ms(minus(ready_storm, ready_valid)).show(1)} ms. 'mean "
        "requests in flight' = sum of attempt times / makespan (32 = slots never idle). "
        f"'client CPU' = this process's CPU time per burst; storm minus valid: "
        f"{_ms(added_cpu).show(1)} ms.",
        f"Token round-trip: median of {TOKEN_SAMPLES} sequential raw aiohttp token requests on a "
        "warm connection, same server, same run.",
    ]
    if statistics.median(minus(ready_storm, ready_valid)) > 2 * rtt:
        notes.append(
            "Where the storm's time goes: the refresh is one token request; the 999 tasks "
            "waiting for it leave TokenCache's asyncio.Lock one per event-loop turn; the "
            "99th-percentile "
            f"task holds its token {statistics.median(ready_storm) * MS:.0f} ms after the start "
            f"(valid token: {statistics.median(ready_valid) * MS:.0f} ms; storm makespan "
            f"{makespan * MS:.0f} ms), and requests leave about one per turn instead of in "
            "batches. Mean requests in flight per storm "
            f"{[round(value, 1) for value in busy_storm]} vs "
            f"{[round(value, 1) for value in busy_valid]} with a valid token, and "
            f"{statistics.median(added_cpu) * MS:.0f} ms more client CPU per burst (median)."
        )
    if any(r.valid_tokens for r in measured):
        notes.append(
            "A valid-token burst made token requests in some round ("
            + ", ".join(str(r.valid_tokens) for r in measured)
            + "): it ran past the client's refresh point at TTL/2; that baseline is not clean."
        )
    if any(r.replays for r in measured):
        notes.append(f"401 replays during storms: {[r.replays for r in measured]}.")
    plot_rows = [
        Row(name, f"round {index + 1}", "ms", Spread.of([values[index] * MS]))
        for name, values in (("token valid", p99_valid), ("token expired", p99_storm))
        for index in range(rounds)
    ]
    per_round = bars(
        plot_rows,
        results / "token_storm_p99.png",
        f"p99 latency of {TASKS:,} concurrent gets per round (2 token RTT = {2 * rtt * MS:.1f} ms)",
        ylabel="p99 ms from the common start",
    )
    middle = sorted(range(rounds), key=lambda index: added[index])[rounds // 2]
    chosen = measured[middle]
    cdf = series(
        {
            "token valid: done": _cdf(chosen.valid.latencies),
            "token expired: done": _cdf(chosen.storm.latencies),
            "token valid: token in hand": _cdf(chosen.valid.token_ready),
            "token expired: token in hand": _cdf(chosen.storm.token_ready),
        },
        results / "token_storm_cdf.png",
        f"{TASKS:,} tasks, token valid vs expired (round {middle + 1}: the median added p99)",
        xlabel="ms from the common start",
        ylabel="fraction of tasks",
    )
    return Outcome(
        scenario=SCENARIO,
        description=(
            f"{TASKS:,} tasks start with an expired token: token requests per storm, and p99 "
            "latency added over the same tasks with a valid token"
        ),
        rows=rows,
        targets=targets,
        notes=notes,
        plots=[per_round, cdf],
        seconds=time.perf_counter() - started,
    )


if __name__ == "__main__":
    sys.exit(standalone(run, __doc__.split("\n\n")[0]))
