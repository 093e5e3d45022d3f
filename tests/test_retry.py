"""Retries against the emulator's faults: what is retried for which method, the bounds of the
policy, the retry budget, and a long scan that loses and repeats nothing under faults."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from tests.conftest import Connect, a_patient, get_patient, patient_count
from welkin_async import RetryEvent, RetryPolicy, Timeouts, WelkinClient
from welkin_async.errors import (
    ConnectError,
    RateLimited,
    ReadError,
    ServerError,
    TimeoutError,
)
from welkin_async.testing import Fault, ServerRateLimit, WelkinEmulator

QUICK = RetryPolicy(initial_delay=0.001, max_delay=0.01)  # the same rules, without the waiting
GET_ONE = "GET /patients/{patient_id}"
CREATE = "POST /patients"
SCAN = "POST /by-filter/patients"


async def create_patient(client: WelkinClient) -> Any:
    body = {"firstName": "Ada", "lastName": "Synthetic", "externalId": f"EXT-{uuid.uuid4()}"}
    return await client.request("POST", "patients", json=body)


async def settle(calls: list[Any]) -> list[Any]:
    return await asyncio.gather(*calls, return_exceptions=True)


@pytest.mark.welkin_emulator(
    patients=3, seed=11, faults=[Fault("status", rate=0.15, route=GET_ONE)]
)
async def test_gets_are_retried_through_503s_and_every_attempt_is_counted(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """GETs answered 503 about one time in seven (as much as the budget sustains) all succeed;
    each attempt is counted once."""
    patient_id = a_patient(welkin_emulator)
    async with connect(retry=QUICK) as client:
        got = await asyncio.gather(*(get_patient(client, patient_id) for _ in range(100)))
    assert [patient["id"] for patient in got] == [patient_id] * 100
    assert client.stats.retries > 0
    assert client.stats.attempts == welkin_emulator.stats.requests[GET_ONE]
    assert client.stats.attempts == 100 + client.stats.retries


@pytest.mark.welkin_emulator(seed=5, faults=[Fault("reset-after", rate=0.3, route=CREATE)])
async def test_a_post_reset_after_it_was_applied_is_never_resent(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A create whose answer is lost after the server applied it raises ReadError and is not
    sent again: the emulator sees one POST per call, and no duplicate patient."""
    async with connect(retry=QUICK) as client:
        outcomes = await settle([create_patient(client) for _ in range(60)])
    lost = [outcome for outcome in outcomes if isinstance(outcome, ReadError)]
    assert lost, "no reset was injected: the test proves nothing"
    assert all(isinstance(outcome, dict | ReadError) for outcome in outcomes)
    assert welkin_emulator.stats.requests[CREATE] == 60
    assert patient_count(welkin_emulator) == 60  # every call applied exactly once
    assert client.stats.retries == 0


