"""Bearer tokens against the emulator: single flight, refresh ahead of expiry, 401 replay, and a
token endpoint that is down or refuses."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import pytest

import welkin_async._auth
from tests.conftest import KINDS, Connect, Kind, a_patient, get_patient
from welkin_async import ApiClientSecret, ClientCredentials, RetryPolicy, WelkinClient
from welkin_async._auth import IssuedToken, TokenCache
from welkin_async.errors import AuthenticationError
from welkin_async.testing import Fault, WelkinEmulator

PATIENTS = pytest.mark.welkin_emulator(patients=5)


class ShiftedClock:
    """The token cache's monotonic clock, moved forward by the test instead of waited for."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.offset = 0.0
        monkeypatch.setattr(welkin_async._auth, "monotonic", lambda: time.monotonic() + self.offset)


@pytest.fixture
def shifted_clock(monkeypatch: pytest.MonkeyPatch) -> ShiftedClock:
    return ShiftedClock(monkeypatch)


@PATIENTS
@pytest.mark.parametrize("kind", KINDS)
async def test_a_thousand_concurrent_first_calls_make_one_token_request(
    welkin_emulator: WelkinEmulator, connect: Connect, kind: Kind
) -> None:
    """1,000 tasks started together on a client with no token cause exactly one token request."""
    patient_id = a_patient(welkin_emulator)
    async with connect(kind=kind) as client:
        got = await asyncio.gather(*(get_patient(client, patient_id) for _ in range(1000)))
    assert [patient["id"] for patient in got] == [patient_id] * 1000
    assert welkin_emulator.stats.tokens_issued == 1
    assert client.stats.token_requests == 1


@PATIENTS
@pytest.mark.parametrize("kind", KINDS)
async def test_a_thousand_tasks_with_an_expired_token_refresh_once(
    welkin_emulator: WelkinEmulator, connect: Connect, kind: Kind
) -> None:
    """1,000 tasks whose cached token the server has expired cause one refresh, and all succeed."""
    patient_id = a_patient(welkin_emulator)
    async with connect(kind=kind) as client:
        await get_patient(client, patient_id)
        welkin_emulator.clock.advance(3600)  # the server now refuses the cached token
        got = await asyncio.gather(*(get_patient(client, patient_id) for _ in range(1000)))
    assert [patient["id"] for patient in got] == [patient_id] * 1000
    assert welkin_emulator.stats.tokens_issued == 2
    assert 1 <= client.stats.replays <= 1000


