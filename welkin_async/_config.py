"""The client's policies as frozen values: built once per client, never module-level state.

- :class:`Timeouts`: per attempt, mapped onto aiohttp's ``ClientTimeout``.
- :class:`Limits`: the largest answer the client accepts.
- :class:`RateLimit`: the client-side token bucket (the server's limit, if you know it).
- :class:`RetryPolicy`: how long and how often to retry, and the retry budget.
- :class:`Layout`: which of the two deployments' URL shapes and token exchange to use.
"""

from __future__ import annotations

import enum
import ipaddress
import math
from typing import Any
from urllib.parse import urlsplit

import attrs

from welkin_async.errors import ConfigurationError


def _positive_or_none(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not 0 < value < math.inf:  # NaN fails both tests
        raise ValueError(f"{attribute.name} must be positive and finite, or None for no limit")


@attrs.frozen
class Timeouts:
    """Seconds allowed per attempt: to connect, between reads, and for the whole attempt.

    ``None`` disables a limit. A timeout before the connection is made means the request was
    never sent, so it is retried like a connect error, for any method.
    """

    connect: float | None = attrs.field(default=10.0, validator=_positive_or_none)
    read: float | None = attrs.field(default=60.0, validator=_positive_or_none)
    total: float | None = attrs.field(default=120.0, validator=_positive_or_none)


@attrs.frozen
class Limits:
    """What the client accepts from a server, whatever the server says.

    ``max_response_bytes`` bounds one answer's body *after* decompression. It is read
    incrementally and abandoned at the limit, so a 200 MB body, an endless chunked stream or a
    gzip bomb costs at most this much memory and fails with
    :class:`~welkin_async.errors.ResponseTooLarge` (not retried: the same request would get the
    same answer). The default, 64 MiB, is hundreds of times the largest page the API serves.
    """

    max_response_bytes: int = attrs.field(
        default=64 * 1024 * 1024, validator=attrs.validators.gt(0)
    )


@attrs.frozen
class RateLimit:
    """At most ``per_second`` requests per second on average, and ``burst`` at once.

    ``burst`` defaults to one second's worth. Set this to the limit your API client has been
    given; without it the client still slows down on its own when the server answers 429.
    """

    per_second: float = attrs.field(validator=attrs.validators.gt(0.0))
    burst: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.gt(0))
    )

    @property
    def capacity(self) -> float:
        return float(self.burst) if self.burst is not None else max(1.0, self.per_second)


@attrs.frozen
class RetryPolicy:
    """Exponential back-off with full jitter, bounded three ways, and a retry budget.

    - The n-th retry waits a random time in ``[0, min(max_delay, initial_delay * 2**n))``.
    - A call stops after ``max_tries`` attempts or once ``max_elapsed`` seconds have passed.
    - The budget is a token bucket shared by the whole client. Each success adds
      ``budget_ratio`` of a retry, each retry takes one, ``budget_floor_per_second`` trickle in
      regardless, and it holds at most ``budget_reserve`` (which it starts with). Retries thus
      keep up with a server failing up to about one attempt in six; against a dead server,
      where no success refills it, they add at most the reserve plus the floor per second: a
      few percent of the traffic of a busy client.
    - A ``Retry-After`` longer than ``max_retry_after`` is not waited out: the call raises
      :class:`~welkin_async.errors.RateLimited` at once.
    """

    max_tries: int = attrs.field(default=5, validator=attrs.validators.gt(0))
    max_elapsed: float = attrs.field(default=60.0, validator=attrs.validators.gt(0.0))
    initial_delay: float = attrs.field(default=0.1, validator=attrs.validators.gt(0.0))
    max_delay: float = attrs.field(default=10.0, validator=attrs.validators.gt(0.0))
    max_retry_after: float = attrs.field(default=120.0, validator=attrs.validators.ge(0.0))
    budget_ratio: float = attrs.field(default=0.2, validator=attrs.validators.ge(0.0))
    budget_reserve: float = attrs.field(default=10.0, validator=attrs.validators.ge(0.0))
    budget_floor_per_second: float = attrs.field(default=1.0, validator=attrs.validators.ge(0.0))


class Layout(enum.Enum):
    """The URL shape of a deployment (see ``live-api`` in the docs).

    - ``DOCUMENTED``: ``/v1/{tenant}/{environment}/...``, OAuth client credentials at
      ``/v1/{tenant}/oauth/token``.
    - ``LIVE``: ``/{tenant}/{environment}/...``, the API client secret exchanged at
      ``/{tenant}/admin/api_clients/{name}``.
    """

    DOCUMENTED = "documented"
    LIVE = "live"

    @property
    def default_base_url(self) -> str:
        return _DEFAULT_BASE_URLS[self]

    def tenant_root(self, base_url: str, tenant: str) -> str:
        """The URL that tenant-level paths (``admin/...``, the token endpoint) hang off."""
        version = "/v1" if self is Layout.DOCUMENTED else ""
        return f"{base_url}{version}/{tenant}/"


_DEFAULT_BASE_URLS = {
    Layout.DOCUMENTED: "https://api.welkinhealth.com",
    Layout.LIVE: "https://api.live.welkincloud.io",
}


def checked_base_url(url: str) -> str:
    """``url`` without a trailing slash, if it is https, or plain http to a loopback host."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except (ValueError, TypeError):  # "http://[::1": an unclosed IPv6 literal; not a string
        raise ConfigurationError("base_url is not a well-formed URL") from None
    if parts.scheme not in ("http", "https") or not hostname:
        raise ConfigurationError("base_url must be an absolute http(s) URL")
    if "?" in url or "#" in url:
        raise ConfigurationError("base_url must not carry a query or a fragment")
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError("base_url must not carry credentials; pass them as credentials=")
    if parts.scheme == "http" and not _is_loopback(hostname):
        raise ConfigurationError(
            "plain http is only allowed to a loopback host; use https for remote servers"
        )
    return url.rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
