"""Per-API-client rate limits answering 429 with Retry-After."""

from __future__ import annotations

from collections.abc import AsyncIterator
from email.utils import parsedate_to_datetime

import aiohttp
import pytest

from tests.testing.conftest import Api, live_token
from welkin_async.testing import ServerRateLimit, WelkinEmulator
from welkin_async.testing._ratelimit import RetryAfterFormat


@pytest.fixture
async def limited(request: pytest.FixtureRequest) -> AsyncIterator[WelkinEmulator]:
    style: RetryAfterFormat = getattr(request, "param", "seconds")
    limit = ServerRateLimit(per_second=2, burst=3, retry_after=style)
    async with WelkinEmulator(rate_limit=limit) as emulator:
        yield emulator


async def _api(emulator: WelkinEmulator, session: aiohttp.ClientSession, role: str) -> Api:
    token = await live_token(session, emulator, "acme", role)
    return Api(session, emulator.url, "acme", "live", token)


async def _use_the_burst(api: Api) -> None:
    """Spend the bucket's three requests."""
    for _ in range(3):
        await api.call("GET", "formations/current/programs")


async def test_burst_then_429_with_delta_seconds(
    limited: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """After the burst a client gets 429 TOO_MANY_REQUESTS with Retry-After in seconds."""
    api = await _api(limited, session, "admin")
    statuses = [(await api.call("GET", "formations/current/programs")).status for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    answer = await api.call("GET", "formations/current/programs")
    assert answer.error["errorCode"] == "TOO_MANY_REQUESTS"
    assert answer.headers["Retry-After"] == "1"
    assert limited.stats.rate_limited == 2


async def test_bucket_refills_with_time(
    limited: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """Half a second at 2 requests/s buys one more request."""
    api = await _api(limited, session, "admin")
    await _use_the_burst(api)
    limited.clock.advance(0.5)
    assert (await api.call("GET", "formations/current/programs")).status == 200
    assert (await api.call("GET", "formations/current/programs")).status == 429


@pytest.mark.parametrize("limited", ["http-date"], indirect=True)
async def test_retry_after_as_http_date(
    limited: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """With retry_after="http-date" the header is an HTTP-date no earlier than now."""
    api = await _api(limited, session, "admin")
    await _use_the_burst(api)
    answer = await api.call("GET", "formations/current/programs")
    assert answer.status == 429
    when = parsedate_to_datetime(answer.headers["Retry-After"])
    assert 0 < when.timestamp() - limited.clock.time() <= 2


async def test_limits_are_per_api_client(
    limited: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """One client's exhausted bucket does not limit another client."""
    admin = await _api(limited, session, "admin")
    analyst = await _api(limited, session, "analyst")
    for _ in range(4):
        await admin.call("GET", "formations/current/programs")
    assert (await analyst.call("GET", "formations/current/programs")).status == 200


@pytest.mark.parametrize("limited", ["none"], indirect=True)
async def test_retry_after_none_answers_429_without_the_header(
    limited: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """With retry_after="none" a client over its limit gets 429 with no Retry-After header."""
    api = await _api(limited, session, "admin")
    await _use_the_burst(api)
    answer = await api.call("GET", "formations/current/programs")
    assert (answer.status, answer.error["errorCode"]) == (429, "TOO_MANY_REQUESTS")
    assert "Retry-After" not in answer.headers