@PATIENTS
async def test_while_an_expired_token_is_refreshed_only_the_slot_holders_wait_for_it(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    shifted_clock: ShiftedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """200 calls on 4 slots finding the token expired: the 4 holding a slot wait in the token
    cache for the one refresh; the others wait for a slot, as with a valid token."""
    patient_id = a_patient(welkin_emulator)
    async with connect(max_concurrency=4) as client:
        await get_patient(client, patient_id)
        shifted_clock.offset = 3600 + 1  # expired by the client's clock
        cache, inside, most = client._tokens, 0, 0
        cached_get = cache.get

        async def counted() -> str:
            nonlocal inside, most
            inside += 1
            most = max(most, inside)
            try:
                return await cached_get()
            finally:
                inside -= 1

        monkeypatch.setattr(cache, "get", counted)
        await asyncio.gather(*(get_patient(client, patient_id) for _ in range(200)))
    assert most == 4
    assert welkin_emulator.stats.tokens_issued == 2


async def expired_cache(
    fetch: Callable[[bool], Awaitable[IssuedToken]], shifted_clock: ShiftedClock
) -> TokenCache:
    """A cache that has had a token (from a first answer of its own), now expired."""
    first = True

    async def first_then(retry: bool) -> IssuedToken:
        nonlocal first
        if first:
            first = False
            return IssuedToken("old", 3600.0)
        return await fetch(retry)

    cache = TokenCache(first_then)
    assert await cache.get() == "old"
    shifted_clock.offset = 3601
    return cache


async def test_the_waiters_for_a_refresh_all_go_on_in_the_turn_it_ends(
    shifted_clock: ShiftedClock,
) -> None:
    """1,000 tasks waiting for one refresh of an expired token all hold the new token within a
    few event-loop turns of its arrival, not one task per turn."""
    answer: asyncio.Future[IssuedToken] = asyncio.get_running_loop().create_future()
    fetches = 0

    async def fetch(_retry: bool) -> IssuedToken:
        nonlocal fetches
        fetches += 1
        return await answer

    cache = await expired_cache(fetch, shifted_clock)
    tasks = [asyncio.create_task(cache.get()) for _ in range(1000)]
    await asyncio.sleep(0)  # one turn: each task runs to its wait (one of them is fetching)
    answer.set_result(IssuedToken("new", 3600.0))
    for _ in range(3):
        await asyncio.sleep(0)  # one event-loop turn each, not a wait for time to pass
    assert all(task.done() for task in tasks)
    assert {task.result() for task in tasks} == {"new"}
    assert fetches == 1


async def test_a_refresh_cancelled_with_its_caller_is_taken_over_by_a_waiter(
    shifted_clock: ShiftedClock,
) -> None:
    """When the task refreshing an expired token is cancelled, one waiter asks again and every
    waiter gets the token that brings."""
    asked: asyncio.Queue[asyncio.Future[IssuedToken]] = asyncio.Queue()

    async def fetch(_retry: bool) -> IssuedToken:
        answer: asyncio.Future[IssuedToken] = asyncio.get_running_loop().create_future()
        asked.put_nowait(answer)
        return await answer

    cache = await expired_cache(fetch, shifted_clock)
    first = asyncio.create_task(cache.get())
    await asked.get()
    waiters = [asyncio.create_task(cache.get()) for _ in range(10)]
    await asyncio.sleep(0)  # one turn: the waiters reach their wait
    first.cancel()
    (await asked.get()).set_result(IssuedToken("new", 3600.0))
    assert await asyncio.gather(*waiters) == ["new"] * 10
    assert first.cancelled()
    assert asked.empty()


@PATIENTS
async def test_a_call_whose_token_request_fails_gives_its_slot_back(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """With one slot, a call that could not get a token leaves the slot free for the next."""
    patient_id = a_patient(welkin_emulator)
    welkin_emulator.faults = [Fault("status", status=503, route="POST /oauth/token")]
    policy = RetryPolicy(max_tries=2, initial_delay=0.001, max_delay=0.002)
    async with connect(max_concurrency=1, retry=policy) as client:
        with pytest.raises(AuthenticationError):
            await get_patient(client, patient_id)
        welkin_emulator.faults = []
        async with asyncio.timeout(10):  # a slot kept would hang here: fail instead
            got = await get_patient(client, patient_id)
    assert got["id"] == patient_id


@PATIENTS
async def test_two_hundred_stale_401s_refresh_once_and_replay_each_request_once(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """200 concurrent 401s for the same stale token: one refresh, each request replayed at most
    once (a 401 for an already replaced token replays with the new one, without refreshing)."""
    patient_id = a_patient(welkin_emulator)
    async with connect(max_concurrency=200) as client:
        await get_patient(client, patient_id)
        welkin_emulator.clock.advance(3600)
        welkin_emulator.stats.reset()
        await asyncio.gather(*(get_patient(client, patient_id) for _ in range(200)))
    served = welkin_emulator.stats.requests["GET /patients/{patient_id}"]
    assert welkin_emulator.stats.tokens_issued == 1
    assert client.stats.replays == served - 200  # every extra request is one replay
    assert 1 <= client.stats.replays <= 200


@PATIENTS
@pytest.mark.parametrize("kind", KINDS)
async def test_the_token_is_refreshed_ahead_of_expiry_without_a_401(
    welkin_emulator: WelkinEmulator, connect: Connect, kind: Kind, shifted_clock: ShiftedClock
) -> None:
    """Within the last minute of its lifetime (from expires_in, or the JWT exp claim) a token
    is replaced before the server ever refuses it."""
    patient_id = a_patient(welkin_emulator)
    async with connect(kind=kind) as client:
        await get_patient(client, patient_id)
        shifted_clock.offset = 3600 - 30  # 30 s left: inside the refresh window
        await get_patient(client, patient_id)
        await get_patient(client, patient_id)
    assert welkin_emulator.stats.tokens_issued == 2
    assert client.stats.responses[401] == 0


@PATIENTS
async def test_a_token_is_kept_until_its_refresh_window(
    welkin_emulator: WelkinEmulator, connect: Connect, shifted_clock: ShiftedClock
) -> None:
    """Before the refresh window (at least 60 s plus jitter before expiry) no new token is asked."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        await get_patient(client, patient_id)
        shifted_clock.offset = 3600 - 91  # later than skew + jitter allows: still fresh
        await get_patient(client, patient_id)
    assert welkin_emulator.stats.tokens_issued == 1


@pytest.mark.welkin_emulator(patients=5, token_ttl=20)
async def test_a_short_lived_token_is_refreshed_at_half_its_life(
    welkin_emulator: WelkinEmulator, connect: Connect, shifted_clock: ShiftedClock
) -> None:
    """A lifetime shorter than the skew is refreshed at half-life, not on every call."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        await get_patient(client, patient_id)
        await get_patient(client, patient_id)
        assert welkin_emulator.stats.tokens_issued == 1
        shifted_clock.offset = 10.5
        await get_patient(client, patient_id)
    assert welkin_emulator.stats.tokens_issued == 2


@PATIENTS
async def test_a_down_token_endpoint_is_tolerated_while_the_token_is_valid(
    welkin_emulator: WelkinEmulator, connect: Connect, shifted_clock: ShiftedClock
) -> None:
    """With the token endpoint answering 503 and the old token valid, calls keep working and the
    endpoint is tried at most once per 30 s."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        await get_patient(client, patient_id)
        welkin_emulator.faults = [Fault("status", status=503, route="POST /oauth/token")]
        shifted_clock.offset = 3600 - 30
        got = await asyncio.gather(*(get_patient(client, patient_id) for _ in range(50)))
        assert [patient["id"] for patient in got] == [patient_id] * 50
        assert welkin_emulator.stats.requests["POST /oauth/token"] == 2  # the first, one refresh
        shifted_clock.offset += 29
        await get_patient(client, patient_id)
        assert welkin_emulator.stats.requests["POST /oauth/token"] == 2
        shifted_clock.offset += 2  # 31 s after the failed attempt: one more try
        welkin_emulator.faults = []
        await get_patient(client, patient_id)
    assert welkin_emulator.stats.requests["POST /oauth/token"] == 3
    assert client.stats.token_failures == 1
    assert client.stats.responses[401] == 0


Wrong = Callable[[ClientCredentials | ApiClientSecret], ClientCredentials | ApiClientSecret]


@PATIENTS
@pytest.mark.parametrize(
    ("kind", "code"),
    [("client_credentials", "invalid_client"), ("api_client", "API_CLIENT_AUTHENTICATION_FAILED")],
)
async def test_a_refused_secret_raises_authentication_error_with_the_endpoint_code(
    welkin_emulator: WelkinEmulator, kind: Kind, code: str
) -> None:
    """A wrong secret raises AuthenticationError carrying the token endpoint's own error code."""
    right = welkin_emulator.credentials(kind=kind)
    wrong: ClientCredentials | ApiClientSecret = (
        ClientCredentials(right.client_id, "not-the-secret")
        if isinstance(right, ClientCredentials)
        else ApiClientSecret(right.client_name, "not-the-secret")
    )
    async with WelkinClient(
        tenant="acme", environment="live", credentials=wrong, base_url=welkin_emulator.url
    ) as client:
        with pytest.raises(AuthenticationError) as caught:
            await get_patient(client, a_patient(welkin_emulator))
    assert (caught.value.status, caught.value.error_code) == (401, code)
    assert welkin_emulator.stats.requests["GET /patients/{patient_id}"] == 0


@PATIENTS
async def test_a_down_token_endpoint_without_a_token_raises_after_retries(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """With no token to fall back on, the token request is retried by the policy, then raises."""
    welkin_emulator.faults = [Fault("status", status=503, route="POST /oauth/token")]
    policy = RetryPolicy(max_tries=3, initial_delay=0.001, max_delay=0.002)
    async with connect(retry=policy) as client:
        with pytest.raises(AuthenticationError) as caught:
            await get_patient(client, a_patient(welkin_emulator))
    assert caught.value.status == 503
    assert welkin_emulator.stats.requests["POST /oauth/token"] == 3
