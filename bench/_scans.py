"""Four ways to fetch every patient of the tenant, raced by the throughput and latency scenarios.

Each scan opens its own HTTP session and gets its own token, then starts its clock and pages
through ``POST by-filter/patients`` with pages of ``size``. It returns the ids it saw, so the
caller can check that every patient came exactly once, and the seconds from its first page
request to its last record (setting up a session and a token is not paging, and on a 50-ms
server it would be a tenth of a small scan):

- ``raw``: aiohttp and ``json.loads`` with ``concurrency`` pages in flight: the transport baseline;
- ``pydantic``: the same hand-rolled client, each page parsed by pydantic v2 in one call
  (``Page.model_validate_json``) into models with the same fields as ours (``bench/_peers.py``);
- ``sequential``: aiohttp and ``json.loads``, one page after the other, as the synchronous SDK
  for this API pages (it yields dicts, so no structuring cost is charged to it);
- ``welkin``: ``client.patients.list(size=, concurrency=)``, yielding typed ``Patient`` models;
- ``welkin_primed``: the same on a client that has read the list's first page before the clock
  starts, as a service that scans the same list repeatedly has: the client remembers how many
  pages it had, and requests the first ``concurrency`` of them at once.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from _harness import ENVIRONMENT, TENANT, Server, fetch_token
from _peers import pydantic_peer, spring_page_peer

from welkin_async import ClientCredentials, WelkinClient
from welkin_async.models import Patient

Scan = Callable[[Server, int, int], Awaitable[tuple[list[Any], float]]]
"""``scan(server, size, concurrency)``: the ids of every patient as they came, and the seconds."""

_PAGE = spring_page_peer(pydantic_peer(Patient))


async def _fan_out(
    server: Server, size: int, concurrency: int, read: Callable[[bytes], tuple[list[Any], int]]
) -> tuple[list[Any], float]:
    """The first page, then the rest ``concurrency`` at a time; ``read`` gives (ids, pages)."""
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        headers = {"Authorization": f"Bearer {await fetch_token(session, server)}"}
        url = f"{server.api}/by-filter/patients"

        async def page(number: int) -> tuple[list[Any], int]:
            params = {"page": str(number), "size": str(size)}
            async with session.post(url, params=params, headers=headers, json={}) as response:
                if response.status != 200:
                    raise aiohttp.ClientResponseError(
                        response.request_info, (), status=response.status
                    )
                return read(await response.read())

        started = time.perf_counter()
        first, pages = await page(0)
        gate = asyncio.Semaphore(concurrency)

        async def gated(number: int) -> list[Any]:
            async with gate:
                return (await page(number))[0]

        rest = await asyncio.gather(*(gated(number) for number in range(1, pages)))
        ids = [patient_id for chunk in (first, *rest) for patient_id in chunk]
        return ids, time.perf_counter() - started


def _read_json(body: bytes) -> tuple[list[Any], int]:
    page = json.loads(body)
    return [item["id"] for item in page["content"]], page["totalPages"]


def _read_pydantic(body: bytes) -> tuple[list[Any], int]:
    page: Any = _PAGE.model_validate_json(body)
    return [item.id for item in page.content], page.total_pages


async def raw(server: Server, size: int, concurrency: int) -> tuple[list[Any], float]:
    return await _fan_out(server, size, concurrency, _read_json)


async def pydantic(server: Server, size: int, concurrency: int) -> tuple[list[Any], float]:
    return await _fan_out(server, size, concurrency, _read_pydantic)


async def sequential(server: Server, size: int, _: int) -> tuple[list[Any], float]:
    async with aiohttp.ClientSession() as session:
        headers = {"Authorization": f"Bearer {await fetch_token(session, server)}"}
        url = f"{server.api}/by-filter/patients"
        ids: list[Any] = []
        started = time.perf_counter()
        number, last = 0, False
        while not last:
            params = {"page": str(number), "size": str(size)}
            async with session.post(url, params=params, headers=headers, json={}) as response:
                response.raise_for_status()
                page = json.loads(await response.read())
            ids += [item["id"] for item in page["content"]]
            number, last = number + 1, page["last"]
        return ids, time.perf_counter() - started


def client(server: Server) -> WelkinClient:
    """A client with the defaults a user gets, pointed at the benchmark's server."""
    return WelkinClient(
        tenant=TENANT,
        environment=ENVIRONMENT,
        credentials=ClientCredentials(server.client_id, server.client_secret),
        base_url=server.url,
    )


async def welkin(
    server: Server, size: int, concurrency: int, *, primed: bool = False
) -> tuple[list[Any], float]:
    async with client(server) as welkin_client:
        # The token and a connection; primed, the same list's first page (its page count).
        warm_up = welkin_client.patients.list(size=size if primed else 1, concurrency=concurrency)
        async for _ in warm_up:
            break
        started = time.perf_counter()
        listing = welkin_client.patients.list(size=size, concurrency=concurrency)
        ids = [patient.id async for patient in listing]
        return ids, time.perf_counter() - started


async def welkin_primed(server: Server, size: int, concurrency: int) -> tuple[list[Any], float]:
    return await welkin(server, size, concurrency, primed=True)


SCANS: dict[str, Scan] = {
    "raw": raw,
    "pydantic": pydantic,
    "sequential": sequential,
    "welkin": welkin,
    "welkin_primed": welkin_primed,
}


def timed(
    scan: Scan, server: Server, size: int, concurrency: int, total: int
) -> Callable[[], Awaitable[float]]:
    """A run of ``scan`` that checks it saw each of ``total`` patients once; its records/s."""

    async def run() -> float:
        ids, seconds = await scan(server, size, concurrency)
        if len(ids) != total or len({str(i) for i in ids}) != total:
            raise AssertionError(f"{scan.__name__}: {len(ids)} records, expected {total} distinct")
        return total / seconds

    return run
