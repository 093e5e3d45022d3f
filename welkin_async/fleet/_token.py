"""The fleet's one token: fetched by one process at a time, kept sealed in Redis.

The live API blocks an API client after 100 token requests in 5 minutes, so a fleet of pods that
restart together must not each fetch one. A process whose own cached token is stale asks here:

1. a sealed token in Redis that is still fresh (more than ``SKEW`` seconds, or half its
   lifetime, from expiring) is used as it is: no token request;
2. otherwise the process takes the refresh lock (``SET NX`` with a lease of ``LEASE_SECONDS``,
   so a process that dies holding it does not hold it for ever; a lock with no lease, or a
   longer one, was not set by a member and is taken over), looks again, and only then asks the
   token endpoint; the answer is sealed (AES-GCM, see :mod:`._crypto`) and stored with a TTL of
   its lifetime (a lifetime under a second is kept ``MIN_LIFETIME``, as one client keeps it),
   and the lock given back (only by its holder: a compare-and-delete);
3. a process that finds the lock taken waits for the holder's token, reading Redis again after
   short, growing delays, and asks the endpoint itself if the lease runs out first;
4. a refresh that failed is noted for ``FAILED_BACKOFF_SECONDS``: meanwhile, the others raise
   :class:`TokenRefreshFailed` at once rather than each asking the endpoint that just failed.

A token the server answered 401 is remembered (as a keyed digest) and never handed out again:
the next process to read it deletes it (only if it is still that token) and refreshes. A stored
token that does not open (another secret: a rotation) or is damaged is replaced.
When Redis cannot be reached, the process fetches its own token (see :mod:`._link`).
"""

from __future__ import annotations

import asyncio
import json
import math
import secrets
from collections import OrderedDict
from contextlib import suppress
from time import monotonic

from redis.asyncio import Redis

from welkin_async._auth import MIN_LIFETIME, PLAUSIBLE_LIFETIME, SKEW, IssuedToken
from welkin_async._coordination import FleetMember
from welkin_async.errors import WelkinError
from welkin_async.fleet._crypto import Sealer, Unsealable
from welkin_async.fleet._link import Link, LinkDown

LEASE_SECONDS = 10.0  # how long a refresh may hold the lock (a longer one: a second request)
FAILED_BACKOFF_SECONDS = 2.0  # after a failed refresh, how long no other member tries
UNKNOWN_LIFETIME_TTL = 3600.0  # seconds a token of unknown lifetime is kept in Redis
FIRST_POLL, LAST_POLL = 0.01, 0.2  # seconds between reads while another process refreshes
REFUSED_REMEMBERED = 64  # digests of tokens answered 401 kept by each process

# Delete KEYS[1] only if it still holds ARGV[1]: a lock (its owner) or a token (its sealed value).
_DELETE_IF = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# Take the lock KEYS[1] for owner ARGV[1] with a lease of ARGV[2] ms: free, or held without a
# lease or with a longer one than any member sets (not a member's: taken over).
_TAKE_LOCK = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
local left = redis.call('PTTL', KEYS[1])
if left == -1 or left > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""


class TokenRefreshFailed(WelkinError):
    """Another process of the fleet failed to get a token moments ago: this one does not ask
    the token endpoint again until ``FAILED_BACKOFF_SECONDS`` have passed (the live API blocks
    a client that asks too often). The process that asked raised the endpoint's own error."""


