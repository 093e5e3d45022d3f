"""Per-call options (``extra_headers``, ``extra_query``, ``timeout``) and ``with_options`` views,
against the emulator over loopback: what the server receives, and what is refused unsent."""

from __future__ import annotations

from typing import Any, cast

import attrs
import pytest

from tests.conftest import Connect, a_patient
from welkin_async import RetryPolicy, Timeouts
from welkin_async._options import checked_timeouts
from welkin_async.errors import ClientClosedError, ConfigurationError, ServerError, TimeoutError
from welkin_async.testing import Fault, ReceivedRequest, WelkinEmulator

pytestmark = pytest.mark.welkin_emulator(patients=5, tenants=["acme"])
PATIENT = "GET /patients/{patient_id}"
BY_FILTER = "POST /by-filter/patients"


def received(emulator: WelkinEmulator) -> list[ReceivedRequest]:
    """Every request the emulator receives from now on."""
    seen: list[ReceivedRequest] = []
    emulator.on_received(seen.append)
    return seen


async def test_extra_headers_and_query_reach_the_server(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A call's extra header and query parameter arrive with it, beside its own."""
    seen = received(welkin_emulator)
    pid = a_patient(welkin_emulator)
    async with connect() as client:
        patient = await client.request(
            "GET",
            "patients/{id}",
            path_params={"id": pid},
            params={"type": "ID"},
            extra_headers={"X-Job": "nightly-sync"},
            extra_query={"probe": "yes"},
        )
        await client.request("GET", "patients/{id}", path_params={"id": pid})
    assert patient["id"] == pid
    first, second = (r for r in seen if r.route == PATIENT)
    assert first.headers["X-Job"] == "nightly-sync"
    assert (first.query["probe"], first.query["type"]) == ("yes", "ID")
    assert "X-Job" not in second.headers
    assert "probe" not in second.query


async def test_paginate_options_apply_to_every_page(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    seen = received(welkin_emulator)
    async with connect() as client:
        pages = client.paginate(
            "POST",
            "by-filter/patients",
            json={},
            size=2,
            options={"extra_headers": {"X-Job": "scan"}},
        )
        items = [item async for item in pages]
    pages_seen = [r for r in seen if r.route == BY_FILTER]
    assert len(items) == 5
    assert len(pages_seen) >= 3
    assert all(r.headers["X-Job"] == "scan" for r in pages_seen)


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ({"Authorization": "Bearer forged"}, "the client sets Authorization itself"),
        ({"content-length": "0"}, "the client sets content-length itself"),
        ({"X-Smuggle": "a\r\nHost: evil"}, "the value of X-Smuggle must be one line of text"),
        ({"Bad Name": "x"}, "'Bad Name' is not a valid header name"),
    ],
)
async def test_unsafe_extra_headers_are_refused_unsent(
    welkin_emulator: WelkinEmulator, connect: Connect, headers: dict[str, str], problem: str
) -> None:
    """A header the client owns, or one that would split the request, is a ConfigurationError
    naming the header (never its value) and nothing is sent."""
    seen = received(welkin_emulator)
    async with connect() as client:
        with pytest.raises(ConfigurationError) as raised:
            await client.request(
                "GET", "patients/{id}", path_params={"id": "x"}, extra_headers=headers
            )
    assert problem in str(raised.value)
    assert "forged" not in str(raised.value)
    assert "evil" not in str(raised.value)
    assert seen == []


@pytest.mark.parametrize("query", [{"ids": ["a", "b"]}, {"when": None}, ["a"]])
async def test_extra_query_values_must_be_scalars(connect: Connect, query: Any) -> None:
    """A list or None has no one text in a query string: refused, not sent as "['a', 'b']"."""
    async with connect() as client:
        with pytest.raises(ConfigurationError, match="extra_query"):
            await client.request("GET", "patients/{id}", path_params={"id": "x"}, extra_query=query)


@pytest.mark.parametrize("timeout", [0, -1, True, "5"])
async def test_bad_timeouts_are_refused(connect: Connect, timeout: Any) -> None:
    async with connect() as client:
        with pytest.raises(ConfigurationError, match="timeout must be a positive number"):
            await client.request("GET", "patients/{id}", path_params={"id": "x"}, timeout=timeout)


async def test_an_unknown_option_is_a_type_error(connect: Connect) -> None:
    async with connect() as client:
        with pytest.raises(TypeError, match="unknown request option extra_header"):
            client.paginate("POST", "by-filter/patients", options=cast(Any, {"extra_header": {}}))


# The patient route answers after a minute: only the caller's timeout can end the call sooner.
SLOW_PATIENTS = pytest.mark.welkin_emulator(
    patients=3, faults=[Fault(kind="latency", seconds=60.0, route=PATIENT)]
)


