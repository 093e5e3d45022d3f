"""``client.map``: one coroutine function over many items, a bounded number at a time.

Orders are forced with ``asyncio.Event`` gates the test opens, never with sleeps; a test that
would hang on a broken engine is bounded by ``asyncio.timeout``.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import TypeVar

import pytest

from tests.conftest import Connect, a_patient, acme_live
from welkin_async import Err, Ok, RequestEvent, ResponseEvent, Result
from welkin_async.errors import NotFound
from welkin_async.models import Patient
from welkin_async.testing import WelkinEmulator

T = TypeVar("T")
LIMIT = 3
HANG = 10.0  # seconds: only reached when the engine under test is broken
MISSING = "no-such-patient-5150"
PATIENTS = pytest.mark.welkin_emulator(patients=8, tenants=["acme"])
GET_PATIENT = "patients/{patient_id}"
LIST_PATIENTS = "by-filter/patients"


class InFlight:
    """Counts calls in flight and holds every call until ``limit`` of them run together.

    Run :meth:`open_when_full` as a task beside the map: it lets the calls go only after the
    event loop has run every call the engine started, so a call too many shows in ``peak``.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.now = self.peak = 0
        self._full = asyncio.Event()
        self._open = asyncio.Event()

    async def enter(self) -> None:
        self.now += 1
        self.peak = max(self.peak, self.now)
        if self.now >= self.limit:
            self._full.set()
        await self._open.wait()

    def leave(self) -> None:
        self.now -= 1

    async def open_when_full(self) -> None:
        await self._full.wait()
        self._open.set()


def pending_calls() -> list[asyncio.Task[object]]:
    """Tasks of the map engine (one per ``fn(item)`` call) that have not finished."""
    return [
        task
        for task in asyncio.all_tasks()
        if not task.done() and getattr(task.get_coro(), "__qualname__", "") == "_run"
    ]


async def test_every_item_gets_exactly_one_result(connect: Connect) -> None:
    """Every item of a plain list comes back in exactly one Result holding fn's value."""
    items = list(range(25))

    async def double(n: int) -> int:
        return n * 2

    async with connect() as client:
        results = [r async for r in client.map(double, items, concurrency=LIMIT)]
    assert Counter(r.item for r in results) == Counter(items)
    assert all(r.ok and r.error is None and r.value == r.item * 2 for r in results)


async def test_results_come_as_each_call_finishes(connect: Connect) -> None:
    """Results are yielded in the order the calls finish, not the order of the items."""
    gates = {name: asyncio.Event() for name in ("first", "second", "third")}
    release = iter(["third", "first", "second"])

    async def wait_for_gate(name: str) -> str:
        await gates[name].wait()
        return name

    gates[next(release)].set()
    order = []
    async with connect() as client, asyncio.timeout(HANG):
        async for result in client.map(wait_for_gate, list(gates), concurrency=LIMIT):
            order.append(result.item)
            following = next(release, None)
            if following is not None:
                gates[following].set()
    assert order == ["third", "first", "second"]


async def test_at_most_n_calls_in_flight(connect: Connect) -> None:
    """No more than ``concurrency`` calls of fn run at once, and that many do."""
    calls = InFlight(LIMIT)

    async def call(n: int) -> int:
        await calls.enter()
        calls.leave()
        return n

    async with connect() as client, asyncio.timeout(HANG):
        opener = asyncio.create_task(calls.open_when_full())
        results = [r async for r in client.map(call, range(12), concurrency=LIMIT)]
        await opener
    assert len(results) == 12
    assert calls.peak == LIMIT


