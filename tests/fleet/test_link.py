"""The fleet's Redis link: which URLs it takes, and how it degrades and comes back."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from redis.asyncio import Redis

from welkin_async import ClientStats
from welkin_async.errors import ConfigurationError
from welkin_async.fleet import _link
from welkin_async.fleet._link import Link, LinkDown, checked_url
from welkin_async.testing import RedisServer


@pytest.mark.parametrize(
    "url",
    [
        "redis://127.0.0.1:6379/0",
        "redis://:password@localhost:6379",
        "redis://[::1]:6379",
        "rediss://cache.internal:6380/1",
        "unix:///run/redis.sock",
    ],
)
def test_urls_the_fleet_takes(url: str) -> None:
    """TLS anywhere; plain redis:// and unix sockets on this machine."""
    assert checked_url(url) == url


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("redis://:hunter2@cache.internal:6379", "plain redis:// only to this machine"),
        ("http://127.0.0.1:6379", "not one redis-py can use"),
        ("redis://:hunter2@127.0.0.1:99999/0", "not one redis-py can use"),
        ("rediss://:hunter2@cache.internal?ssl_cert_reqs=none", "verification off"),
        ("rediss://cache.internal?ssl_check_hostname=false", "verification off"),
        ("rediss://cache.internal?ssl_check_hostname=f", "verification off"),
        # redis-py takes the first of a repeated option: that is the one checked.
        ("rediss://cache.internal?ssl_cert_reqs=none&ssl_cert_reqs=required", "verification off"),
        ("redis://127.0.0.1:6379?socket_timeout=300", "sets socket_timeout"),
        ("redis://127.0.0.1:6379?retry_on_timeout=yes", "sets retry_on_timeout"),
        ("redis://", "names no host"),
        ("", "non-empty string"),
    ],
)
def test_urls_the_fleet_refuses(url: str, message: str) -> None:
    """A plain link off this machine, another scheme or TLS unverified: refused, the URL
    (which may hold a password) never shown."""
    with pytest.raises(ConfigurationError, match=message) as caught:
        checked_url(url)
    assert "hunter2" not in str(caught.value)


async def test_an_outage_is_one_warning_and_the_return_another(
    redis_server: RedisServer,
    redis: Redis,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Redis down: calls fail as LinkDown, one warning for the outage; back up: shared again."""
    monkeypatch.setattr(_link, "RETRY_SECONDS", 0.0)  # try Redis again on every call
    stats = ClientStats()
    link = Link(redis_server.url, stats)

    async def ping(connection: Any) -> bool:
        return bool(await connection.ping())

    try:
        assert await link.call(ping)
        assert stats.fleet_shared is True
        redis_server.stop()
        try:
            with caplog.at_level(logging.WARNING, logger="welkin_async.fleet"):
                for _ in range(3):
                    with pytest.raises(LinkDown):
                        await link.call(ping)
            assert stats.fleet_shared is False
            assert stats.fleet_outages == 1
            messages = [record.getMessage() for record in caplog.records]
            assert len(messages) == 1
            assert "cannot be used" in caplog.records[0].getMessage()
        finally:
            redis_server.start()
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="welkin_async.fleet"):
            assert await link.call(ping)
        assert stats.fleet_shared is True
        assert stats.fleet_outages == 1
        assert "reachable again" in caplog.records[0].getMessage()
    finally:
        await link.aclose()


async def test_after_a_failure_the_link_is_not_tried_for_a_while() -> None:
    """Within RETRY_SECONDS of a failure no call reaches Redis: each is LinkDown at once."""
    link = Link("redis://:hunter2@127.0.0.1:1/0", ClientStats())  # nothing listens on port 1
    tries = 0

    async def ping(connection: Any) -> bool:
        nonlocal tries
        tries += 1
        return bool(await connection.ping())

    try:
        for _ in range(3):
            with pytest.raises(LinkDown):
                await link.call(ping)
        assert tries == 1
        assert not link.up
    finally:
        await link.aclose()
    assert "hunter2" not in repr(link)


async def test_a_silent_redis_costs_one_call_the_timeout_not_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Redis that takes connections but never answers: after the first failure, one call at a
    time tries it again while every other call goes on alone at once."""
    monkeypatch.setattr(_link, "RETRY_SECONDS", 0.0)
    accepted: list[asyncio.StreamWriter] = []

    async def silent(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)  # read nothing, answer nothing

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    link = Link(f"redis://127.0.0.1:{port}/0", ClientStats(), timeout=0.3)
    tries = 0

    async def ping(connection: Any) -> bool:
        nonlocal tries
        tries += 1
        return bool(await connection.ping())

    try:
        with pytest.raises(LinkDown):
            await link.call(ping)  # the first failure: the timeout
        outcomes = await asyncio.gather(
            *(link.call(ping) for _ in range(10)), return_exceptions=True
        )
        assert all(isinstance(outcome, LinkDown) for outcome in outcomes)
        assert tries == 2  # the first call, then one probe; nine went on without Redis
    finally:
        await link.aclose()
        server.close()
        for writer in accepted:
            writer.close()
        await server.wait_closed()
