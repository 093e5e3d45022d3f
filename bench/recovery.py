"""Recovery: after one 429 at start-up, does WelkinClient get back to full speed at once?

The live API answers 429 without ``Retry-After``. As the very first answer a client sees, such
a 429 tells it nothing of the server's limit; the adaptive rate (``welkin_async/_limits.py``)
steps down from the rate the client was *sending* at and is back to unlimited within
``QUICK_RECOVERY_SECONDS``. This scenario measures what that costs against a healthy server.

The emulator (``bench/_server.py``, pinned to the first core, no rate limit) serves ``PATIENTS``
patients. Each round opens a fresh ``WelkinClient`` with the default settings a user gets
(``max_concurrency=32``, no rate limit) on a transport wrapper (:class:`OneThrottle`) around the
real ``AiohttpTransport``, takes its token *before* the timer (through the client's token cache,
which does not touch the limiter), then times a burst of ``TASKS`` concurrent
``client.patients.get(id)`` started together, from the common start until the last returns:

- **one 429 at start-up**: the first API answer of the burst is replaced by a 429 with no
  ``Retry-After`` (the live API's ``[{"errorCode":"TOO_MANY_REQUESTS"}]``). The request really
  went to the emulator, so the 429 arrives after a real round trip, with the rest of the first
  32 in flight, as a server's would; the client retries that get (idempotent) after its back-off;
- **no 429** (the baseline): the same wrapper with the 429 disabled, so both pay its overhead.

The two alternate A B, B A after a warm-up of each. Every get must return the patient asked
for, and the client's stats must show exactly the 429s served (1 or 0). Notes give the rate
the client stepped down to and how long after the 429 it was unlimited again.

Target: after one 429 at start-up, >= 0.9x the requests/s of a client that saw none (the ratio
of the medians; the per-round ratios are shown with their range)::

    python bench/recovery.py            # 11 rounds, about 25 s
    python bench/recovery.py --quick    # 5 rounds, about 10 s
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
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
    alternate,
    fetch_token,
    pin_client,
    ratio,
    serve,
)
from _report import standalone

from welkin_async import ClientCredentials, ClientStats, Timeouts, WelkinClient
from welkin_async._transport import AiohttpTransport, RawResponse

SCENARIO = "recovery"
PATIENTS = 200
TASKS = 1_000
MAX_CONCURRENCY = 32  # WelkinClient's default, and the wrapped transport's pool
REPEATS, QUICK_REPEATS = 11, 5
PATIENT_TEMPLATE = "patients/{patient_id}"  # the template the transport sees for patients.get
THROTTLED = RawResponse(
    429, {"Content-Type": "application/json"}, b'[{"errorCode":"TOO_MANY_REQUESTS"}]'
)
THROTTLED_NAME, BASELINE_NAME = "one 429 at start-up", "no 429"
UNIT = "requests/s"
MS = 1000.0


class OneThrottle:
    """A ``Transport``: the real aiohttp one, except that with ``throttle`` the first API answer
    to come back is replaced by a 429 with no ``Retry-After``. Token requests pass untouched.

    After the 429 it reads the client's adaptive rate at each send (``stats``, set once the
    client exists): the lowest rate it sent under, and when the client was unlimited again.
    """

    def __init__(self, *, throttle: bool) -> None:
        self._inner = AiohttpTransport(max_connections=MAX_CONCURRENCY, timeouts=Timeouts())
        self._armed = throttle
        self.stats: ClientStats | None = None
        self.served_429 = 0
        self.sent = 0  # API requests sent so far
        self.answered = 0  # API answers returned so far
        self.in_flight_at_429 = 0  # API requests sent but unanswered when the 429 came back
        self.throttled_at: float | None = None  # perf_counter of the 429
        self.lowest_rate: float | None = None  # requests/s, the lowest sent under after the 429
        self.unlimited_after: float | None = None  # seconds from the 429 to unlimited again

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: bytes | None,
        template: str,
        timeouts: Timeouts | None = None,
    ) -> RawResponse:
        if template != PATIENT_TEMPLATE:
            return await self._inner.send(
                method, url, headers=headers, body=body, template=template
            )
        self._observe_rate()
        self.sent += 1
        response = await self._inner.send(
            method, url, headers=headers, body=body, template=template
        )
        self.answered += 1
        if self._armed:
            self._armed = False
            self.served_429 += 1
            self.in_flight_at_429 = self.sent - self.answered
            self.throttled_at = time.perf_counter()
            return THROTTLED
        return response

    def _observe_rate(self) -> None:
        if self.throttled_at is None or self.unlimited_after is not None or self.stats is None:
            return
        rate = self.stats.rate_per_second
        if rate is None:
            if self.lowest_rate is not None:  # was limited after the 429, is not any more
                self.unlimited_after = time.perf_counter() - self.throttled_at
        elif self.lowest_rate is None or rate < self.lowest_rate:
            self.lowest_rate = rate

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass(frozen=True)
class Burst:
    """One timed burst of ``TASKS`` gets on a fresh client: what it took and what it saw."""

    seconds: float
    started_to_429: float | None  # seconds from the start to the 429
    in_flight_at_429: int
    served_429: int
    rate_limited: int  # ClientStats
    rate_decreases: int
    retries: int
    final_rate: float | None  # ClientStats.rate_per_second at the end (None: unlimited)
    lowest_rate: float | None
    unlimited_after: float | None


async def patient_ids(session: aiohttp.ClientSession, server: Server) -> list[str]:
    """The seeded patients' ids, by hand (one list page), before any timing."""
    headers = {"Authorization": f"Bearer {await fetch_token(session, server)}"}
    url = f"{server.api}/by-filter/patients"
    params = {"page": "0", "size": str(PATIENTS)}
    async with session.post(url, params=params, headers=headers) as response:
        if response.status != 200:
            raise BenchError(f"the patient list was answered {response.status}")
        body = await response.json()
    ids = [str(item["id"]) for item in body["content"]]
    if len(ids) != PATIENTS:
        raise BenchError(f"expected {PATIENTS} patients, got {len(ids)}")
    return ids


