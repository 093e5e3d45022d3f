"""A server that throttles: one 429 costs a brief step down, not a crawl; a pause longer than a
call may take fails that call at once; paced 429s do not spend the retry budget; any
``Retry-After`` text is read or ignored, never raised."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from aiohttp import web

from tests.hostile._server import HostileServer, json_answer
from welkin_async import RateLimit, RetryPolicy
from welkin_async.errors import RateLimited

PATIENT = {"id": "p1"}


def first_answers_429(server: HostileServer, count: int, **headers: str) -> None:
    """The first ``count`` GETs of patients/p1 answer 429 (with ``headers``), the rest 200."""
    answered = itertools.count()

    async def handler(_: web.Request) -> web.StreamResponse:
        if next(answered) < count:
            return json_answer([{"errorCode": "TOO_MANY_REQUESTS"}], status=429, **headers)
        return json_answer(PATIENT)

    server.on("GET", "patients/p1", handler)


async def get(client: object) -> object:
    return await client.request("GET", "patients/{id}", path_params={"id": "p1"})  # type: ignore[attr-defined]


@pytest.mark.parametrize("concurrent", [1, 32, 200])
async def test_one_429_first_costs_a_brief_step_down_not_a_crawl(
    server: HostileServer, concurrent: int
) -> None:
    """One 429 without Retry-After as the very first answer, then a healthy server: every call
    completes (the old client fell to 0.5 requests/s: 32 calls took 52 s), and the client never
    slowed down: nothing was known of the server, so the 429 cost only its retry."""
    first_answers_429(server, 1)
    async with asyncio.timeout(10), server.client() as client:
        await get(client)  # the 429, retried
        results = await asyncio.gather(*(get(client) for _ in range(concurrent)))
        await asyncio.gather(*(get(client) for _ in range(concurrent)))
    assert results == [PATIENT] * concurrent
    assert client.stats.rate_decreases == 0
    assert client.stats.rate_per_second is None
    assert client.stats.rate_limited == 1


async def test_429s_at_start_up_are_retried_without_spending_the_budget(
    server: HostileServer,
) -> None:
    """32 calls at once whose first answers are all 429: every call completes, none spends the
    retry budget, and the burst's 429s are one sighting (no step down)."""
    refused = 32
    first_answers_429(server, refused)
    async with asyncio.timeout(10), server.client() as client:
        results = await asyncio.gather(*(get(client) for _ in range(32)))
    assert results == [PATIENT] * 32
    assert client.stats.retry_budget_exhausted == 0
    assert client.stats.rate_limited == refused
    assert client.stats.rate_decreases == 0


@pytest.mark.parametrize("retry_after", ["4", "30", "120"])
async def test_a_pause_longer_than_max_elapsed_fails_at_once(
    server: HostileServer, retry_after: str
) -> None:
    """A Retry-After of 4 s with max_elapsed=1: RateLimited at once, not after 4 s; a second
    call made during the pause fails at once too."""
    first_answers_429(server, 1000, **{"Retry-After": retry_after})
    async with asyncio.timeout(3), server.client(retry=RetryPolicy(max_elapsed=1)) as client:
        with pytest.raises(RateLimited) as first:
            await get(client)
        with pytest.raises(RateLimited) as second:
            await get(client)
    assert first.value.retry_after == float(retry_after)
    assert second.value.retry_after is not None
    assert 0 < second.value.retry_after <= float(retry_after)
    assert second.value.error_code == "PAUSED_PAST_MAX_ELAPSED"
    assert len(server.requests("GET")) == 1  # the second call never reached the server


async def test_paced_429s_do_not_spend_the_retry_budget(server: HostileServer) -> None:
    """With no budget at all, 429s (paced by the limiter) are still retried; a 503 is not."""
    first_answers_429(server, 2)
    policy = RetryPolicy(budget_reserve=0, budget_floor_per_second=0, initial_delay=0.001)
    async with asyncio.timeout(10), server.client(retry=policy) as client:
        assert await get(client) == PATIENT
        assert client.stats.retry_budget_exhausted == 0
        server.answer("GET", "patients/p2", lambda: json_answer([], status=503))
        with pytest.raises(Exception, match="503"):
            await client.request("GET", "patients/{id}", path_params={"id": "p2"})
    assert client.stats.retry_budget_exhausted == 1


# Unreadable as a wait: retried after the policy's own back-off, and answered.
IGNORED = [
    "²",  # a Unicode digit: str.isdigit() says yes, float() says no
    "١٢",  # Arabic-Indic digits
    "1.5",
    "-1",
    "1e3",
    "0x10",
    " ",
    "\u00a0",
    "Mon, 99 Foo 2026 99:99:99 GMT",
]


async def test_a_retry_after_date_long_past_means_now(server: HostileServer) -> None:
    first_answers_429(server, 1, **{"Retry-After": "Sat, 01 Jan 0001 00:00:00 GMT"})
    async with asyncio.timeout(5), server.client(retry=RetryPolicy(max_elapsed=2)) as client:
        assert await get(client) == PATIENT


# Readable, and longer than the call may take: RateLimited at once.
TOO_LONG = ["999999999999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"]


@pytest.mark.parametrize("value", IGNORED)
async def test_a_retry_after_that_is_not_a_wait_is_ignored(
    server: HostileServer, value: str
) -> None:
    first_answers_429(server, 1, **{"Retry-After": value})
    async with asyncio.timeout(5), server.client(retry=RetryPolicy(max_elapsed=2)) as client:
        assert await get(client) == PATIENT
    assert client.stats.pauses == 0


@pytest.mark.parametrize("value", TOO_LONG)
async def test_a_retry_after_beyond_any_wait_fails_at_once(
    server: HostileServer, value: str
) -> None:
    first_answers_429(server, 1, **{"Retry-After": value})
    async with asyncio.timeout(5), server.client(retry=RetryPolicy(max_elapsed=2)) as client:
        with pytest.raises(RateLimited) as caught:
            await get(client)
    assert caught.value.retry_after is not None
    assert caught.value.retry_after > 2


async def test_calls_waiting_for_a_token_through_a_pause_are_paced_after_it(
    server: HostileServer,
) -> None:
    """Calls queued in the token bucket when a pause begins queue again after it: they set out
    one token apart, not together (a herd that met the server's empty bucket at once)."""
    answered = itertools.count()
    sent: list[float] = []

    async def handler(_: web.Request) -> web.StreamResponse:
        sent.append(asyncio.get_running_loop().time())
        if next(answered) == 1:
            return json_answer([], status=429, **{"Retry-After": "1"})
        return json_answer(PATIENT)

    server.on("GET", "patients/p1", handler)
    per_second = 20.0
    async with asyncio.timeout(10), server.client(rate_limit=RateLimit(per_second, 1)) as client:
        await asyncio.gather(*(get(client) for _ in range(8)))
    after_pause = sent[2:]
    gaps = [later - earlier for earlier, later in itertools.pairwise(after_pause)]
    assert len(after_pause) == 7
    assert min(gaps) >= 0.5 / per_second  # never two within half a token of each other
