"""Who may send now: a concurrency semaphore, a token bucket, a shared pause, an adaptive rate.

Every attempt passes :meth:`Limiter.acquire` before it is sent and :meth:`Limiter.release` after
its answer is read. Three things can hold it:

1. the semaphore: at most ``max_concurrency`` attempts in flight;
2. a pause: a 429 with ``Retry-After`` stops *every* task of the client until then;
3. the token bucket: ``RateLimit`` if configured, and the adaptive rate once the server has
   answered 429.

The adaptive rate is AIMD in the manner of AWS's adaptive retry mode: a throttle steps the rate
down multiplicatively (once per congestion episode, not once per 429 of the same burst), and
successes raise it back additively, a tenth of the pre-throttle rate per second. When no rate
was configured, the first step down starts from the successes of the last second: the rate the
server has just admitted.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from time import monotonic

from welkin_async._config import RateLimit
from welkin_async._stats import ClientStats

BETA = 0.7  # multiplicative decrease on a throttle
RECOVERY_PER_SECOND = 0.1  # additive increase, as a fraction of the pre-throttle rate
MIN_RATE = 0.5  # requests/s: the floor the adaptive rate never goes below


class _SuccessRate:
    """Successful answers within the last second: the rate the server has just admitted."""

    def __init__(self) -> None:
        self._times: deque[float] = deque()

    def observe(self, now: float) -> None:
        self._times.append(now)
        while self._times[0] <= now - 1.0:
            self._times.popleft()

    @property
    def per_second(self) -> float:
        return float(len(self._times))


class Limiter:
    """The admission gate of one client; made in the client's ``__aenter__``."""

    def __init__(self, max_concurrency: int, rate_limit: RateLimit | None, stats: ClientStats):
        self._slots = asyncio.Semaphore(max_concurrency)
        self._stats = stats
        self._limit = rate_limit.per_second if rate_limit is not None else math.inf
        self._capacity = rate_limit.capacity if rate_limit is not None else 1.0
        self._rate = self._limit  # current rate; inf while neither configured nor throttled
        self._tokens = self._capacity
        self._refilled = monotonic()
        self._resume_at = 0.0
        self._last_decrease = -math.inf
        self._ceiling = self._limit  # the rate before the latest decrease
        self._increased = monotonic()
        self._successes = _SuccessRate()
        stats.rate_per_second = None if math.isinf(self._rate) else self._rate

    async def acquire(self) -> None:
        """Wait for a slot, then for the end of any pause, then for a token of the bucket."""
        await self._slots.acquire()
        try:
            await self._wait_for_pause()
            wait = self._take_token(monotonic())
            if wait > 0:
                await asyncio.sleep(wait)
                await self._wait_for_pause()
        except BaseException:
            self._slots.release()
            raise

    def release(self) -> None:
        self._slots.release()

    def on_success(self) -> None:
        now = monotonic()
        self._successes.observe(now)
        if math.isfinite(self._rate) and self._rate < self._limit:
            step = RECOVERY_PER_SECOND * self._ceiling * (now - self._increased)
            self._set_rate(min(self._limit, self._rate + step))
        self._increased = now

    def on_throttle(self, retry_after: float | None, sent_at: float) -> None:
        """A 429 for an attempt sent at ``sent_at`` (monotonic); pause all if the server said so."""
        now = monotonic()
        if retry_after is not None and now + retry_after > self._resume_at:
            self._resume_at = now + retry_after
            self._stats.pauses += 1
        if sent_at <= self._last_decrease:
            return  # sent before we last slowed down: part of a burst already reacted to
        base = self._rate if math.isfinite(self._rate) else self._successes.per_second
        self._ceiling = max(MIN_RATE, base)
        self._set_rate(max(MIN_RATE, base * BETA))
        self._tokens = min(self._tokens, 1.0)  # no burst right after slowing down
        self._last_decrease = now
        self._increased = now
        self._stats.rate_decreases += 1

    async def _wait_for_pause(self) -> None:
        while (wait := self._resume_at - monotonic()) > 0:
            await asyncio.sleep(wait)

    def _take_token(self, now: float) -> float:
        """Take a token, going into debt if none is left; return how long to wait for it.

        Debt keeps waiters in arrival order without a queue: the n-th waiter sleeps n/rate.
        """
        if math.isinf(self._rate):
            return 0.0
        self._tokens = min(self._capacity, self._tokens + (now - self._refilled) * self._rate)
        self._refilled = now
        self._tokens -= 1.0
        return 0.0 if self._tokens >= 0 else -self._tokens / self._rate

    def _set_rate(self, rate: float) -> None:
        self._rate = rate
        self._stats.rate_per_second = rate