@PATIENTS
async def test_at_most_n_requests_in_flight_end_to_end(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """map(client.patients.get, ids, concurrency=3) keeps at most 3 requests on the wire."""
    requests = InFlight(LIMIT)

    async def sent(event: RequestEvent) -> None:
        if event.path == GET_PATIENT:
            await requests.enter()  # no request goes out before LIMIT are in flight together

    def answered(event: ResponseEvent) -> None:
        if event.path == GET_PATIENT:
            requests.leave()

    ids = acme_live(welkin_emulator).patients.ids()
    async with connect(on_request=sent, on_response=answered) as client, asyncio.timeout(HANG):
        opener = asyncio.create_task(requests.open_when_full())
        results = [r async for r in client.map(client.patients.get, ids, concurrency=LIMIT)]
        await opener
    assert sorted(str(r.unwrap().id) for r in results) == sorted(ids)
    assert requests.peak == LIMIT
    assert welkin_emulator.stats.requests["GET /patients/{patient_id}"] == len(ids)


async def test_default_concurrency_is_the_clients_max_concurrency(connect: Connect) -> None:
    """Without ``concurrency``, at most the client's ``max_concurrency`` calls run at once."""
    calls = InFlight(2)

    async def call(n: int) -> int:
        await calls.enter()
        calls.leave()
        return n

    async with connect(max_concurrency=2) as client, asyncio.timeout(HANG):
        opener = asyncio.create_task(calls.open_when_full())
        results = [r async for r in client.map(call, range(6))]
        await opener
    assert len(results) == 6
    assert calls.peak == 2


async def test_items_are_pulled_lazily(connect: Connect) -> None:
    """An async generator of items is never read more than ``concurrency`` items ahead of the
    results handed out, so an endless one works."""
    pulled = 0
    ahead: list[int] = []

    async def endless() -> AsyncGenerator[int, None]:
        nonlocal pulled
        n = 0
        while True:
            pulled += 1
            yield n
            n += 1

    async def identity(n: int) -> int:
        return n

    async with connect() as client, aclosing(endless()) as source:
        results = client.map(identity, source, concurrency=LIMIT)
        async with aclosing(results):
            async for result in results:
                assert result.ok
                ahead.append(pulled - len(ahead))  # pulled beyond the results seen before
                if len(ahead) == 20:
                    break
    assert 1 <= ahead[0] <= LIMIT  # when the first result is yielded
    assert max(ahead) <= LIMIT


@pytest.mark.welkin_emulator(patients=4, tenants=["acme"])
async def test_a_failing_item_does_not_stop_the_others(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A call that raises (NotFound for a missing patient) is a Result with ``error``; every
    other item still gets its value."""
    ids = acme_live(welkin_emulator).patients.ids()
    items = [*ids[:2], MISSING, *ids[2:]]
    async with connect() as client:
        results = {r.item: r async for r in client.map(client.patients.get, items, concurrency=2)}
    assert set(results) == set(items)
    failed = results[MISSING]
    assert isinstance(failed.error, NotFound)
    assert (failed.ok, failed.value) == (False, None)
    for patient_id in ids:
        assert results[patient_id].ok
        assert isinstance(results[patient_id].value, Patient)
        assert str(results[patient_id].unwrap().id) == patient_id


@pytest.mark.welkin_emulator(patients=1, tenants=["acme"])
async def test_unwrap_returns_the_value_or_raises_the_error(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Result.unwrap() returns the call's value, or raises the very exception the call raised."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        results = {r.item: r async for r in client.map(client.patients.get, [patient_id, MISSING])}
    assert results[patient_id].unwrap() is results[patient_id].value
    with pytest.raises(NotFound) as raised:
        results[MISSING].unwrap()
    assert raised.value is results[MISSING].error


@pytest.mark.welkin_emulator(patients=1, tenants=["acme"])
async def test_result_repr_shows_no_item_or_value(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """repr() and str() of a Result name only its outcome: no patient id, no patient data."""
    patient_id = a_patient(welkin_emulator)
    row = acme_live(welkin_emulator).patients.rows[patient_id]
    secrets = [patient_id, MISSING, row["firstName"], row["lastName"], row["mrn"]]
    async with connect() as client:
        results = {r.item: r async for r in client.map(client.patients.get, [patient_id, MISSING])}
    for result in results.values():
        for text in (repr(result), str(result), f"{result}"):
            assert not [secret for secret in secrets if secret in text]
    assert "NotFound" in repr(results[MISSING])
    assert "NotFound" not in repr(results[patient_id])


async def test_closing_early_cancels_the_running_calls(connect: Connect) -> None:
    """Leaving the loop (closing the iterator) cancels the calls still running and starts no
    more: no call task is left pending."""
    gates = {n: asyncio.Event() for n in range(10)}
    gates[0].set()
    started: list[int] = []
    cancelled: list[int] = []

    async def wait_for_gate(n: int) -> int:
        started.append(n)
        try:
            await gates[n].wait()
        except asyncio.CancelledError:
            cancelled.append(n)
            raise
        return n

    async with connect() as client, asyncio.timeout(HANG):
        results = client.map(wait_for_gate, list(gates), concurrency=LIMIT)
        async with aclosing(results):
            async for result in results:
                assert result.item == 0
                break
        assert pending_calls() == []
    assert started == [0, 1, 2]
    assert sorted(cancelled) == [1, 2]


async def test_plain_break_cancels_the_running_calls(connect: Connect) -> None:
    """A bare ``break`` (no explicit close) also cancels the running calls, once the event loop
    finalizes the abandoned iterator."""
    gates = {n: asyncio.Event() for n in range(10)}
    gates[0].set()
    calls: dict[int, asyncio.Task[object]] = {}

    async def wait_for_gate(n: int) -> int:
        task = asyncio.current_task()
        assert task is not None
        calls[n] = task
        await gates[n].wait()
        return n

    async with connect() as client, asyncio.timeout(HANG):
        async for result in client.map(wait_for_gate, list(gates), concurrency=LIMIT):
            assert result.item == 0
            break
        await asyncio.wait([calls[1], calls[2]])  # returns once the loop has cancelled them
    assert sorted(calls) == [0, 1, 2]
    assert calls[1].cancelled()
    assert calls[2].cancelled()


@pytest.mark.welkin_emulator(patients=6, tenants=["acme"])
async def test_closing_early_closes_a_paginator_given_as_items(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Leaving the loop closes a Paginator passed as items: its page fetched ahead is cancelled
    and never reaches the server."""
    list_requests = 0
    held: list[asyncio.Task[object]] = []
    never = asyncio.Event()

    async def sent(event: RequestEvent) -> None:
        nonlocal list_requests
        if event.path != LIST_PATIENTS:
            return
        list_requests += 1
        if list_requests >= 3:  # page 2, fetched ahead while page 1 is consumed: hold it
            task = asyncio.current_task()
            assert task is not None
            held.append(task)
            await never.wait()

    async def patient_id(patient: Patient) -> str:
        return str(patient.id)

    async with connect(on_request=sent) as client, asyncio.timeout(HANG):
        pages = client.patients.list(size=1, concurrency=2)
        results = client.map(patient_id, pages, concurrency=1)
        seen = []
        async with aclosing(results):
            async for result in results:
                seen.append(result.unwrap())
                if len(seen) == 2:
                    break
        assert len(held) == 1
        assert held[0].cancelled()
    assert seen == acme_live(welkin_emulator).patients.ids()[:2]
    assert welkin_emulator.stats.requests["POST /by-filter/patients"] == 2


@pytest.mark.parametrize("concurrency", [0, -1])
async def test_concurrency_below_one_is_refused(connect: Connect, concurrency: int) -> None:
    """A concurrency below 1 raises ValueError."""

    async def identity(n: int) -> int:
        return n

    async with connect() as client:
        with pytest.raises(ValueError, match="concurrency"):
            async for _ in client.map(identity, [1, 2], concurrency=concurrency):
                pass


@PATIENTS
async def test_a_paginator_works_as_items(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A Paginator (client.patients.list()) is consumed as items: every patient once."""

    async def patient_id(patient: Patient) -> str:
        return str(patient.id)

    async with connect() as client:
        pages = client.patients.list(size=3)
        results = [r async for r in client.map(patient_id, pages, concurrency=LIMIT)]
    assert all(isinstance(r.item, Patient) for r in results)
    assert sorted(r.unwrap() for r in results) == sorted(acme_live(welkin_emulator).patients.ids())


async def test_results_are_public_ok_and_err(connect: Connect) -> None:
    """client.map yields welkin_async.Ok for a return and welkin_async.Err for a raise, the two
    members of welkin_async.Result; ``ok`` tells them apart."""

    async def half(n: int) -> int:
        if n % 2:
            raise ValueError("odd")
        return n // 2

    async with connect() as client:
        results = {r.item: r async for r in client.map(half, [2, 3])}
    assert isinstance(results[2], Ok)
    assert isinstance(results[3], Err)
    assert (results[2].ok, results[3].ok) == (True, False)
    assert [getattr(member, "__origin__", member) for member in Result.__value__.__args__] == [
        Ok,
        Err,
    ]