@SLOW_PATIENTS
async def test_a_call_timeout_ends_a_slow_call(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    async with connect(retry=RetryPolicy(max_tries=1)) as client:
        with pytest.raises(TimeoutError) as raised:
            await client.request("GET", "patients/{id}", path_params={"id": "p"}, timeout=0.3)
        # Other calls keep the client's timeouts: answered.
        await client.request("POST", "by-filter/patients", json={})
    assert raised.value.reason in {"total timeout", "read timeout"}
    assert raised.value.path == "patients/{id}"


@SLOW_PATIENTS
async def test_a_views_timeouts_apply_to_its_calls(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    async with connect(retry=RetryPolicy(max_tries=1)) as client:
        quick = client.with_options(timeouts=Timeouts(connect=5, read=0.3, total=30))
        with pytest.raises(TimeoutError) as raised:
            await quick.request("GET", "patients/{id}", path_params={"id": "p"})
    assert raised.value.reason == "read timeout"


async def test_a_view_shares_the_session_token_limiter_and_stats(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A view adds its headers and retry policy, and shares everything else: one token for
    both, one set of counters, and it closes with its client."""
    seen = received(welkin_emulator)
    pid = a_patient(welkin_emulator)
    async with connect() as client:
        view = client.with_options(headers={"X-Job": "view"}, retry=RetryPolicy(max_tries=2))
        assert view.retry.max_tries == 2
        assert client.retry.max_tries == RetryPolicy().max_tries
        assert view.stats is client.stats
        assert (await view.patients.get(pid)).id is not None
        assert (await client.patients.get(pid)).id is not None
        nested = view.with_options(headers={"X-Other": "1"})
        await nested.request("GET", "patients/{id}", path_params={"id": pid})
        assert client.stats.requests == 3
        assert client.stats.token_requests == 1
        with pytest.raises(ClientClosedError, match="not the view"):
            await view.aclose()
        with pytest.raises(ClientClosedError, match="not the view"):
            await view.__aenter__()
    via_view, direct, nested_seen = (r for r in seen if r.route == PATIENT)
    assert via_view.headers["X-Job"] == "view"
    assert "X-Job" not in direct.headers
    assert (nested_seen.headers["X-Job"], nested_seen.headers["X-Other"]) == ("view", "1")
    with pytest.raises(ClientClosedError, match="closed"):
        await view.patients.get(pid)
    assert "view=True" in repr(view)


async def test_with_options_checks_its_arguments(connect: Connect) -> None:
    client = connect()
    with pytest.raises(ConfigurationError, match="timeouts must be a Timeouts"):
        client.with_options(timeouts=30)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="retry must be a RetryPolicy"):
        client.with_options(retry=3)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="the client sets authorization"):
        client.with_options(headers={"authorization": "x"})


def test_a_number_of_seconds_bounds_each_whole_attempt() -> None:
    """``timeout=30`` is the total of each attempt; the connect and read limits stay within it."""
    base = Timeouts(connect=10, read=60, total=120)
    assert checked_timeouts(30, base) == Timeouts(connect=10, read=30, total=30)
    assert checked_timeouts(5.5, Timeouts(connect=None, read=None, total=None)) == Timeouts(
        connect=5.5, read=5.5, total=5.5
    )
    given = Timeouts(connect=1, read=2, total=3)
    assert checked_timeouts(given, base) is given
    assert checked_timeouts(None, base) is None


@pytest.mark.parametrize(
    ("make", "clash"),
    [
        (lambda c: c.patients.list(extra_query={"page": 0}), "page"),
        (lambda c: c.patients.list(extra_query={"size": 1, "x": 2}), "size"),
        (lambda c: c.exports.stream("PATIENT", extra_query={"start": "c"}), "start"),
        (lambda c: c.chat("p").list(extra_query={"pageToken": "t"}), "pageToken"),
        (lambda c: c.chat("p").search("hi", extra_query={"x": "1"}), "token alone"),
    ],
)
async def test_extra_query_cannot_take_the_paging_over(
    welkin_emulator: WelkinEmulator, connect: Connect, make: Any, clash: str
) -> None:
    """A page number, size, token or cursor is the paginator's to move: an extra_query naming
    one is refused when the list is made, before anything is sent."""
    seen = received(welkin_emulator)
    async with connect() as client:
        with pytest.raises(ConfigurationError, match=clash):
            make(client)
    assert seen == []


async def test_a_views_retry_policy_governs_its_calls_only(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Against a route that always answers 503, a call through a view with two tries makes two
    attempts, and the client's own calls keep the client's three."""
    pid = a_patient(welkin_emulator)
    welkin_emulator.faults = [Fault("status", status=503, route=PATIENT)]
    quick = RetryPolicy(max_tries=3, initial_delay=0.001, max_delay=0.002)
    async with connect(retry=quick) as client:
        view = client.with_options(retry=attrs.evolve(quick, max_tries=2))
        with pytest.raises(ServerError):
            await view.patients.get(pid)
        assert welkin_emulator.stats.requests[PATIENT] == 2
        with pytest.raises(ServerError):
            await client.patients.get(pid)
        assert welkin_emulator.stats.requests[PATIENT] == 5
