"""Fixtures of the fleet tests: one real redis-server for the session, emptied for each test,
and fleet members joined to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from tests.fleet._members import Join
from welkin_async._coordination import FleetMember
from welkin_async.fleet import RedisCoordination
from welkin_async.fleet._coordination import RedisMembership
from welkin_async.testing import RedisServer


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A redis-server on a free loopback port, started once and stopped after the session."""
    with RedisServer() as server:
        yield server


@pytest.fixture
async def redis(redis_server: RedisServer) -> AsyncIterator[Redis]:
    """A connection to the session's server, emptied before the test (restarted if stopped)."""
    try:
        connection = Redis.from_url(redis_server.url)
        await connection.ping()
    except (RedisError, OSError):  # a test stopped it and failed before starting it again
        redis_server.start()
        connection = Redis.from_url(redis_server.url)
    await connection.flushdb()
    try:
        yield connection
    finally:
        await connection.aclose()


@pytest.fixture
async def join(
    redis_server: RedisServer, redis: Redis, request: pytest.FixtureRequest
) -> AsyncIterator[Join]:
    """Joins fleet members as separate processes would (keys under the test module's
    ``KEY_PREFIX``), and makes them leave after the test."""
    joined: list[RedisMembership] = []
    coordination = RedisCoordination(redis_server.url, key_prefix=request.module.KEY_PREFIX)

    async def joiner(one: FleetMember) -> RedisMembership:
        membership = await coordination.join(one)
        joined.append(membership)
        return membership

    yield joiner
    for membership in joined:
        await membership.leave()