async def burst(server: Server, ids: list[str], *, throttle: bool) -> Burst:
    transport = OneThrottle(throttle=throttle)
    # Default settings on purpose (max_concurrency=32, no rate limit): what a user gets.
    async with WelkinClient(
        tenant=TENANT,
        environment="live",
        credentials=ClientCredentials(server.client_id, server.client_secret),
        base_url=server.url,
        transport=transport,
    ) as client:
        transport.stats = client.stats
        # The token before the timer, through the client's own cache (private; for the
        # measurement only): the limiter sees nothing, so the 429 is its very first answer.
        await client._tokens.get()
        wanted = [ids[index % len(ids)] for index in range(TASKS)]
        gc.collect()  # every burst starts from the same collector state
        started = time.perf_counter()
        patients = await asyncio.gather(*(client.patients.get(pid) for pid in wanted))
        seconds = time.perf_counter() - started
        stats = client.stats
    got = [str(patient.id) for patient in patients]
    if got != wanted:
        raise BenchError(f"{sum(a != b for a, b in zip(got, wanted, strict=True))} wrong patients")
    if stats.rate_limited != transport.served_429:
        raise BenchError(
            f"the client counted {stats.rate_limited} 429s, the wrapper served "
            f"{transport.served_429}"
        )
    at = transport.throttled_at
    return Burst(
        seconds=seconds,
        started_to_429=None if at is None else at - started,
        in_flight_at_429=transport.in_flight_at_429,
        served_429=transport.served_429,
        rate_limited=stats.rate_limited,
        rate_decreases=stats.rate_decreases,
        retries=stats.retries,
        final_rate=stats.rate_per_second,
        lowest_rate=transport.lowest_rate,
        unlimited_after=transport.unlimited_after,
    )


def contender(
    server: Server, ids: list[str], throttle: bool, seen: list[Burst]
) -> Callable[[], Awaitable[float]]:
    async def one() -> float:
        result = await burst(server, ids, throttle=throttle)
        seen.append(result)
        return TASKS / result.seconds

    return one


async def measure(server: Server, repeats: int) -> tuple[dict[str, list[float]], list[Burst]]:
    async with aiohttp.ClientSession() as control:
        ids = await patient_ids(control, server)
    throttled: list[Burst] = []
    baseline: list[Burst] = []
    contenders = {
        THROTTLED_NAME: contender(server, ids, True, throttled),
        BASELINE_NAME: contender(server, ids, False, baseline),
    }
    # One token per client: 2 x (repeats + 1) + 1 stays far under the emulator's abuse rule
    # (100 token requests per client per 5 minutes).
    samples = await alternate(contenders, repeats)
    del throttled[0], baseline[0]  # the warm-up bursts
    if any(b.served_429 or b.rate_limited or b.rate_decreases for b in baseline):
        raise BenchError("the baseline client saw a 429 or stepped its rate down")
    return samples, throttled


