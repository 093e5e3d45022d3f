"""Who may send now: a concurrency semaphore, a token bucket, a shared pause, an adaptive rate.

Every attempt passes :meth:`Limiter.acquire` before it is sent and :meth:`Limiter.release` after
its answer is read. Three things can hold it:

1. the semaphore: at most ``max_concurrency`` attempts in flight;
2. a pause: a 429 with ``Retry-After`` stops *every* task of the client until then (a call
   whose ``max_elapsed`` ends before the pause does fails at once instead of waiting);
3. the token bucket: ``RateLimit`` if configured, and the adaptive rate once the server has
   answered 429.

The adaptive rate steps down multiplicatively on a throttle (x0.7, once per congestion episode,
not once per 429 of the same burst) and climbs back on its own, in the manner of TCP CUBIC:

- **The step down starts from an estimate that needs evidence.** With a rate in force, from that
  rate (or from what the server admitted since the last step down, if less). With none, from
  the successes of the last second (the rate the server has just admitted) when there are at
  least ``max_concurrency`` of them. With fewer, nothing is known of the server yet: a lone 429
  (say, the very first answer) is only noted, and costs its retry, not a crawl; a second one
  for an attempt sent after it steps down from the rate the client was *sending* at, times the
  share of attempts the server admitted in between. A step down made on a guess (a first 429
  that asked for a pause) is refined by the rest of its burst's 429s the same way.
- **A pause or a step down voids the tokens of those waiting for one**: they queue again, when
  the pause ends or at once at the new rate. So the calls held by a pause set out a token
  apart, not together, and a step down takes effect at once: without it, the calls already
  queued would still be sent on the old rate's schedule, over the limit that was just met.
- **The ceiling is remembered.** The rate a throttle came at is where the server's limit
  probably is: the rate climbs back to it within ``RECOVERY_SECONDS`` (fast at first, then
  levelling off), stays near it, then probes above it by a tenth of it per second; past twice
  the ceiling without another 429 the client is unlimited again. A step down made on a guess
  (a first 429 that asked for a pause) is not a ceiling: the rate is back to unlimited within
  ``QUICK_RECOVERY_SECONDS`` after the pause.
- **A ceiling found again is held.** When a throttle finds the limit within
  ``CONFIRMED_WITHIN`` of the remembered ceiling, that is where the server's limit is: the
  rate stays at it for ``PLATEAU_SECONDS`` after the climb back before probing past it (CUBIC's
  plateau), so a steady limit costs one 429 per plateau instead of one every few seconds.

There is no slow start before the first 429 (a fleet's gate has one): a client that is never
throttled stays unlimited, and the 429s a lone client meets first are those of the attempts
already in flight, sent before any 429 could come back, which no rate set after it can spare.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from time import monotonic
from typing import Protocol

from welkin_async._config import RateLimit
from welkin_async._stats import ClientStats

BETA = 0.7  # multiplicative decrease on a throttle
RECOVERY_SECONDS = 2.0  # back at the remembered ceiling this long after a step down
QUICK_RECOVERY_SECONDS = 0.5  # back to unlimited after a step down made without evidence
PROBE_PER_SECOND = 0.1  # growth past the ceiling, as a fraction of it per second
PLATEAU_SECONDS = 20.0  # a ceiling found again is held this long before probing past it
CONFIRMED_WITHIN = 0.1  # a step down from within this fraction of the ceiling finds it again
UNLIMITED_AT = 2.0  # with no rate configured, past this multiple of the ceiling: unlimited
SETTLE_SECONDS = 0.1  # after a step down, 429s of attempts sent this soon are the same episode
MIN_ADMITTED = 8  # successes since a step down that tell the rate the server admits
MIN_RATE = 0.5  # requests/s: the floor the adaptive rate never goes below
MIN_WINDOW = 0.01  # seconds: the shortest span a sending rate is measured over
WINDOW = 1.0  # seconds of history behind both measured rates


class PauseTooLong(Exception):
    """The shared pause (or, in a fleet, the next slot of the shared rate) ends after the
    caller's deadline; ``wait`` is what is left of it."""

    def __init__(self, wait: float) -> None:
        super().__init__(wait)
        self.wait = wait


