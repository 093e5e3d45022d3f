"""Fleet acceptance: processes on one API client share its limit and token through a real Redis.

Each test starts child processes (tests/fleet/_child_client.py), each a WelkinClient in fleet
mode, against one emulator served by this test's event loop and the session's redis-server.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tests.fleet._children import REPLY_SECONDS, ask, said, spawn, stop
from welkin_async import WelkinClient
from welkin_async.fleet import RedisCoordination
from welkin_async.testing import RedisServer, ServerRateLimit, WelkinEmulator


@asynccontextmanager
async def fleet(
    emulator: WelkinEmulator,
    redis_url: str,
    tmp_path: Path,
    *,
    processes: int,
    tasks: int,
    ids: list[str],
) -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """``processes`` children on the same API client, each open and ready."""
    credentials = emulator.credentials("acme")
    config = {
        "url": emulator.url,
        "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
        "redis": redis_url,
        "prefix": f"test-{tmp_path.name}",
        "ids": ids,
        "tasks": tasks,
    }
    children: list[asyncio.subprocess.Process] = []
    try:
        for _ in range(processes):
            children.append(await spawn("_child_client", config, tmp_path / "fleet.json"))
        for child in children:
            assert await said(child) == {"ready": True}
        yield children
        for child in children:
            await finish(child)
    finally:
        for child in children:
            await stop(child)


async def finish(child: asyncio.subprocess.Process) -> None:
    """Close the child's stdin: it closes its client and exits cleanly."""
    assert child.stdin is not None
    child.stdin.close()
    assert await asyncio.wait_for(child.wait(), REPLY_SECONDS) == 0


def patient_ids(emulator: WelkinEmulator) -> list[str]:
    table = emulator.tenant("acme").environments["live"].patients
    return sorted(table.rows)


async def test_four_processes_share_one_token(
    redis_server: RedisServer, redis: Any, tmp_path: Path
) -> None:
    """4 processes x 250 tasks starting without a token make exactly one token request."""
    async with WelkinEmulator(patients=250, tenants=["acme"]) as emulator:
        ids = patient_ids(emulator)
        async with fleet(
            emulator, redis_server.url, tmp_path, processes=4, tasks=250, ids=ids
        ) as children:
            answers = await asyncio.gather(*(ask(child, "get 0 250") for child in children))
        assert emulator.stats.tokens_issued == 1
        assert sum(answer["token_requests"] for answer in answers) == 1
        assert all(sorted(answer["got"]) == ids for answer in answers)


RATE = 100.0  # requests/s the emulator admits per API client
SCAN_SECONDS = 15.0


async def test_four_processes_stay_within_one_limit(
    redis_server: RedisServer, redis: Any, tmp_path: Path
) -> None:
    """4 processes x 8 tasks against a limit of R with no Retry-After: >= 0.9 R, <= 1% 429s."""
    limit = ServerRateLimit(RATE, retry_after="none")
    async with WelkinEmulator(patients=200, tenants=["acme"], rate_limit=limit) as emulator:
        ids = patient_ids(emulator)
        async with fleet(
            emulator, redis_server.url, tmp_path, processes=4, tasks=8, ids=ids
        ) as children:
            answers = await asyncio.gather(
                *(ask(child, f"scan {SCAN_SECONDS}") for child in children)
            )
    ok = sum(answer["ok"] for answer in answers)
    throttled = sum(answer["throttled"] for answer in answers)
    assert all(answer["failed"] == 0 for answer in answers), [a["errors"][:3] for a in answers]
    assert ok / SCAN_SECONDS >= 0.9 * RATE
    assert throttled <= 0.01 * (ok + throttled)


async def test_redis_going_away_and_back(
    redis_server: RedisServer, redis: Any, tmp_path: Path
) -> None:
    """Redis stopped mid-run: every process goes on alone, then returns to shared mode; each
    patient is fetched exactly once and no request is repeated."""
    async with WelkinEmulator(patients=400, tenants=["acme"]) as emulator:
        ids = patient_ids(emulator)
        chunks = [(first, first + 50) for first in range(0, 400, 50)]
        async with fleet(
            emulator, redis_server.url, tmp_path, processes=4, tasks=8, ids=ids
        ) as children:
            shared = await asyncio.gather(
                *(ask(child, "get {} {}".format(*chunks[i])) for i, child in enumerate(children))
            )
            redis_server.stop()
            try:
                alone = await asyncio.gather(
                    *(
                        ask(child, "get {} {}".format(*chunks[4 + i]))
                        for i, child in enumerate(children)
                    )
                )
            finally:
                redis_server.start()
            back = await asyncio.gather(*(ask(child, "rejoin 30") for child in children))
            states = await asyncio.gather(*(ask(child, "get 0 0") for child in children))
        served = emulator.stats.requests["GET /patients/{patient_id}"]
    assert all(answer["shared"] is True and answer["outages"] == 0 for answer in shared)
    assert all(answer["shared"] is False and answer["outages"] == 1 for answer in alone)
    assert all(answer["shared"] is True for answer in back + states)
    got = [patient for answer in shared + alone for patient in answer["got"]]
    assert sorted(got) == ids  # every one, once
    calls = sum(answer["calls"] for answer in back)
    assert served == len(ids) + calls  # no request sent twice
    assert emulator.stats.tokens_issued == 1  # each kept the token it had


async def test_a_token_answered_401_is_replaced_once_for_the_fleet(
    redis_server: RedisServer, redis: Any
) -> None:
    """When the server stops taking the shared token, the first member to hear 401 fetches a
    new one and the other member, hearing 401 too, takes that one: two token requests in all."""
    async with WelkinEmulator(patients=1, tenants=["acme"], token_ttl=600) as emulator:
        credentials = emulator.credentials("acme")
        patient_id = patient_ids(emulator)[0]
        coordination = RedisCoordination(redis_server.url, key_prefix="refused")
        first, second = (
            WelkinClient(
                tenant="acme",
                environment="live",
                credentials=credentials,
                base_url=emulator.url,
                coordination=coordination,
            )
            for _ in range(2)
        )
        async with first, second:
            await first.patients.get(patient_id)
            await second.patients.get(patient_id)
            assert emulator.stats.tokens_issued == 1
            emulator.clock.advance(900)  # the server's clock: the token has expired there
            await first.patients.get(patient_id)
            await second.patients.get(patient_id)
            assert emulator.stats.tokens_issued == 2
            assert first.stats.replays == second.stats.replays == 1