def _fmt_rate(rate: float | None) -> str:
    return "unlimited" if rate is None else f"{rate:,.0f} req/s"


def _spread_note(values: list[float], scale: float = 1.0, digits: int = 0) -> str:
    return Spread.of([value * scale for value in values]).show(digits)


def run(quick: bool, results: Path) -> Outcome:
    from _plots import bars  # matplotlib only when plotting

    started = time.perf_counter()
    repeats = QUICK_REPEATS if quick else REPEATS
    pin_client()
    with serve(PATIENTS) as server:
        samples, throttled = asyncio.run(measure(server, repeats))
    one, none = samples[THROTTLED_NAME], samples[BASELINE_NAME]
    medians = {name: statistics.median(values) for name, values in samples.items()}
    per_round = [a / b for a, b in zip(one, none, strict=True)]
    achieved = medians[THROTTLED_NAME] / medians[BASELINE_NAME]
    rows = [
        Row(BASELINE_NAME, f"{TASKS:,} gets, fresh client", UNIT, Spread.of(none), "1.00x"),
        Row(
            THROTTLED_NAME,
            f"{TASKS:,} gets, fresh client",
            UNIT,
            Spread.of(one),
            ratio(medians[THROTTLED_NAME], medians[BASELINE_NAME]),
        ),
        Row("one 429 / no 429", "same round", "ratio", Spread.of(per_round), digits=2),
    ]
    targets = [
        Target(
            "after one 429 at start-up, >= 0.9x the throughput of a client that saw none",
            f"{achieved:.2f}x (ratio of medians; per round {Spread.of(per_round).show(2)})",
            achieved >= 0.9,
        )
    ]
    decreases = sorted({b.rate_decreases for b in throttled})
    finals = sorted({_fmt_rate(b.final_rate) for b in throttled})
    lowest = [b.lowest_rate for b in throttled if b.lowest_rate is not None]
    recovered = [b.unlimited_after for b in throttled if b.unlimited_after is not None]
    arrived = [b.started_to_429 for b in throttled if b.started_to_429 is not None]
    notes = [
        f"{TASKS:,} concurrent client.patients.get per burst over {PATIENTS} seeded patients; a "
        f"fresh WelkinClient per burst with its defaults (max_concurrency={MAX_CONCURRENCY}, no "
        f"rate limit) on a transport wrapper around AiohttpTransport; {repeats} rounds A B, B A "
        "after a warm-up of each. The token is fetched before the timer; the timer covers the "
        "burst only (new connections included, for both).",
        "one 429 at start-up: the first API answer to come back is replaced by a 429 without "
        f"Retry-After, {_spread_note(arrived, MS, 1)} ms into the burst with "
        f"{Spread.of([b.in_flight_at_429 for b in throttled]).show()} other gets in flight; the "
        f"client retried it ({sorted({b.retries for b in throttled})} retries per burst).",
        f"Client stats after the 429 (per round): rate_decreases {decreases}, rate_limited "
        f"{sorted({b.rate_limited for b in throttled})}, final rate_per_second {finals}; "
        + (
            f"lowest rate sent under {_spread_note(lowest)} req/s"
            if lowest
            else "no send went out under a finite rate"
        )
        + (
            f", unlimited again {_spread_note(recovered, MS)} ms after the 429 "
            f"({len(recovered)} of {len(throttled)} rounds within the burst)"
            if recovered
            else ""
        )
        + f"; the no-429 burst takes {statistics.median(TASKS / r for r in none) * MS:.0f} ms.",
    ]
    plot = bars(rows[:2], results / "recovery.png", f"{TASKS:,} gets after one 429 vs none")
    return Outcome(
        scenario=SCENARIO,
        description=(
            f"{TASKS:,} gets on a fresh client against a healthy emulator, after one 429 without "
            "Retry-After as the first answer, against a client that saw none"
        ),
        rows=rows,
        targets=targets,
        notes=notes,
        plots=[plot],
        seconds=time.perf_counter() - started,
    )


if __name__ == "__main__":
    sys.exit(standalone(run, __doc__.split("\n\n")[0]))
