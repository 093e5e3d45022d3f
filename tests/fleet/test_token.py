"""The fleet's one token against a real Redis: fetched once, stored sealed, never reused after
a 401, replaced when it cannot be opened, and each process's own when Redis is away."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from tests.fleet._members import SECRET, Join, TokenEndpoint, member
from welkin_async.testing import RedisServer

KEY_PREFIX = "token"  # the join fixture's
TOKEN_KEY = f"token:{'f' * 32}:token"


async def test_many_members_asking_at_once_make_one_token_request(join: Join) -> None:
    """Four members, 50 concurrent asks each, with no token yet: one request, one token."""
    endpoint = TokenEndpoint()
    members = [await join(member(endpoint)) for _ in range(4)]
    tokens = await asyncio.gather(*(one.fetch_token(True) for one in members for _ in range(50)))
    assert endpoint.requests == 1
    assert {token.value for token in tokens} == {"token-1"}


async def test_the_token_is_stored_sealed_with_its_lifetime_as_ttl(
    join: Join, redis: Redis
) -> None:
    """Redis holds no token and no secret in clear, and forgets the token when it expires."""
    membership = await join(member(TokenEndpoint(lifetime=600.0)))
    issued = await membership.fetch_token(True)
    stored = await redis.get(TOKEN_KEY)
    assert stored is not None
    assert issued.value.encode() not in stored
    assert SECRET.encode() not in stored
    assert 590_000 < await redis.pttl(TOKEN_KEY) <= 600_000


async def test_a_member_reads_what_is_left_of_the_shared_lifetime(join: Join) -> None:
    """A second member gets the stored token with its remaining lifetime, not a new one."""
    endpoint = TokenEndpoint(lifetime=600.0)
    first, second = await join(member(endpoint)), await join(member(endpoint))
    await first.fetch_token(True)
    shared = await second.fetch_token(True)
    assert endpoint.requests == 1
    assert shared.value == "token-1"
    assert shared.lifetime is not None
    assert 590.0 < shared.lifetime <= 600.0


async def test_a_token_near_its_end_is_refreshed_once(join: Join, redis: Redis) -> None:
    """A stored token in the last half of its life (or SKEW) is replaced by one member's new
    token, and every member gets that one."""
    endpoint = TokenEndpoint(lifetime=30.0)
    members = [await join(member(endpoint)) for _ in range(3)]
    await members[0].fetch_token(True)
    await redis.pexpire(TOKEN_KEY, 10_000)  # 20 s later, as far as Redis can tell
    tokens = await asyncio.gather(*(one.fetch_token(True) for one in members))
    assert endpoint.requests == 2
    assert {token.value for token in tokens} == {"token-2"}


async def test_a_refused_token_is_never_handed_out_again(join: Join) -> None:
    """After a 401 on the shared token, the member refreshes; the others get the new token."""
    endpoint = TokenEndpoint()
    first, second = await join(member(endpoint)), await join(member(endpoint))
    old = await first.fetch_token(True)
    first.refused(old.value)
    renewed = await first.fetch_token(True)
    assert renewed.value == "token-2"
    assert (await second.fetch_token(True)).value == "token-2"
    assert endpoint.requests == 2


async def test_a_token_sealed_with_another_secret_is_replaced(join: Join) -> None:
    """A rotated client secret: the stored token does not open, so it is fetched anew."""
    old_endpoint, new_endpoint = TokenEndpoint(), TokenEndpoint()
    await (await join(member(old_endpoint, secret="old-secret"))).fetch_token(True)
    token = await (await join(member(new_endpoint, secret="new-secret"))).fetch_token(True)
    assert new_endpoint.requests == 1
    assert token.value == "token-1"


async def test_a_lock_left_by_a_dead_process_is_taken_over(join: Join, redis: Redis) -> None:
    """A refresh lock whose holder died runs out with its lease; then a member refreshes."""
    endpoint = TokenEndpoint()
    await redis.set(f"{TOKEN_KEY}-lock", "dead-owner", px=300)
    token = await (await join(member(endpoint))).fetch_token(True)
    assert token.value == "token-1"
    assert endpoint.requests == 1


async def test_without_redis_each_member_fetches_its_own(
    redis_server: RedisServer, join: Join
) -> None:
    """Redis stopped: the member's own token exchange answers, and nothing is stored."""
    endpoint = TokenEndpoint()
    membership = await join(member(endpoint))
    redis_server.stop()
    try:
        token = await membership.fetch_token(True)
    finally:
        redis_server.start()
    assert token.value == "token-1"
    assert endpoint.requests == 1
    assert membership.shared is False