class SharedToken:
    """``fetch(retry)`` for a member's :class:`~welkin_async._auth.TokenCache`."""

    def __init__(self, link: Link, key: str, sealer: Sealer, member: FleetMember) -> None:
        self._link = link
        self._key = key
        self._lock_key = f"{key}-lock"
        self._failed_key = f"{key}-failed"
        self._sealer = sealer
        self._own_fetch = member.fetch_token
        self._delete_if = link.redis.register_script(_DELETE_IF)
        self._take = link.redis.register_script(_TAKE_LOCK)
        self._refused: OrderedDict[str, None] = OrderedDict()
        self._releases: set[asyncio.Task[None]] = set()

    def __repr__(self) -> str:
        return "<SharedToken>"

    def refused(self, token: str) -> None:
        self._refused[self._sealer.digest(token)] = None
        while len(self._refused) > REFUSED_REMEMBERED:
            self._refused.popitem(last=False)

    async def fetch(self, retry: bool) -> IssuedToken:
        try:
            return await self._shared(retry)
        except LinkDown:
            return await self._own_fetch(retry)

    async def aclose(self) -> None:
        """Let the releases of locks taken by cancelled calls finish (each bounded by the link's
        timeout)."""
        if self._releases:
            await asyncio.gather(*self._releases, return_exceptions=True)

    async def _shared(self, retry: bool) -> IssuedToken:
        give_up_at = monotonic() + LEASE_SECONDS
        poll = FIRST_POLL
        while True:
            held = await self._read()
            if held is not None:
                return held
            owner = secrets.token_hex(16)
            if await self._take_lock(owner):
                try:
                    return await self._refresh(retry)
                finally:
                    await self._release(owner)
            if monotonic() >= give_up_at:  # the holder is stuck yet its lease is not over
                return await self._own_fetch(retry)
            await asyncio.sleep(poll)
            poll = min(poll * 2, LAST_POLL)

    async def _refresh(self, retry: bool) -> IssuedToken:
        """With the lock held: a token another process stored meanwhile, or a new one."""
        held = await self._read()
        if held is not None:
            return held
        if await self._link.call(lambda r: r.exists(self._failed_key)):
            raise TokenRefreshFailed(
                "the fleet's last token request failed moments ago; not asking again yet"
            )
        try:
            issued = await self._own_fetch(retry)
        except WelkinError:
            backoff = int(FAILED_BACKOFF_SECONDS * 1000)
            with suppress(LinkDown):
                await self._link.call(lambda r: r.set(self._failed_key, b"1", px=backoff))
            raise
        lifetime = issued.lifetime
        if lifetime is not None and lifetime < PLAUSIBLE_LIFETIME:
            lifetime = MIN_LIFETIME  # as the member's own cache keeps it: see welkin_async._auth
        ttl = lifetime if lifetime is not None and math.isfinite(lifetime) else None
        document = {"token": issued.value, "lifetime": ttl}
        sealed = self._sealer.seal(json.dumps(document).encode(), self._key)
        px = max(1, int((ttl if ttl is not None else UNKNOWN_LIFETIME_TTL) * 1000))
        # Not stored (Redis went away): the token is ours all the same.
        with suppress(LinkDown):
            await self._link.call(lambda r: r.set(self._key, sealed, px=px))
        return issued

    async def _read(self) -> IssuedToken | None:
        """The stored token while it is fresh, with what is left of its lifetime."""

        async def get(redis: Redis) -> tuple[bytes | None, int]:
            async with redis.pipeline(transaction=False) as pipe:
                pipe.get(self._key)
                pipe.pttl(self._key)
                sealed, left = await pipe.execute()
            if not isinstance(sealed, bytes | None) or not isinstance(left, int):
                raise TypeError("not the replies of GET and PTTL")  # not Redis: see Link.call
            return sealed, left

        sealed, left_ms = await self._link.call(get)
        if sealed is None:
            return None
        opened = self._opened(sealed)
        if opened is None or self._sealer.digest(opened[0]) in self._refused:
            # Another secret's (a rotation), damaged, or refused: replace it.
            await self._link.call(lambda r: self._delete_if(keys=[self._key], args=[sealed]))
            return None
        token, lifetime = opened
        if lifetime is None:
            return IssuedToken(token, None)
        left = left_ms / 1000
        if left <= min(SKEW, lifetime / 2):
            return None  # due for a refresh: whoever takes the lock does it
        return IssuedToken(token, left)

    def _opened(self, sealed: bytes) -> tuple[str, float | None] | None:
        """``(token, lifetime)`` of a sealed document, or ``None`` if it is not one of ours."""
        try:
            document = json.loads(self._sealer.open(sealed, self._key))
        except (Unsealable, ValueError):
            return None
        if not isinstance(document, dict):
            return None
        token, lifetime = document.get("token"), document.get("lifetime")
        if not isinstance(token, str) or not token:
            return None
        if lifetime is None:
            return token, None
        if isinstance(lifetime, bool) or not isinstance(lifetime, int | float):
            return None
        return (token, float(lifetime)) if math.isfinite(lifetime) and lifetime > 0 else None

    async def _take_lock(self, owner: str) -> bool:
        lease = int(LEASE_SECONDS * 1000)
        try:
            taken = await self._link.call(
                lambda r: self._take(keys=[self._lock_key], args=[owner, lease])
            )
        except asyncio.CancelledError:
            # The SET may have landed: give the lock back from a task that outlives this one,
            # or every member would wait out the lease for a holder that is gone.
            task = asyncio.create_task(self._release(owner))
            self._releases.add(task)
            task.add_done_callback(self._releases.discard)
            raise
        return bool(taken == 1)

    async def _release(self, owner: str) -> None:
        with suppress(LinkDown):  # not given back: its lease ends it
            await self._link.call(lambda r: self._delete_if(keys=[self._lock_key], args=[owner]))