class Gate(Protocol):
    """What the client asks before each attempt and tells after it: a :class:`Limiter`, or a
    fleet's shared gate (``welkin_async.fleet``) that wraps one."""

    @property
    def pause_remaining(self) -> float: ...

    async def acquire(self, deadline: float = math.inf) -> None: ...

    def release(self) -> None: ...

    def on_success(self) -> None: ...

    def on_throttle(self, retry_after: float | None, sent_at: float) -> None: ...


class _Recent:
    """Times of events within the last ``WINDOW`` seconds."""

    def __init__(self) -> None:
        self._times: deque[float] = deque()
        self.first: float | None = None  # the first event ever: how old the history is

    def observe(self, now: float) -> None:
        if self.first is None:
            self.first = now
        self._times.append(now)
        self._trim(now)

    def count(self, now: float) -> int:
        self._trim(now)
        return len(self._times)

    def _trim(self, now: float) -> None:
        while self._times and self._times[0] <= now - WINDOW:
            self._times.popleft()


class Limiter:
    """The admission gate of one client; made in the client's ``__aenter__``."""

    def __init__(self, max_concurrency: int, rate_limit: RateLimit | None, stats: ClientStats):
        self._slots = asyncio.Semaphore(max_concurrency)
        self._evidence = max_concurrency  # successes in a second that tell the server's rate
        self._stats = stats
        self._limit = rate_limit.per_second if rate_limit is not None else math.inf
        self._capacity = rate_limit.capacity if rate_limit is not None else 1.0
        self._rate = self._limit  # current rate; inf while neither configured nor throttled
        self._tokens = self._capacity
        self._refilled = monotonic()
        self._resume_at = 0.0
        self._last_decrease = -math.inf
        self._ceiling = self._limit  # where the latest throttle came; meaningful once finite
        self._known_ceiling = True  # False: the ceiling was a guess made without evidence
        self._confirmed = False  # the latest throttle found the limit where the one before did
        self._epoch = 0  # step downs so far: a token taken in an earlier epoch is void
        self._successes = _Recent()
        self._succeeded = 0  # successes ever, and at the latest step down
        self._succeeded_at_decrease = 0
        self._throttled_since_decrease = 0  # 429s since then, the burst's own included
        self._suspected_at: float | None = None  # a first 429 noted without slowing down
        self._guess = math.inf  # the sending rate a guessed step down was made from
        self._measure_from = math.inf  # the latest step down, or the end of its pause
        self._sent = _Recent()
        stats.rate_per_second = None if math.isinf(self._rate) else self._rate

    @property
    def pause_remaining(self) -> float:
        """Seconds until the shared pause ends (0 when there is none)."""
        return max(0.0, self._resume_at - monotonic())

    async def acquire(self, deadline: float = math.inf) -> None:
        """Wait for a slot, then for the end of any pause, then for a token of the bucket.

        Raises :class:`PauseTooLong` at once if a pause ends after ``deadline`` (monotonic).
        """
        await self.acquire_slot()
        try:
            await self.admit(deadline)
        except BaseException:
            self.release()
            raise

    async def acquire_slot(self) -> None:
        """Only the concurrency slot (a fleet's gate takes the rest from the shared limit)."""
        await self._slots.acquire()

    async def admit(self, deadline: float = math.inf) -> None:
        """With a slot held: wait out any pause, then for a token of the bucket."""
        while True:
            await self._wait_for_pause(deadline)
            wait = self._take_token(monotonic())
            if wait <= 0:
                break
            epoch = self._epoch
            await asyncio.sleep(wait)
            if self._resume_at <= monotonic() and self._epoch == epoch:
                break
            # A pause began while we waited for our token, or the rate stepped down: the token
            # is void, or everyone who waited through the pause would set out together when it
            # ends, and those queued before a step down would still be sent at the old rate.
        self._sent.observe(monotonic())

    def release(self) -> None:
        self._slots.release()

    def on_success(self) -> None:
        now = monotonic()
        self._successes.observe(now)
        self._succeeded += 1
        self._recover(now)

    def on_throttle(self, retry_after: float | None, sent_at: float) -> None:
        """A 429 for an attempt sent at ``sent_at`` (monotonic); pause all if the server said so."""
        now = monotonic()
        if retry_after is not None and now + retry_after > self._resume_at:
            self._resume_at = now + retry_after
            self._stats.pauses += 1
        self._throttled_since_decrease += 1
        if sent_at <= self._last_decrease + SETTLE_SECONDS:
            # Sent before we last slowed down, or while the server's own bucket was still
            # refilling after the burst that made us: part of a congestion already reacted to.
            if not self._known_ceiling:
                self._refine_guess(now)
            return
        if self._first_sighting(now, sent_at, retry_after):
            return
        base, known = self._estimate(now, sent_at)
        # The limit met again where the last throttle found it (neither a first ceiling nor a
        # guess made without evidence) is where the server's limit is: held before probing.
        self._confirmed = (
            known
            and self._known_ceiling
            and math.isfinite(self._rate)
            and abs(base - self._ceiling) <= CONFIRMED_WITHIN * self._ceiling
        )
        self._ceiling = self._guess = max(MIN_RATE, base)
        self._known_ceiling = known
        self._step_down(now, max(MIN_RATE, base * BETA))
        self._last_decrease = now
        self._measure_from = max(now, self._resume_at)  # admitted rates leave the pause out
        self._succeeded_at_decrease = self._succeeded
        self._throttled_since_decrease = 0
        self._suspected_at = None
        self._stats.rate_decreases += 1

    def _refine_guess(self, now: float) -> None:
        """Another 429 of the burst a guessed step down was made on: the share of that burst
        the server admitted says how far above its limit the guess was. Two refusals beyond
        the first make the lowered guess a ceiling (a tight limit, not a one-off)."""
        admitted = self._succeeded - self._succeeded_at_decrease
        refused = self._throttled_since_decrease
        target = self._guess * (admitted + 1) / (admitted + refused + 1)
        if target < self._ceiling:
            self._ceiling = max(MIN_RATE, target)
            self._step_down(now, max(MIN_RATE, target * BETA))
        self._known_ceiling = refused >= 2
        self._confirmed = False  # a ceiling refined from a guess was not found twice

    def _first_sighting(self, now: float, sent_at: float, retry_after: float | None) -> bool:
        """Whether this 429 is only noted: the first with nothing known of the server (too few
        successes to tell its rate) and no pause asked for, or one of that first one's burst.

        A lone 429 at start-up says little, and a step down from a guess costs a healthy
        server's client more than the 429 did. A 429 for an attempt sent after it (within
        ``WINDOW``) is evidence: the step down that follows starts from the share of attempts
        the server admitted since the first.
        """
        if retry_after is not None or math.isfinite(self._rate):
            return False
        if self._successes.count(now) >= self._evidence:
            return False
        if self._suspected_at is None or now > self._suspected_at + WINDOW:
            self._suspected_at = now
            self._succeeded_at_decrease = self._succeeded
            self._throttled_since_decrease = 1
            return True
        return sent_at <= self._suspected_at + SETTLE_SECONDS

    def _estimate(self, now: float, sent_at: float) -> tuple[float, bool]:
        """The rate to step down from, and whether it tells where the server's limit is."""
        if math.isfinite(self._rate):
            # Throttled again: what the server admitted since the last step down is where its
            # limit is, when that is lower than our rate (the last ceiling was a burst's rate).
            admitted = self._succeeded - self._succeeded_at_decrease
            span = now - self._measure_from
            if admitted >= MIN_ADMITTED and span >= MIN_WINDOW:
                return min(self._rate, admitted / span), True
            if not self._known_ceiling:
                # A start-up guess met a tight limit, and too few successes came to time: the
                # share of attempts the server admitted since says how far above it we are.
                refused = self._throttled_since_decrease - 1  # before this one
                return self._rate * (admitted + 1) / (admitted + refused + 1), True
            return self._rate, True
        admitted = self._successes.count(now)
        if admitted >= self._evidence:
            return float(admitted) / WINDOW, True
        # Too few answers to tell the server's rate: take the rate the throttled attempts were
        # sent at, over the history there is (however short) and at least their round trip...
        first = self._sent.first if self._sent.first is not None else sent_at
        span = max(min(WINDOW, now - first), now - sent_at, MIN_WINDOW)
        sending = self._sent.count(now) / span
        if self._suspected_at is None:  # a pause was asked for: a guess, soon dropped
            return sending, False
        # ... times the share of attempts the server admitted since the first 429.
        admitted = self._succeeded - self._succeeded_at_decrease
        refused = self._throttled_since_decrease - 1  # before this one
        return sending * (admitted + 1) / (admitted + refused + 1), True

    def _recover(self, now: float) -> None:
        """Set the rate for the time since the last step down (see the module's docstring)."""
        if not math.isfinite(self._rate) or self._rate >= self._limit:
            return
        since = now - max(self._last_decrease, self._resume_at)  # a pause is not recovery
        if not self._known_ceiling:
            target = self._recovery(since, QUICK_RECOVERY_SECONDS)
            if since >= QUICK_RECOVERY_SECONDS:
                target = math.inf
        elif since < RECOVERY_SECONDS:
            target = self._recovery(since, RECOVERY_SECONDS)
        else:
            plateau = PLATEAU_SECONDS if self._confirmed else 0.0
            probing = max(0.0, since - RECOVERY_SECONDS - plateau)
            target = self._ceiling * (1 + PROBE_PER_SECOND * probing)
            if math.isinf(self._limit) and target >= UNLIMITED_AT * self._ceiling:
                target = math.inf
        self._set_rate(max(self._rate, min(self._limit, target)))

    def _recovery(self, since: float, span: float) -> float:
        """Concave climb from ``BETA * ceiling`` to the ceiling over ``span`` seconds."""
        left = max(0.0, 1.0 - since / span)
        return self._ceiling * (1.0 - (1.0 - BETA) * left**3)

    async def _wait_for_pause(self, deadline: float) -> None:
        while (wait := self._resume_at - monotonic()) > 0:
            if self._resume_at > deadline:
                raise PauseTooLong(wait)
            await asyncio.sleep(wait)

    def _take_token(self, now: float) -> float:
        """Take a token, going into debt if none is left; return how long to wait for it.

        Debt keeps waiters in arrival order without a queue: the n-th waiter sleeps n/rate.
        """
        self._recover(now)
        if math.isinf(self._rate):
            return 0.0
        self._refill(now)
        self._tokens -= 1.0
        return 0.0 if self._tokens >= 0 else -self._tokens / self._rate

    def _refill(self, now: float) -> None:
        self._tokens = min(self._capacity, self._tokens + (now - self._refilled) * self._rate)
        self._refilled = now

    def _step_down(self, now: float, rate: float) -> None:
        """Slow down to ``rate`` at once: the tokens of those waiting for one are void (they
        queue again at the new rate), and no burst is left to spend."""
        if math.isfinite(self._rate):
            self._refill(now)  # the bucket up to now, at the old rate
        self._tokens = min(max(self._tokens, 0.0), 1.0)
        self._refilled = now
        self._set_rate(rate)
        self._epoch += 1

    def _set_rate(self, rate: float) -> None:
        self._rate = rate
        self._stats.rate_per_second = None if math.isinf(rate) else rate
