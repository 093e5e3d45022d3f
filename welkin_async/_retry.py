"""When a failed attempt may be tried again, and after how long.

- :func:`may_retry_status` and :func:`may_retry_error` encode which failures are safe to repeat:
  a request that never left (connect error) always; an idempotent one (GET, HEAD, PUT, DELETE,
  or a read sent as POST such as ``by-filter``) on 429, 502, 503, 504, timeouts and broken
  connections; a POST or PATCH only on 429 and 503, which servers answer before processing.
- :class:`RetryState` yields the delays: ``backoff.expo`` capped at ``max_delay``, with
  ``backoff.full_jitter``. The loop itself lives in the client, because a 401 replay, the shared
  ``Retry-After`` pause and the budget all sit between two attempts.
- :class:`RetryBudget` bounds retries client-wide, so an outage does not multiply the traffic.
- :func:`parse_retry_after` reads delta-seconds or an HTTP-date (RFC 9110 section 10.2.3).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC
from email.utils import parsedate_to_datetime
from time import monotonic

import backoff

from welkin_async._config import RetryPolicy
from welkin_async.errors import ResponseTooLarge, TLSError, TransportError

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
_UNPROCESSED_STATUSES = frozenset({429, 503})  # refused before the request was processed
_DELTA_SECONDS = re.compile(r"[0-9]+")  # RFC 9110 delay-seconds, in ASCII digits only


def may_retry_status(status: int, *, idempotent: bool) -> bool:
    return status in (_RETRYABLE_STATUSES if idempotent else _UNPROCESSED_STATUSES)


def may_retry_error(error: TransportError, *, idempotent: bool) -> bool:
    if isinstance(error, ResponseTooLarge):
        return False  # answered: the same request would get the same answer
    if isinstance(error, TLSError):
        return False  # the same certificate fails the same way
    return idempotent or not error.request_sent


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value; ``None`` if absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if _DELTA_SECONDS.fullmatch(value):  # ASCII digits only: "²".isdigit() is True
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
        if moment.tzinfo is None:  # "-0000": UTC, with no claim about the local zone
            moment = moment.replace(tzinfo=UTC)
        return max(0.0, moment.timestamp() - time.time())
    except (TypeError, ValueError, OverflowError, IndexError):  # any text a server can send
        return None


class RetryState:
    """The attempts of one call so far, and the delays before its retries: full jitter over a
    capped exponential (``backoff.expo`` and ``backoff.full_jitter``)."""

    def __init__(self, policy: RetryPolicy, max_tries: int) -> None:
        self.attempts = 0
        self._max_tries = max_tries
        self._started = monotonic()
        self._policy = policy
        self._delays: Iterator[float] | None = None  # made at the first failure, not per call

    def next_delay(self, retry_after: float | None, *, paused_by_limiter: bool) -> float:
        """The wait before the next attempt: the server's ``Retry-After`` if it gave one (which
        the limiter already waits out for API calls), else the next back-off delay."""
        if retry_after is not None:
            return 0.0 if paused_by_limiter else retry_after
        if self._delays is None:
            policy = self._policy
            self._delays = backoff.expo(
                base=2, factor=policy.initial_delay, max_value=policy.max_delay
            )
            next(self._delays)  # backoff's generators are primed before the first value
        return backoff.full_jitter(next(self._delays))

    @property
    def deadline(self) -> float:
        """When ``max_elapsed`` ends (monotonic): no wait may reach past it."""
        return self._started + self._policy.max_elapsed

    def allows(self, delay: float) -> bool:
        """Whether one more attempt, after ``delay``, keeps within the policy's bounds."""
        return self.attempts < self._max_tries and monotonic() + delay <= self.deadline


class RetryBudget:
    """A token bucket of retries: successes refill it by ``budget_ratio`` each, time by
    ``budget_floor_per_second``, up to ``budget_reserve`` (which it also starts with)."""

    def __init__(self, policy: RetryPolicy) -> None:
        self._ratio = policy.budget_ratio
        self._floor = policy.budget_floor_per_second
        self._capacity = max(1.0, policy.budget_reserve)
        self._balance = policy.budget_reserve
        self._updated = monotonic()

    def deposit(self) -> None:
        self._balance = min(self._capacity, self._balance + self._ratio)

    def withdraw(self) -> bool:
        """Take one retry if the budget has it."""
        now = monotonic()
        self._balance = min(self._capacity, self._balance + (now - self._updated) * self._floor)
        self._updated = now
        if self._balance < 1.0:
            return False
        self._balance -= 1.0
        return True
