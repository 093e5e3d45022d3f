"""Fleet members without a WelkinClient: a limiter and a counted token exchange."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from welkin_async import ClientStats, RateLimit
from welkin_async._auth import IssuedToken
from welkin_async._coordination import FleetMember
from welkin_async._limits import Limiter

if TYPE_CHECKING:
    from welkin_async.fleet._coordination import RedisMembership

SECRET = "client-secret-for-the-fleet-tests"
Join = Callable[[FleetMember], Awaitable["RedisMembership"]]  # the ``join`` fixture


class TokenEndpoint:
    """Hands out ``token-1``, ``token-2``, ... and counts the requests."""

    def __init__(self, lifetime: float | None = 3600.0) -> None:
        self.requests = 0
        self.lifetime = lifetime
        self._numbers = itertools.count(1)

    async def fetch(self, retry: bool) -> IssuedToken:
        self.requests += 1
        return IssuedToken(f"token-{next(self._numbers)}", self.lifetime)


def member(
    endpoint: TokenEndpoint,
    *,
    fleet_id: str = "f" * 32,
    secret: str = SECRET,
    rate_limit: RateLimit | None = None,
    max_concurrency: int = 32,
) -> FleetMember:
    stats = ClientStats()
    limiter = Limiter(max_concurrency, rate_limit, stats)
    return FleetMember(fleet_id, secret, limiter, endpoint.fetch, stats, rate_limit)