@pytest.mark.welkin_emulator(seed=5, faults=[Fault("status", rate=0.15, route=CREATE)])
async def test_a_post_answered_503_before_processing_is_retried_once_applied(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A 503 is answered before the create is processed, so the POST is retried, and each
    patient is created exactly once."""
    async with connect(retry=QUICK) as client:
        created = await asyncio.gather(*(create_patient(client) for _ in range(30)))
    assert len({patient["id"] for patient in created}) == 30
    assert patient_count(welkin_emulator) == 30
    assert client.stats.retries > 0


@pytest.mark.parametrize("status", [502, 504])
async def test_a_post_answered_502_or_504_is_not_retried(
    welkin_emulator: WelkinEmulator, connect: Connect, status: int
) -> None:
    """A 502 or 504 may come after the server applied a POST, so it raises at once."""
    welkin_emulator.faults = [Fault("status", status=status, route=CREATE)]
    async with connect(retry=QUICK) as client:
        with pytest.raises(ServerError) as caught:
            await create_patient(client)
    assert caught.value.status == status
    assert welkin_emulator.stats.requests[CREATE] == 1


async def test_a_refused_connection_is_retried_even_for_a_post(unused_tcp_port: int) -> None:
    """A connection that could not be made sent nothing, so even a POST is retried: here the
    server starts only after the first refusal, and the patient is created once."""
    emulator = WelkinEmulator(port=unused_tcp_port, tenants=["acme"])
    retried: list[RetryEvent] = []

    async def start_server(event: RetryEvent) -> None:
        retried.append(event)
        if len(retried) == 1:
            await emulator.__aenter__()

    client = WelkinClient(
        tenant="acme",
        environment="live",
        credentials=emulator.credentials(),
        base_url=f"http://127.0.0.1:{unused_tcp_port}",
        retry=QUICK,
        on_retry=start_server,
    )
    try:
        async with client:
            await create_patient(client)
    finally:
        await emulator.aclose()
    assert retried[0].reason == "ConnectError"
    assert retried[0].method == "POST"
    assert emulator.stats.requests[CREATE] == 1
    assert patient_count(emulator) == 1


async def test_connect_errors_end_in_connect_error_after_max_tries(unused_tcp_port: int) -> None:
    """With nothing listening, each call makes max_tries attempts and raises ConnectError."""
    client = WelkinClient(
        tenant="acme",
        environment="live",
        credentials=WelkinEmulator(tenants=["acme"]).credentials(),
        base_url=f"http://127.0.0.1:{unused_tcp_port}",
        retry=RetryPolicy(max_tries=3, initial_delay=0.001, max_delay=0.002),
    )
    async with client:
        with pytest.raises(ConnectError) as caught:
            await client.request("GET", "patients/{id}", path_params={"id": "x"})
    assert caught.value.request_sent is False
    assert client.stats.token_requests == 3  # the token endpoint is the first thing tried


@pytest.mark.welkin_emulator(patients=3)
async def test_a_read_timeout_is_retried_for_a_get_but_not_for_a_post(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A read timeout may hide an applied request: GETs are retried, POSTs raise at once."""
    welkin_emulator.faults = (
        "latency=300ms for GET /patients/{patient_id}; latency=300ms for POST /patients"
    )
    policy = RetryPolicy(max_tries=2, initial_delay=0.001, max_delay=0.002)
    async with connect(retry=policy, timeouts=Timeouts(read=0.05)) as client:
        with pytest.raises(TimeoutError) as get_timeout:
            await get_patient(client, a_patient(welkin_emulator))
        with pytest.raises(TimeoutError) as post_timeout:
            await create_patient(client)
    assert get_timeout.value.request_sent
    assert post_timeout.value.request_sent
    assert welkin_emulator.stats.requests[GET_ONE] == 2
    assert welkin_emulator.stats.requests[CREATE] == 1


@pytest.mark.welkin_emulator(patients=3, faults=[Fault("status", route=GET_ONE)])
async def test_max_tries_bounds_the_attempts_of_a_call(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A call against a route that always answers 503 makes exactly max_tries attempts."""
    policy = RetryPolicy(max_tries=4, initial_delay=0.001, max_delay=0.002)
    async with connect(retry=policy) as client:
        with pytest.raises(ServerError):
            await get_patient(client, a_patient(welkin_emulator))
    assert welkin_emulator.stats.requests[GET_ONE] == 4


@pytest.mark.welkin_emulator(patients=3, faults=[Fault("status", route=GET_ONE)])
async def test_max_elapsed_stops_retrying_before_max_tries(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Retries stop once the next one would start after max_elapsed, whatever max_tries says."""
    policy = RetryPolicy(max_tries=1000, initial_delay=0.05, max_delay=0.05, max_elapsed=0.2)
    async with connect(retry=policy) as client:
        with pytest.raises(ServerError):
            await get_patient(client, a_patient(welkin_emulator))
    assert 2 <= welkin_emulator.stats.requests[GET_ONE] < 1000


@pytest.mark.welkin_emulator(patients=3, faults=[Fault("status", route=GET_ONE)])
async def test_the_retry_budget_keeps_a_dead_server_at_about_ten_percent_extra(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Against a server that fails everything, 1,000 calls cost at most ~10% extra attempts."""
    patient_id = a_patient(welkin_emulator)
    async with connect(retry=QUICK) as client:
        outcomes = await settle([get_patient(client, patient_id) for _ in range(1000)])
    assert all(isinstance(outcome, ServerError) for outcome in outcomes)
    assert welkin_emulator.stats.requests[GET_ONE] <= 1100
    assert client.stats.retry_budget_exhausted > 0


@pytest.mark.welkin_emulator(patients=3, rate_limit=ServerRateLimit(50, burst=1))
async def test_an_opening_burst_of_429s_waits_instead_of_spending_the_retry_budget(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Thirty calls at once against a one-request burst: every 429 is waited out, none fails."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        outcomes = await settle([get_patient(client, patient_id) for _ in range(30)])
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    assert welkin_emulator.stats.rate_limited > 10  # more than the budget's reserve of 10
    assert client.stats.retry_budget_exhausted == 0


async def test_a_retry_after_beyond_the_policy_raises_rate_limited_at_once(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A 429 asking for a longer wait than max_retry_after raises RateLimited with that wait."""
    welkin_emulator.faults = [Fault("storm", route=CREATE, length=1, retry_after=600)]
    async with connect(retry=RetryPolicy(max_retry_after=60)) as client:
        with pytest.raises(RateLimited) as caught:
            await create_patient(client)
    assert caught.value.retry_after == 600
    assert welkin_emulator.stats.requests[CREATE] == 1
    assert client.stats.pauses == 0


RECORDS = 50_000


@pytest.mark.welkin_emulator(patients=RECORDS, tenants=["acme"], seed=3)
async def test_a_long_scan_under_503s_and_resets_returns_every_record_once(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Under 10% 503s and 3% connection resets, a 50,000-record paginated scan returns every
    record exactly once."""
    welkin_emulator.faults = [
        Fault("status", rate=0.10, route=SCAN),
        Fault("reset-before", rate=0.015, route=SCAN),
        Fault("reset-after", rate=0.015, route=SCAN),
    ]
    async with connect() as client:
        ids = [
            patient["id"]
            async for patient in client.paginate(
                "POST", "by-filter/patients", size=200, concurrency=8
            )
        ]
    assert len(ids) == RECORDS
    assert set(ids) == set(welkin_emulator.tenant("acme").environments["live"].patients.ids())
    assert welkin_emulator.stats.faults_injected > 0
    assert client.stats.retries >= welkin_emulator.stats.faults_injected
