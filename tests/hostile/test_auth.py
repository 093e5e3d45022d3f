"""A token endpoint that lies: a token no header can carry is a typed error and is never sent;
a token that comes already expired is kept a minimum lifetime, so calls do not each cost a
token request (the live API blocks a client after 100 of them in 5 minutes)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import jwt
import pytest
from aiohttp import web

from tests.hostile._server import HostileServer, json_answer
from welkin_async.errors import AuthenticationError


def token_answer(document: Any) -> Any:
    async def handler(_: web.Request) -> web.StreamResponse:
        return json_answer(document)

    return handler


def patient_route(server: HostileServer) -> None:
    server.answer("GET", "patients/p1", lambda: json_answer({"id": "p1"}))


async def get(client: Any) -> Any:
    return await client.request("GET", "patients/{id}", path_params={"id": "p1"})


@pytest.mark.parametrize(
    "token",
    [
        "abc\r\nX-Injected: 1",
        "abc\ndef",
        "abc\rdef",
        "abc\x00def",
        "abc def",
        "tök",
        "abc\t",
        "\x7f",
    ],
)
async def test_a_token_no_header_can_carry_is_an_authentication_error(
    server: HostileServer, token: str
) -> None:
    server.token_endpoint(token_answer({"token": token}))
    patient_route(server)
    async with asyncio.timeout(5), server.client() as client:
        with pytest.raises(AuthenticationError) as caught:
            await get(client)
    assert caught.value.error_code == "INVALID_TOKEN_RESPONSE"
    assert token not in str(caught.value)
    assert server.requests("GET") == []  # nothing was sent with it


def jwt_with(**claims: int) -> str:
    return jwt.encode(claims, "k" * 32, algorithm="HS256")


NOW = int(time.time())


@pytest.mark.parametrize(
    "document",
    [
        {"token": "t1", "expires_in": 0},
        {"token": "t1", "expires_in": -3600},
        {"token": "t1", "expires_in": -1e308},
        {"token": "t1", "expires_in": 0.001},
        {"token": "t1", "expires_in": 0.5},
        {"token": jwt_with(exp=NOW - 3600)},
        {"token": jwt_with(iat=NOW, exp=NOW - 1)},
        {"token": jwt_with(iat=NOW, exp=NOW)},
    ],
    ids=[
        "zero",
        "negative",
        "huge-negative",
        "a-millisecond",
        "half-a-second",
        "jwt-expired",
        "jwt-exp-before-iat",
        "jwt-zero",
    ],
)
async def test_a_token_that_comes_expired_costs_one_token_request_not_one_per_call(
    server: HostileServer, document: dict[str, Any]
) -> None:
    server.token_endpoint(token_answer(document))
    patient_route(server)
    async with asyncio.timeout(10), server.client() as client:
        for _ in range(20):
            await get(client)
        await asyncio.gather(*(get(client) for _ in range(50)))
    assert server.token_requests == 1
    assert client.stats.token_lifetime_floored == 1


@pytest.mark.parametrize("expires_in", [1e308, 2**63 - 1, "3600", True, None, [1], {"a": 1}])
async def test_any_expires_in_shape_is_read_or_ignored(
    server: HostileServer, expires_in: Any
) -> None:
    """An ``expires_in`` that is not a sane number never raises: the token is used."""
    server.token_endpoint(token_answer({"token": "t1", "expires_in": expires_in}))
    patient_route(server)
    async with asyncio.timeout(5), server.client() as client:
        assert await get(client) == {"id": "p1"}
    assert server.token_requests == 1


@pytest.mark.parametrize(
    "raw",
    [b'{"token": "t1", "expires_in": NaN}', b'{"token": "t1", "expires_in": 1' + b"0" * 400 + b"}"],
)
async def test_a_token_answer_that_is_not_strict_json_is_a_typed_error(
    server: HostileServer, raw: bytes
) -> None:
    async def handler(_: web.Request) -> web.StreamResponse:
        return web.Response(body=raw, content_type="application/json")

    server.token_endpoint(handler)
    patient_route(server)
    async with asyncio.timeout(5), server.client() as client:
        try:
            outcome: object = await get(client)
        except AuthenticationError as exc:
            outcome = exc.error_code
    assert outcome in ({"id": "p1"}, "INVALID_TOKEN_RESPONSE")
