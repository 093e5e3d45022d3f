"""``RedisCoordination``: the processes of a fleet share one API client's limit and token."""

from __future__ import annotations

from welkin_async._auth import IssuedToken
from welkin_async._coordination import FleetMember
from welkin_async._limits import Gate
from welkin_async.errors import ConfigurationError
from welkin_async.fleet._crypto import Sealer
from welkin_async.fleet._gate import SharedGate
from welkin_async.fleet._link import DEFAULT_TIMEOUT, Link, checked_seconds, checked_url
from welkin_async.fleet._token import SharedToken

DEFAULT_PREFIX = "welkin"


def checked_prefix(key_prefix: object) -> str:
    """A key prefix: printable ASCII without spaces, so every key the fleet writes is plain."""
    if (
        not isinstance(key_prefix, str)
        or not key_prefix
        or not key_prefix.isascii()
        or not key_prefix.isprintable()
        or " " in key_prefix
    ):
        raise ConfigurationError("key_prefix must be a non-empty string of printable ASCII")
    return key_prefix


class RedisCoordination:
    """Fleet mode on Redis: give one to each process's client as ``coordination=``::

        coordination = RedisCoordination("redis://127.0.0.1:6379/0", key_prefix="billing")
        async with WelkinClient(..., coordination=coordination) as client:
            ...

    Every process on the same API client (tenant, base URL and credentials) shares:

    - **one rate limit**: a GCRA in one Lua script, at the client's ``rate_limit`` if one is set
      and at the fleet's adaptive rate (found from 429s, as one client finds its own);
    - **one pause**: a 429 with ``Retry-After`` seen by any process pauses them all;
    - **one token**: refreshed by one process at a time, stored sealed with AES-GCM under a key
      derived from the client secret (HKDF), with a TTL of its remaining lifetime.

    Concurrency (``max_concurrency``) stays per process. When Redis cannot be reached, each
    process limits itself and uses its own token, logs one warning, and returns to shared mode
    by itself when Redis answers again (tried once a second). ``timeout`` bounds connecting to
    Redis and each reply (seconds). Keys start with ``key_prefix``; nothing stored names the
    tenant, the client or a patient, and nothing is stored in clear but counters and times.
    Plain ``redis://`` is for this machine only; use ``rediss://`` (TLS) to reach another.
    """

    def __init__(
        self, url: str, *, key_prefix: str = DEFAULT_PREFIX, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self._url = checked_url(url)
        self.key_prefix = checked_prefix(key_prefix)
        self._timeout = checked_seconds("timeout", timeout)

    def __repr__(self) -> str:
        return f"RedisCoordination(key_prefix={self.key_prefix!r})"  # the URL may hold a password

    async def join(self, member: FleetMember) -> RedisMembership:
        """A client's membership; its own connection pool, closed when the client closes."""
        link = Link(self._url, member.stats, timeout=self._timeout)
        base = f"{self.key_prefix}:{member.fleet_id}"
        return RedisMembership(link, base, member)


class RedisMembership:
    """One client's part in the fleet (see :class:`~welkin_async._coordination.Membership`)."""

    def __init__(self, link: Link, base: str, member: FleetMember) -> None:
        self._link = link
        self._gate = SharedGate(link, base, member)
        self._token = SharedToken(link, f"{base}:token", Sealer(member.secret, "token"), member)

    def __repr__(self) -> str:
        return f"<RedisMembership {'shared' if self._link.shared else 'alone'}>"

    @property
    def gate(self) -> Gate:
        return self._gate

    @property
    def shared(self) -> bool:
        """Whether the last exchange with Redis succeeded (``False``: working alone)."""
        return self._link.shared

    async def fetch_token(self, retry: bool) -> IssuedToken:
        return await self._token.fetch(retry)

    def refused(self, token: str) -> None:
        self._token.refused(token)

    async def leave(self) -> None:
        try:
            await self._gate.aclose()
            await self._token.aclose()
        finally:
            await self._link.aclose()
