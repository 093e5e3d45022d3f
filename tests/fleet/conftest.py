"""Fixtures of the fleet tests: one real redis-server for the session, emptied for each test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from welkin_async.testing import RedisServer


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A redis-server on a free loopback port, started once and stopped after the session."""
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.close()


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
