"""Request ids and raw responses: ``client.with_raw_response`` and ``APIError.request_id`` /
``headers``, against the emulator (which stamps every answer with ``X-Request-Id``)."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

from tests.conftest import Connect, a_patient, acme_live, serving
from welkin_async import APIResponse, ClientCredentials, WelkinClient
from welkin_async._raw import request_id_of, safe_headers
from welkin_async.errors import NotFound
from welkin_async.models import Patient
from welkin_async.testing import Fault, WelkinEmulator

pytestmark = pytest.mark.welkin_emulator(patients=3, tenants=["acme"])
GET_ONE = "GET /patients/{patient_id}"


async def test_raw_response_of_a_typed_call(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    pid = a_patient(welkin_emulator)
    row = acme_live(welkin_emulator).patients.rows[pid]
    async with connect() as client:
        raw = await client.with_raw_response(client.patients.get(pid))
        after = await client.patients.get(pid)  # the capture ended with the call
    assert isinstance(raw, APIResponse)
    assert isinstance(raw.value, Patient)
    assert raw.value == after
    assert (raw.status, raw.attempts, raw.calls) == (200, 1, 1)
    assert raw.request_id is not None
    assert raw.request_id.startswith("emu-")
    assert raw.headers["Content-Type"].startswith("application/json")
    assert raw.headers["X-Request-Id"] == raw.request_id
    shown = repr(raw)
    assert raw.request_id in shown
    assert not [value for value in (pid, row["firstName"], row["lastName"]) if value in shown]


async def test_raw_response_counts_attempts(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A call answered after a retry reports both attempts, and the answer that counted."""
    pid = a_patient(welkin_emulator)
    welkin_emulator.faults = [Fault("status", status=503, route=GET_ONE)]
    hits: list[str] = []

    def heal_on_the_retry(route: str) -> None:
        hits.append(route)
        if route == GET_ONE and hits.count(GET_ONE) == 2:
            welkin_emulator.faults = []

    welkin_emulator.on_request(heal_on_the_retry)
    async with connect() as client:
        raw = await client.with_raw_response(client.patients.get(pid))
    assert (raw.status, raw.attempts) == (200, 2)


async def test_concurrent_raw_responses_keep_their_own_answers(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    ids = acme_live(welkin_emulator).patients.ids()
    async with connect() as client:
        raws = await asyncio.gather(
            *(client.with_raw_response(client.patients.get(pid)) for pid in ids)
        )
    assert [str(raw.value.id) for raw in raws] == ids
    assert len({raw.request_id for raw in raws}) == len(ids)
    assert all(raw.calls == 1 for raw in raws)


async def test_raw_response_needs_an_awaitable_that_calls(connect: Connect) -> None:
    async def nothing() -> int:
        return 1

    async with connect() as client:
        with pytest.raises(TypeError, match="takes the coroutine of one call"):
            await client.with_raw_response(client.patients)  # type: ignore[arg-type]
        task = asyncio.ensure_future(nothing())
        with pytest.raises(TypeError, match="takes the coroutine of one call"):
            await client.with_raw_response(task)  # type: ignore[arg-type]
        await task
        with pytest.raises(TypeError, match="made no API call"):
            await client.with_raw_response(nothing())


async def test_api_errors_carry_the_request_id_and_safe_headers(connect: Connect) -> None:
    """A 404's request id is on the error and in its text (for a support ticket); its headers
    are the safe ones only."""
    async with connect() as client:
        with pytest.raises(NotFound) as raised:
            await client.with_raw_response(client.patients.get("00000000-0000-4000-8000-0000"))
    error = raised.value
    assert error.request_id is not None
    assert error.request_id.startswith("emu-")
    assert f"request_id={error.request_id}" in str(error)
    assert error.headers["X-Request-Id"] == error.request_id
    assert "Content-Type" in error.headers


def test_request_ids_that_do_not_look_like_ids_are_not_kept() -> None:
    assert request_id_of({"X-Request-Id": " abc-123 "}) == "abc-123"
    assert request_id_of({"X-Amzn-RequestId": "5f0e9c1e-aaaa"}) == "5f0e9c1e-aaaa"
    assert request_id_of({"X-Request-Id": "x" * 129}) is None
    assert request_id_of({"X-Request-Id": "a b"}) is None
    assert request_id_of({"X-Request-Id": "<script>"}) is None
    assert request_id_of({}) is None


def test_safe_headers_leave_out_cookies_and_unknown_headers() -> None:
    kept = safe_headers(
        {
            "Content-Type": "application/json",
            "Set-Cookie": "session=secret",
            "X-Request-Id": "r-1",
            "X-Patient-Name": "Ada",
            "Retry-After": "5",
            "Server": "x" * 600,  # too long to be a header worth keeping
        }
    )
    assert kept == {"Content-Type": "application/json", "X-Request-Id": "r-1", "Retry-After": "5"}
    assert safe_headers({"x-request-id": "r-2"}) == {"x-request-id": "r-2"}


def _answering(status: int, headers: dict[str, str]) -> web.Application:
    """A tiny API: a token for anyone, and ``status`` with ``headers`` for every patient."""

    async def token(_request: web.Request) -> web.Response:
        return web.json_response(
            {"access_token": "t0k3n", "token_type": "bearer", "expires_in": 60}
        )

    async def patient(_request: web.Request) -> web.Response:
        body = [{"errorCode": "PATIENT_NOT_FOUND", "componentType": "PATIENT", "message": "x"}]
        return web.json_response(body, status=status, headers=headers)

    app = web.Application()
    app.router.add_post("/v1/acme/oauth/token", token)
    app.router.add_get("/v1/acme/live/patients/{id}", patient)
    return app


@pytest.mark.parametrize(
    ("request_id", "kept"),
    [("r-42", "r-42"), ("x" * 300, None), ("ids have spaces", None), ("café", None)],
)
async def test_an_errors_headers_leave_out_cookies_and_odd_request_ids(
    request_id: str, kept: str | None
) -> None:
    headers = {
        "X-Request-Id": request_id,
        "Set-Cookie": "session=cookie-secret",
        "X-Internal-Patient": "Ada Lovelace",
        "Retry-After": "7",
    }
    async with serving(_answering(404, headers)) as url:
        client = WelkinClient(
            tenant="acme",
            environment="live",
            credentials=ClientCredentials("id", "secret"),
            base_url=url.rstrip("/"),
        )
        async with client:
            with pytest.raises(NotFound) as raised:
                await client.patients.get("p-1")
    error = raised.value
    assert error.request_id == kept
    assert "set-cookie" not in {name.lower() for name in error.headers}
    assert "X-Internal-Patient" not in error.headers
    assert error.headers["retry-after"] == "7"
    assert "cookie-secret" not in str(error)
    assert "Ada" not in str(error)
    assert (f"request_id={kept}" in str(error)) is (kept is not None)
