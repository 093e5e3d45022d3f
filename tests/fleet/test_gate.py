"""The fleet's shared gate against a real Redis: one rate, one pause, one adaptive rate."""

from __future__ import annotations

import asyncio
from time import monotonic

import pytest
from redis.asyncio import Redis

from tests.fleet._members import Join, TokenEndpoint, member
from welkin_async import RateLimit
from welkin_async._limits import Gate, PauseTooLong
from welkin_async.fleet import _link
from welkin_async.fleet._coordination import RedisMembership
from welkin_async.fleet._gate import SLOW_START_RATE, UNLIMITED
from welkin_async.testing import RedisServer

KEY_PREFIX = "gate"  # the join fixture's


async def test_a_pause_told_to_one_process_holds_every_process(join: Join) -> None:
    """A 429 with Retry-After at one member pauses another: its acquire past the deadline fails."""
    first: RedisMembership = await join(member(TokenEndpoint()))
    second: RedisMembership = await join(member(TokenEndpoint()))
    await first.gate.acquire()
    first.gate.release()
    first.gate.on_throttle(30.0, monotonic())
    await first.leave()  # waits for the report of the 429 to reach Redis
    with pytest.raises(PauseTooLong) as paused:
        await second.gate.acquire(deadline=monotonic() + 1.0)
    assert 25.0 < paused.value.wait <= 30.0
    assert second.gate.pause_remaining > 25.0


async def test_a_configured_rate_is_shared_not_multiplied(join: Join) -> None:
    """Two members at RateLimit(50/s) admit 50 requests together in about a second, not half."""
    limit = RateLimit(per_second=50, burst=1)
    members = [await join(member(TokenEndpoint(), rate_limit=limit)) for _ in range(2)]
    started = monotonic()

    async def take(gate: Gate) -> None:
        for _ in range(25):
            await gate.acquire()
            gate.release()

    await asyncio.gather(*(take(one.gate) for one in members))
    # 50 slots at 50/s, the first at once: 49 intervals of 20 ms. Alone, each would take 0.48 s.
    assert monotonic() - started >= 0.9 * 49 / 50


async def test_a_fresh_fleet_starts_slow_and_shares_its_rate(join: Join, redis: Redis) -> None:
    """A fleet with no state starts at the slow-start rate; a step down at one member sets the
    ceiling every member's rate climbs back to."""
    first: RedisMembership = await join(one := member(TokenEndpoint()))
    second: RedisMembership = await join(other := member(TokenEndpoint()))
    await first.gate.acquire()
    first.gate.release()
    assert one.stats.rate_per_second == SLOW_START_RATE
    for _ in range(20):  # evidence: successes the server admitted
        first.gate.on_success()
    first.gate.on_throttle(None, monotonic())
    await first.leave()  # waits for the report of the 429 to reach Redis
    state = await redis.hgetall(f"gate:{'f' * 32}:limit")
    ceiling = float(state[b"ceil"])
    assert state[b"known"] == b"1"
    assert ceiling < UNLIMITED
    assert one.stats.rate_decreases == 1
    await second.gate.acquire()
    second.gate.release()
    assert other.stats.rate_per_second is not None
    assert other.stats.rate_per_second <= ceiling  # climbing back to it, not past it yet


async def test_members_with_different_limits_are_each_held_to_their_own(join: Join) -> None:
    """A member at RateLimit(10/s) keeps to it while a member without a limit sends freely."""
    limited: RedisMembership = await join(member(TokenEndpoint(), rate_limit=RateLimit(10, 1)))
    free: RedisMembership = await join(member(TokenEndpoint()))

    async def take(gate: Gate, times: int) -> None:
        for _ in range(times):
            await gate.acquire()
            gate.release()

    started = monotonic()
    await asyncio.gather(take(limited.gate, 6), take(free.gate, 50))
    assert monotonic() - started >= 0.9 * 5 / 10  # 6 slots at 10/s: 5 intervals of 100 ms


async def test_a_pause_heard_while_alone_holds_after_redis_is_back(
    redis_server: RedisServer, join: Join, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Retry-After answered while Redis was down still holds the process once Redis is back."""
    monkeypatch.setattr(_link, "RETRY_SECONDS", 0.0)
    alone: RedisMembership = await join(member(TokenEndpoint()))
    redis_server.stop()
    try:
        await alone.gate.acquire()  # the link fails: the local limiter admits
        alone.gate.release()
        alone.gate.on_throttle(30.0, monotonic())
    finally:
        redis_server.start()
    with pytest.raises(PauseTooLong):
        await alone.gate.acquire(deadline=monotonic() + 1.0)


async def test_without_redis_each_member_limits_itself(
    redis_server: RedisServer, join: Join
) -> None:
    """Redis stopped: acquire is decided by the member's own limiter, whose pause now holds."""
    alone: RedisMembership = await join(one := member(TokenEndpoint()))
    redis_server.stop()
    try:
        await alone.gate.acquire()  # the link fails: the local limiter admits
        alone.gate.release()
        assert one.stats.fleet_shared is False
        alone.gate.on_throttle(30.0, monotonic())
        with pytest.raises(PauseTooLong):
            await alone.gate.acquire(deadline=monotonic() + 1.0)
    finally:
        redis_server.start()
