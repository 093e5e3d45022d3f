"""The fleet's connection to Redis, and whether it can be used now.

Every Redis call of the fleet goes through :meth:`Link.call`. A call that fails (Redis stopped,
unreachable, too slow: ``timeout`` bounds connecting and each reply; the URL may not override
it) marks the link down for ``RETRY_SECONDS``: until then, callers do not wait on Redis at all
but fall back to what the process has of its own (its limiter, its own token). Then one call
tries Redis again while the others still go on alone. The first failure of an outage is logged
once as a warning; the first success after it, once at INFO, that shared mode is back.
"""

from __future__ import annotations

import ipaddress
import logging
import ssl
from collections.abc import Awaitable, Callable
from time import monotonic
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.asyncio.connection import SSLConnection, parse_url
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from welkin_async._stats import ClientStats
from welkin_async.errors import ConfigurationError

logger = logging.getLogger("welkin_async.fleet")

T = TypeVar("T")
RETRY_SECONDS = 1.0  # after a failure, how long the fleet works alone before trying Redis again
DEFAULT_TIMEOUT = 0.5  # seconds for connecting to Redis and for each of its replies


class LinkDown(Exception):
    """Redis cannot be used now; the caller falls back to the process's own means."""


# URL options that would undo what the fleet sets: its bound on each reply and no retries.
_OWNED_OPTIONS = ("socket_timeout", "socket_connect_timeout", "retry_on_timeout", "retry_on_error")


def checked_url(url: object) -> str:
    """A Redis URL the fleet may use: ``rediss://`` (TLS, verified), or plain ``redis://`` and
    ``unix://`` to this machine only, as plain ``http`` is for the API. It is read as redis-py
    reads it (its ``parse_url``: the first of a repeated option counts, ``f`` means false), so
    what is checked is what would be used. Errors never show the URL: it may hold a password."""
    if not isinstance(url, str) or not url:
        raise ConfigurationError("the Redis URL must be a non-empty string")
    try:
        options = parse_url(url)
    except ValueError:  # a scheme redis-py does not know, a port out of range, a bad option
        raise ConfigurationError(
            "the Redis URL is not one redis-py can use (rediss://, redis:// or unix://, a "
            "port from 1 to 65535, options with valid values)"
        ) from None
    for option in _OWNED_OPTIONS:
        if option in options:
            raise ConfigurationError(
                f"the Redis URL sets {option}; the fleet sets it (timeout=, no retries)"
            )
    if options.get("ssl_cert_reqs", "required") not in ("required", ssl.CERT_REQUIRED) or (
        options.get("ssl_check_hostname", True) is not True
    ):
        raise ConfigurationError("the Redis URL turns TLS verification off; it stays on")
    if "path" in options:  # unix://: a socket of this machine
        return url
    host = options.get("host")
    if not host:
        raise ConfigurationError("the Redis URL names no host")
    tls = options.get("connection_class") is SSLConnection
    if not tls and not _loopback(str(host)):
        raise ConfigurationError(
            "plain redis:// only to this machine (127.0.0.1, ::1, localhost); use rediss:// "
            "for a Redis elsewhere"
        )
    return url


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def checked_seconds(name: str, value: object, *, maximum: float = 86_400.0) -> float:
    """A positive number of seconds up to ``maximum`` (not a bool), or
    :class:`ConfigurationError`."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= maximum:
        raise ConfigurationError(
            f"{name} must be a number of seconds above 0 and at most {maximum:g}"
        )
    return float(value)


def connect(url: str, timeout: float) -> Redis:
    """A connection pool (it connects on first use): ``timeout`` bounds connecting and each
    reply, and a failed command is not retried, so its caller decides at once what to do.
    Over TLS, certificates and host names are verified (said here, not left to redis-py's
    defaults, which did not check host names before 6.0)."""
    tls: dict[str, Any] = {}
    if parse_url(url).get("connection_class") is SSLConnection:
        tls = {"ssl_cert_reqs": "required", "ssl_check_hostname": True}
    return Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        decode_responses=False,
        **tls,
    )


class Link:
    """A client's connection to the fleet's Redis, and whether to use it now (see the module
    docstring); ``stats`` gets ``fleet_shared`` and ``fleet_outages``."""

    def __init__(self, url: str, stats: ClientStats, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.redis = connect(url, timeout)
        self._down_until = 0.0
        self._outage = False
        self._probing = False  # a call is trying Redis again after a failure
        self._stats = stats
        stats.fleet_shared = True

    def __repr__(self) -> str:
        return f"<Link {'down' if self._outage else 'up'}>"  # the URL may hold a password

    @property
    def up(self) -> bool:
        """Whether Redis may be tried now: not within ``RETRY_SECONDS`` of a failure."""
        return monotonic() >= self._down_until

    @property
    def shared(self) -> bool:
        """Whether the last call succeeded (the fleet is in shared mode)."""
        return not self._outage

    async def call(self, operation: Callable[[Redis], Awaitable[T]]) -> T:
        """Run ``operation``; :class:`LinkDown` if Redis is down or fails now."""
        if not self.up or self._probing:
            raise LinkDown
        # After a failure, one call tries Redis again while the others go on alone: a Redis
        # that accepts connections but does not answer then costs one call the timeout, not all.
        probing = self._probing = self._outage
        try:
            result = await operation(self.redis)
        except Exception as exc:  # noqa: BLE001 - any failure of the shared store, even a reply
            # of the wrong shape from a server that is not quite Redis: the caller goes on alone.
            self._failed(exc)
            raise LinkDown from None
        finally:
            if probing:
                self._probing = False
        if self._outage:
            self._outage = False
            self._stats.fleet_shared = True
            logger.info("fleet: Redis is reachable again; the fleet shares its limit again")
        return result

    def _failed(self, exc: BaseException) -> None:
        self._down_until = monotonic() + RETRY_SECONDS
        if not self._outage:
            self._outage = True
            self._stats.fleet_shared = False
            self._stats.fleet_outages += 1
            logger.warning(
                "fleet: Redis cannot be used (%s); each process limits itself and uses its "
                "own token until it is back",
                type(exc).__name__,
            )

    async def aclose(self) -> None:
        await self.redis.aclose()
