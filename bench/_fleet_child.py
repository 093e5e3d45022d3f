"""One process of ``bench/fleet.py``'s fleet: ``tasks`` tasks of ``GET patients/{id}``, one client.

Started by ``bench/fleet.py``, one per member of the fleet, all at once. It reads its settings as
one JSON line on stdin (the server's URL, the API client's id and secret, the patient ids, the
Redis URL and key prefix or ``null`` for a process on its own; not in argv, which ``ps`` shows),
then:

1. pins itself to the client core and opens its ``WelkinClient`` (opening sends nothing: the
   token is fetched by the first call), and prints ``{"ready": true}``;
2. waits for the parent's go line, ``{"start_at": ...}``: an instant of ``time.monotonic()``,
   whose clock (``CLOCK_MONOTONIC``) is one for every process of the machine, so every member's
   window starts at the same moment however the scheduler wakes them;
3. runs its tasks until ``start_at + seconds``, timing each answer from the ``on_response``
   hook, and prints one JSON line: the seconds of each success, 429 and call that raised, the
   client's rate every ``SAMPLE_EVERY`` s and its ``ClientStats``.
"""

# The result line on stdout is this process's interface to its parent.
# ruff: noqa: T201

from __future__ import annotations

import asyncio
import json
import math
import sys
import time
from collections import Counter
from typing import Any

from _harness import ENVIRONMENT, TENANT, pin_client
from rate import stats_summary

from welkin_async import ClientCredentials, ResponseEvent, WelkinClient, WelkinError
from welkin_async.fleet import RedisCoordination

SAMPLE_EVERY = 0.1  # seconds between readings of the client's rate, for the plot


def _seconds(times: list[float]) -> list[float]:
    """To a tenth of a millisecond: finer says nothing and lengthens the result line."""
    return [round(t, 4) for t in times]


async def _run(settings: dict[str, Any]) -> dict[str, Any]:
    ids: list[str] = settings["ids"]
    template = settings["template"]  # the path hooks see for patients.get
    seconds, tasks = float(settings["seconds"]), int(settings["tasks"])
    first, stride = int(settings["first"]), int(settings["stride"])
    successes: list[float] = []
    throttled: list[float] = []
    failures: list[float] = []
    errors: Counter[str] = Counter()
    rates: list[tuple[float, float]] = []
    start = math.inf  # set by the go line; no call is made before it

    def on_response(event: ResponseEvent) -> None:
        if event.path != template:
            return  # the token request
        if event.status == 429:
            throttled.append(time.monotonic() - start)
        elif 200 <= event.status < 300:
            successes.append(time.monotonic() - start)

    coordination = None
    if settings["redis"] is not None:
        coordination = RedisCoordination(settings["redis"], key_prefix=settings["key_prefix"])
    # Default settings otherwise, as bench/rate.py: no rate_limit, max_concurrency 32 (> tasks).
    async with WelkinClient(
        tenant=TENANT,
        environment=ENVIRONMENT,
        credentials=ClientCredentials(settings["client_id"], settings["client_secret"]),
        base_url=settings["url"],
        on_response=on_response,
        coordination=coordination,
    ) as client:
        print(json.dumps({"ready": True}), flush=True)
        go = json.loads(await asyncio.to_thread(sys.stdin.readline))
        start = float(go["start_at"])
        deadline = start + seconds
        await asyncio.sleep(max(0.0, start - time.monotonic()))

        async def worker(index: int) -> None:
            while time.monotonic() < deadline:
                try:
                    await client.patients.get(ids[index % len(ids)])
                except WelkinError as exc:  # a call the client gave up on: count it, go on
                    failures.append(time.monotonic() - start)
                    errors[type(exc).__name__] += 1
                index += stride

        async def sample_rate() -> None:
            while True:
                rate = client.stats.rate_per_second
                rates.append(
                    (round(time.monotonic() - start, 3), math.nan if rate is None else rate)
                )
                await asyncio.sleep(SAMPLE_EVERY)

        cpu = time.process_time()
        sampler = asyncio.create_task(sample_rate())
        await asyncio.gather(*(worker(first + task) for task in range(tasks)))
        sampler.cancel()
        cpu = time.process_time() - cpu
        stats = client.stats
    return {
        "successes": _seconds(successes),
        "throttled": _seconds(throttled),
        "failures": _seconds(failures),
        "errors": dict(errors),
        "rates": rates,
        "cpu_seconds": cpu,  # this process's, over the window and its tail
        "client": {  # JSON makes the statuses of "responses" strings
            **stats_summary(stats),
            "fleet_shared": stats.fleet_shared,
            "fleet_outages": stats.fleet_outages,
        },
    }


def main() -> int:
    pin_client()
    settings = json.loads(sys.stdin.readline())
    print(json.dumps(asyncio.run(_run(settings))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
