"""Answers too large to hold: a declared length, a long body, an endless stream and a gzip bomb
all fail with ResponseTooLarge at the configured limit, with memory bounded near it, and are
not retried (the same request would get the same answer)."""

from __future__ import annotations

import asyncio
import tracemalloc
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web

from tests.hostile._server import (
    HostileServer,
    chunked,
    endless,
    gzip_bomb,
    gzip_bomb_bytes,
    json_answer,
)
from welkin_async import Limits
from welkin_async.errors import ResponseTooLarge, TransportError

LIMIT = 1024 * 1024  # 1 MiB: the bodies below are 64 to 200 times that
Script = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def big_body(request: web.Request) -> web.StreamResponse:
    return await chunked(request, 64 * LIMIT)


async def declared_huge(request: web.Request) -> web.StreamResponse:
    """Headers that declare 10 GB, then nothing but a trickle."""
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    response.content_length = 10 * 1024**3
    await response.prepare(request)
    await response.write(b"{")
    await asyncio.Event().wait()
    raise AssertionError("unreachable")


async def bomb(_: web.Request) -> web.StreamResponse:
    return gzip_bomb(200 * LIMIT)


async def long_chunked(request: web.Request) -> web.StreamResponse:
    return await endless(request)


@pytest.mark.parametrize(
    "script", [big_body, declared_huge, bomb, long_chunked], ids=lambda s: s.__name__
)
async def test_an_answer_over_the_limit_is_response_too_large_with_bounded_memory(
    server: HostileServer, script: Script
) -> None:
    server.on("GET", "patients/p1", script)
    gzip_bomb_bytes(
        200 * LIMIT
    )  # made (and cached) before measuring: the server's work, not the client's
    tracemalloc.start()
    try:
        async with asyncio.timeout(20), server.client(limits=Limits(LIMIT)) as client:
            with pytest.raises(ResponseTooLarge) as caught:
                await client.request("GET", "patients/{id}", path_params={"id": "p1"})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(caught.value, TransportError)
    assert caught.value.limit == LIMIT
    assert "patients/{id}" in str(caught.value)
    assert "p1" not in str(caught.value)
    assert peak < 8 * LIMIT, f"{peak:,} bytes held for a {LIMIT:,}-byte limit"
    assert len(server.requests("GET")) == 1  # not retried
    assert client.stats.retries == 0


async def test_an_answer_at_the_limit_is_read_whole(server: HostileServer) -> None:
    padding = LIMIT - len(b'{"id": "p1", "pad": ""}')
    server.answer("GET", "patients/p1", lambda: json_answer({"id": "p1", "pad": "x" * padding}))
    async with server.client(limits=Limits(LIMIT)) as client:
        found = await client.request("GET", "patients/{id}", path_params={"id": "p1"})
    assert found["id"] == "p1"


async def test_a_page_over_the_limit_stops_paging_with_the_typed_error(
    server: HostileServer,
) -> None:
    server.on("GET", "patients/p1/encounters", long_chunked)
    async with asyncio.timeout(20), server.client(limits=Limits(LIMIT)) as client:
        with pytest.raises(ResponseTooLarge):
            async for _ in client.paginate(
                "GET", "patients/{id}/encounters", path_params={"id": "p1"}
            ):
                pass


def test_the_default_limit_is_64_mib() -> None:
    assert Limits().max_response_bytes == 64 * 1024 * 1024
    with pytest.raises(ValueError, match="max_response_bytes"):
        Limits(0)
