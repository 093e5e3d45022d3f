"""Fleet mode's seam: what a client hands its coordination, and what it gets back.

A :class:`Coordination` (``welkin_async.fleet.RedisCoordination``) is given to
``WelkinClient(coordination=...)``. When the client opens, it *joins*: it describes itself as a
:class:`FleetMember` (which API client it is, its own limiter, how it gets a token) and gets a
:class:`Membership` back, whose ``gate`` admits every attempt and whose ``fetch_token`` stands in
for the client's own token exchange. Nothing here imports Redis: the core knows the shape only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Protocol, runtime_checkable

import attrs

from welkin_async._auth import IssuedToken
from welkin_async._config import RateLimit
from welkin_async._credentials import ClientCredentials, Credentials
from welkin_async._limits import Gate, Limiter
from welkin_async._stats import ClientStats


@attrs.frozen
class FleetMember:
    """One client joining its fleet.

    - ``fleet_id``: which API client this is (a SHA-256 of the tenant's root URL and the
      credentials' public name): processes with the same one share a limit and a token;
    - ``secret``: the API client's secret, from which the fleet derives the key that encrypts
      what it stores (never stored itself, never in a repr);
    - ``limiter``: the process's own limiter: its concurrency slots always, and its rate and
      pause whenever the fleet's shared store cannot be reached;
    - ``fetch_token``: the client's own token exchange (``retry``: more than one attempt);
    - ``rate_limit``: the client's configured rate, a ceiling the shared rate never passes.
    """

    fleet_id: str
    secret: str = attrs.field(repr=False)
    limiter: Limiter
    fetch_token: Callable[[bool], Awaitable[IssuedToken]] = attrs.field(repr=False)
    stats: ClientStats = attrs.field(repr=False)
    rate_limit: RateLimit | None = None


def member_identity(tenant_root: str, credentials: Credentials) -> tuple[str, str]:
    """``(fleet_id, secret)`` of a client: the id names no tenant or client in clear."""
    if isinstance(credentials, ClientCredentials):
        name, secret = credentials.client_id, credentials.client_secret
    else:
        name, secret = credentials.client_name, credentials.secret
    digest = hashlib.sha256(f"{tenant_root}\n{name}".encode()).hexdigest()
    return digest[:32], secret


class Membership(Protocol):
    """A client's place in its fleet, for as long as the client is open."""

    @property
    def gate(self) -> Gate:
        """Admits every API attempt: the shared limit, or the member's own when it must."""
        ...

    async def fetch_token(self, retry: bool) -> IssuedToken:
        """The fleet's token (fetched by one member at a time), or the member's own."""
        ...

    def refused(self, token: str) -> None:
        """The server answered 401 to ``token``: no member should be handed it again."""
        ...

    async def leave(self) -> None:
        """The client is closing: stop any background work and close connections."""
        ...


@runtime_checkable
class Coordination(Protocol):
    """What a fleet of processes on one API client shares (``welkin_async.fleet``)."""

    async def join(self, member: FleetMember) -> Membership:
        """Take ``member`` in; must not fail because the shared store is unreachable."""
        ...
