"""The fleet's stores in Redis: export positions any process resumes from, and webhook delivery
ids every receiver replica shares.

A fleet's processes come and go: an export killed on one host must resume on another, and a load
balancer may send a sender's retry, or an operator's replay, to another replica than the one that
took the delivery. Files and memory are one process's; these stores keep the same things in the
Redis the fleet already runs, and keep them unreadable there:

- :class:`RedisCheckpoint` stores each position (which holds record ids: PHI-adjacent) sealed
  with AES-GCM under a key derived from a secret (see :mod:`._crypto`), bound to its Redis key,
  under a keyed digest of the export's name. The document sealed is the checkpoint file's own
  (:func:`~welkin_async._checkpoint.dump_positions`), so a position read back is checked by the
  same rules and refused with the same errors.
- :class:`RedisDedupe` records a delivery id with one atomic ``SET NX EX``, under a digest of it.

Unlike :class:`~welkin_async.fleet.RedisCoordination`, a store has nothing of its own to fall
back on: saying "new" or "already taken" without Redis would handle a delivery twice or lose it,
and a position not saved is not saved. So every call tries Redis (bounded by ``timeout``) and a
failure raises a typed error at once. There is no retry-later window, as the coordination's
link has, in which calls would fail without trying: a store works again as soon as Redis answers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Self, TypeVar

from redis import exceptions as redis_errors
from redis.asyncio import Redis

from welkin_async._checkpoint import (
    CheckpointError,
    ExportPosition,
    dump_positions,
    load_positions,
)
from welkin_async.errors import ConfigurationError, WelkinError
from welkin_async.fleet._coordination import DEFAULT_PREFIX, checked_prefix
from welkin_async.fleet._crypto import Sealer, Unsealable
from welkin_async.fleet._link import DEFAULT_TIMEOUT, checked_seconds, checked_url, connect

T = TypeVar("T")
DEFAULT_DEDUPE_TTL = 72 * 3600  # seconds: senders retry for hours, operators replay for days
MAX_DEDUPE_TTL = 100 * 366 * 24 * 3600  # a century: longer is a mistake, and soon past what
# Redis can express


class FleetStoreError(WelkinError):
    """A fleet store could not use Redis (stopped, unreachable, too slow, or refusing): nothing
    was read or recorded; try again later. The message names the store and the error's type,
    never the URL (it may hold a password)."""


class CheckpointUnavailable(FleetStoreError, CheckpointError):
    """The Redis checkpoint store could not use Redis: a :class:`CheckpointError` (what an export
    raises for any checkpoint trouble) and a :class:`FleetStoreError` (Redis, try again)."""


def _checked_secret(secret: object) -> str | bytes:
    if not isinstance(secret, str | bytes) or not secret:
        raise ConfigurationError("secret must be a non-empty string or bytes")
    if isinstance(secret, str):
        try:
            secret.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: no bytes to derive a key from
            raise ConfigurationError("secret is not valid Unicode text") from None
    return secret


class _RedisStore:
    """What both stores share: checked settings, and a connection pool opened on first use."""

    _name: str  # how errors name the store
    _error: type[FleetStoreError]

    def __init__(self, url: str, key_prefix: str, timeout: float) -> None:
        self._url = checked_url(url)
        self.key_prefix = checked_prefix(key_prefix)
        self._timeout = checked_seconds("timeout", timeout)
        self._redis: Redis | None = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool (safe twice; a later call opens a new one)."""
        redis, self._redis = self._redis, None
        if redis is not None:
            await redis.aclose()

    async def _call(self, operation: Callable[[Redis], Awaitable[T]]) -> T:
        # Opened here, in the running loop that uses it, never at construction; no fallback
        # and no retry-later window (see the module docstring).
        if self._redis is None:
            self._redis = connect(self._url, self._timeout)
        try:
            return await operation(self._redis)
        except Exception as exc:  # noqa: BLE001 - whatever Redis (or a server that is not
            # quite Redis) does wrong is the store's failure: typed, never a stray exception.
            # The type only: a message of redis-py's names the host and port.
            lost = (redis_errors.ConnectionError, redis_errors.TimeoutError, OSError)
            what = "cannot be reached" if isinstance(exc, lost) else "was answered with an error"
            raise self._error(f"the Redis {self._name} {what} ({type(exc).__name__})") from None


