"""Per-API-client request limits: a token bucket answering 429 with ``Retry-After``."""

from __future__ import annotations

import math
from email.utils import formatdate
from typing import Literal, get_args

import attrs

from welkin_async.testing._clock import Clock

RetryAfterFormat = Literal["seconds", "http-date", "none"]


@attrs.frozen
class ServerRateLimit:
    """The emulator's limit per API client: ``per_second`` sustained, ``burst`` at once.

    ``retry_after`` picks how 429s say when to come back: delta-seconds (``"seconds"``) or an
    HTTP-date (``"http-date"``), both allowed by RFC 9110 section 10.2.3, or not at all
    (``"none"``), as in the live API's recorded traffic.
    """

    per_second: float = attrs.field(validator=attrs.validators.gt(0))
    burst: int | None = None
    retry_after: RetryAfterFormat = attrs.field(
        default="seconds", validator=attrs.validators.in_(get_args(RetryAfterFormat))
    )

    @property
    def capacity(self) -> float:
        return float(self.burst) if self.burst is not None else max(1.0, self.per_second)


@attrs.define
class _Bucket:
    tokens: float
    updated: float


@attrs.define
class RateLimiter:
    """Token buckets keyed by API client, refilled from the emulator's clock."""

    limit: ServerRateLimit
    clock: Clock
    _buckets: dict[str, _Bucket] = attrs.field(factory=dict)

    def acquire(self, client_id: str) -> float | None:
        """Take one token; ``None`` if allowed, else the seconds until one is available."""
        now = self.clock.monotonic()
        capacity = self.limit.capacity
        bucket = self._buckets.get(client_id)
        if bucket is None:
            bucket = self._buckets[client_id] = _Bucket(tokens=capacity, updated=now)
        bucket.tokens = min(
            capacity, bucket.tokens + (now - bucket.updated) * self.limit.per_second
        )
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return None
        return (1.0 - bucket.tokens) / self.limit.per_second


def retry_after_header(wait: float, clock: Clock, style: RetryAfterFormat) -> str | None:
    """``Retry-After`` for a wait of ``wait`` seconds, in whole seconds as the header allows.

    Delta-seconds are rounded up, at least 1 (``0`` would say "now"). An HTTP-date is the first
    whole second at which a request will be admitted: ``wait`` from now, rounded up. Rounding
    both the current time and the wait up would add up to a second that no server means.
    """
    if style == "none":
        return None
    if style == "http-date":
        return formatdate(math.ceil(clock.time() + wait), usegmt=True)
    return str(max(1, math.ceil(wait)))