class RedisCheckpoint(_RedisStore):
    """Export positions in Redis, sealed: any process of the fleet resumes any export.

    ::

        checkpoint = RedisCheckpoint("rediss://redis.internal:6380/0", secret=checkpoint_secret)
        async with checkpoint, WelkinClient(...) as client:
            async for page in client.exports.stream("PATIENT", checkpoint=checkpoint).pages():
                write_durably(page.items)  # before the next page is asked for: then it is saved

    ``secret`` (``str`` or ``bytes``, the same in every process) derives the key that seals
    positions; another secret, or a value changed in Redis, raises :class:`CheckpointError` on
    load (nothing is deleted: finish or restart exports before rotating it). Positions have no
    TTL. A save returns once Redis holds the position in memory: for a position to survive a
    Redis crash, run Redis with ``appendonly yes`` (``appendfsync always``, or ``everysec`` to
    risk the last second). Saves are plain ``SET``: one export (one export type under one
    ``key_prefix``) must run in one process at a time, as its saves then come one after another.
    Redis failing (see :class:`CheckpointUnavailable`) or a position that cannot be read raises
    :class:`CheckpointError`; close with ``aclose()`` or ``async with``.
    """

    _name = "checkpoint store"
    _error = CheckpointUnavailable

    def __init__(
        self,
        url: str,
        *,
        secret: str | bytes,
        key_prefix: str = DEFAULT_PREFIX,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        super().__init__(url, key_prefix, timeout)
        self._sealer = Sealer(_checked_secret(secret), "checkpoint")

    def __repr__(self) -> str:
        return f"RedisCheckpoint(key_prefix={self.key_prefix!r})"  # the URL may hold a password

    def _key(self, export: str) -> str:
        return f"{self.key_prefix}:checkpoint:{self._sealer.digest(export)}"

    async def load(self, key: str) -> ExportPosition | None:
        where = self._key(key)

        async def get(redis: Redis) -> bytes | None:
            value = await redis.get(where)  # the pool does not decode replies: bytes
            if not isinstance(value, bytes | None):
                raise TypeError("not the reply of GET")  # not Redis: a failure of the store
            return value

        sealed = await self._call(get)
        if sealed is None:
            return None
        described = f"the Redis checkpoint of {key}"
        try:
            document = self._sealer.open(sealed, where)
        except Unsealable:
            raise CheckpointError(
                f"{described} does not open: it was sealed with another secret, or is damaged"
            ) from None
        position = load_positions(document, described).get(key)
        if position is None:
            raise CheckpointError(f"{described} holds no position of {key}")
        return position

    async def save(self, key: str, position: ExportPosition) -> None:
        if position.export_type != key:
            raise ValueError("a position is saved under its own export_type")
        where = self._key(key)
        sealed = self._sealer.seal(dump_positions({key: position}).encode(), where)
        await self._call(lambda redis: redis.set(where, sealed))


class RedisDedupe(_RedisStore):
    """Webhook delivery ids in Redis: each delivery is taken once across every receiver replica.

    ::

        dedupe = RedisDedupe("rediss://redis.internal:6380/0", secret=dedupe_secret)
        app = webhook_app(handle_event, secrets=["whsec_..."], dedupe=dedupe)
        app.on_cleanup.append(lambda _: dedupe.aclose())

    ``add`` is one atomic ``SET key 1 NX PX ttl``: of deliveries of one id racing on several
    replicas, exactly one is new. Ids are remembered for ``ttl`` seconds (72 hours: longer than
    senders retry). Keys hold a digest of the id: keyed (HMAC) with ``secret`` if one is given,
    SHA-256 otherwise. When Redis fails, ``add`` raises :class:`FleetStoreError` rather than
    guess; the receiver answers ``503`` so that the sender delivers again later.
    """

    _name = "webhook dedupe store"
    _error = FleetStoreError

    def __init__(
        self,
        url: str,
        *,
        secret: str | bytes | None = None,
        key_prefix: str = DEFAULT_PREFIX,
        ttl: float = DEFAULT_DEDUPE_TTL,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        super().__init__(url, key_prefix, timeout)
        self.ttl = checked_seconds("ttl", ttl, maximum=MAX_DEDUPE_TTL)
        self._ttl_ms = max(1, round(self.ttl * 1000))
        if secret is None:
            self._digest: Callable[[str], str] = _sha256
        else:
            self._digest = Sealer(_checked_secret(secret), "webhook").digest

    def __repr__(self) -> str:
        return f"RedisDedupe(key_prefix={self.key_prefix!r}, ttl={self.ttl!r})"

    async def add(self, webhook_id: str) -> bool:
        key = f"{self.key_prefix}:webhook:{self._digest(webhook_id)}"
        return bool(await self._call(lambda redis: redis.set(key, b"1", nx=True, px=self._ttl_ms)))


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
