"""The fleet's shared gate: one rate, one pause and one adaptive rate for every process.

The state of an API client's limit is one Redis hash, and its pause one Redis string, changed
only by one Lua script (atomic, and on Redis's own clock, so hosts' clocks do not matter):

- **acquire** reserves the next slot of a GCRA (generic cell rate algorithm: a token bucket kept
  as one "theoretical arrival time") at the current rate and answers how long to wait for it, or
  that a pause is on and for how long;
- **throttle** records a 429: a ``Retry-After`` pauses every process until then; otherwise the
  rate steps down (x ``BETA``) once per congestion episode (a 429 for an attempt sent within
  ``SETTLE_SECONDS`` of the last step down is part of it) and climbs back, CUBIC-like, to the
  remembered ceiling within ``RECOVERY_SECONDS``, then past it: the lone client's constants and
  the shape of its rules (see :mod:`welkin_async._limits`). The evidence is the fleet's: every
  call reports the successes its process saw since its last call. What the lone limiter does
  with thin evidence (a first 429 only noted, a guess refined by its burst) is simpler here: a
  step down without evidence is a guess, and the rate is unlimited again after
  ``QUICK_RECOVERY_SECONDS``;
- a fleet's first acquire (no state yet, or none for an hour) starts a **slow start**, which
  the lone limiter has no need of: the rate begins at ``SLOW_START_RATE`` and doubles every
  ``SLOW_START_DOUBLING`` seconds until the first 429 or ``SLOW_START_END`` (then unlimited);
- **peek** answers whether a pause is on and when the rate last stepped down: after a wait,
  either voids the reserved slot (as a pause does in one process), and the caller asks again.

Members with different ``rate_limit`` settings (say, during a rolling deploy) keep a limit state
each, so each is held to its own ceiling; all of them share the pause.

The process keeps its own :class:`Limiter`: its concurrency slots always, and its rate and pause
whenever Redis cannot be reached (see :mod:`welkin_async.fleet._link`). No attempt is sent
without one of the two deciding. A ``Retry-After`` heard while alone is kept by the process
after Redis is back; successes seen while alone are not reported (stale evidence).
"""

from __future__ import annotations

import asyncio
import math
from contextlib import suppress
from string import Template
from time import monotonic

from redis.asyncio import Redis

from welkin_async import _limits
from welkin_async._coordination import FleetMember
from welkin_async._limits import PauseTooLong
from welkin_async.fleet._link import Link, LinkDown

UNLIMITED = 1e18  # requests/s the script takes for "no limit" (Lua has no infinity literal)
RECHECK_SECONDS = 1.0  # the longest a process waits on the shared state before asking again
STATE_TTL_MS = 3_600_000  # an API client's limit state outlives its fleet by an hour
# A fleet that knows nothing of the server yet starts slow and doubles its rate every
# SLOW_START_DOUBLING seconds (unlimited past SLOW_START_END): a whole fleet setting out
# unlimited has every task in flight when the server's bucket runs dry, and all of them are
# answered 429 (32 for 4 processes x 8 tasks); rising this way, it has a few.
SLOW_START_RATE = 20.0
SLOW_START_DOUBLING = 0.1
SLOW_START_END = 10_000.0

# Times are milliseconds of Redis's clock; the constants are the lone limiter's, so both
# follow one set of rules.
_SCRIPT = Template("""
-- %.17g: every bit of a double (tostring keeps 14 digits: 0.1 ms of a timestamp in ms).
local function num(x) return string.format('%.17g', x) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local key, pause_key, op = KEYS[1], KEYS[2], ARGV[1]
local reported, limit, capacity = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local INF, W = ${unlimited}, ${window}
local f = redis.call('HMGET', key, 'rate', 'tat', 'ceil', 'known', 'dec', 'mfrom',
  'succ', 'succ_dec', 'ws', 'wsucc', 'psucc', 'wadm', 'padm')
-- A field that is missing, not a number, NaN or infinite (nobody but a person writes one) is
-- read as its default; so are times beyond what the state can hold (an hour ahead).
local function read(x, default, low, high)
  x = tonumber(x)
  if x == nil or x ~= x or x < low or x > high then return default end
  return x
end
local later = now + ${ttl}
local rate = read(f[1], math.min(${slow_start}, limit), ${min_rate}, INF)
local tat = read(f[2], 0, -INF, later)
local ceil, known = read(f[3], INF, ${min_rate}, INF), read(f[4], 2, 0, 2)
local dec, mfrom = read(f[5], -1e18, -INF, now), read(f[6], now, -INF, later)
local succ, succ_dec = read(f[7], 0, 0, INF), read(f[8], 0, 0, INF)
local ws = read(f[9], now, -INF, now)
local wsucc, psucc = read(f[10], 0, 0, INF), read(f[11], 0, 0, INF)
local wadm, padm = read(f[12], 0, 0, INF), read(f[13], 0, 0, INF)
local resume = read(redis.call('GET', pause_key), 0, -INF, later)
if known ~= 0 and known ~= 1 then known = 2 end
if now - ws >= W then
  if now - ws >= 2 * W then psucc, padm = 0, 0 else psucc, padm = wsucc, wadm end
  wsucc, wadm = 0, 0
  ws = now - ((now - ws) % W)
end
local function recent(current, previous)
  return current + previous * math.max(0, 1 - (now - ws) / W)
end
succ, wsucc = succ + reported, wsucc + reported
local function climb(since, span)
  local left = math.max(0, 1 - since / span)
  return ceil * (1 - (1 - ${beta}) * left ^ 3)
end
if rate < INF and rate < limit then
  local since = now - math.max(dec, resume)
  local target
  if known == 2 then  -- slow start, from the fleet's first acquire (mfrom until a step down)
    target = ${slow_start} * 2 ^ ((now - mfrom) / ${doubling})
    if target >= ${slow_start_end} then target = INF end
  elseif known == 0 then
    if since >= ${quick} then target = INF else target = climb(since, ${quick}) end
  elseif since < ${recovery} then
    target = climb(since, ${recovery})
  else
    target = ceil * (1 + ${probe} * (since - ${recovery}) / 1000)
    if limit >= INF and target >= ${unlimited_at} * ceil then target = INF end
  end
  rate = math.max(rate, math.min(limit, target))
end
local verdict, amount, changed = 'go', 0, 0
if op == 'acquire' then
  if resume > now then
    verdict, amount = 'pause', resume - now
  else
    wadm = wadm + 1
    local r = math.min(rate, limit)
    if r >= INF then
      tat = now
    else
      local interval = 1000 / r
      tat = math.max(tat, now) + interval
      amount = math.max(0, tat - capacity * interval - now)
    end
  end
elseif op == 'peek' then
  if resume > now then verdict, amount = 'pause', resume - now end
elseif op == 'throttle' then
  local retry_after, sent = tonumber(ARGV[5]), now - tonumber(ARGV[6])
  if retry_after > 0 and now + retry_after * 1000 > resume then
    resume = now + retry_after * 1000
    -- Kept a while past its end: the climb back counts from the end of the pause.
    redis.call('SET', pause_key, num(resume), 'PX', math.ceil(retry_after * 1000) + ${ttl})
    changed = 1
  end
  if sent > dec + ${settle} then
    local base
    if rate < INF then
      local admitted, span = succ - succ_dec, now - mfrom
      if admitted >= ${min_admitted} and span >= ${min_window} then
        base = math.min(rate, admitted * 1000 / span)
      else
        base = rate
      end
      known = 1
    else
      local admitted = recent(wsucc, psucc)
      if admitted >= ${min_admitted} then
        base, known = admitted * 1000 / W, 1
      else
        base, known = recent(wadm, padm) * 1000 / W, 0
      end
    end
    base = math.max(${min_rate}, math.min(base, limit))
    ceil, rate = base, math.max(${min_rate}, base * ${beta})
    -- Slots reserved at the old rate are void (their holders ask again): start the schedule anew.
    tat, dec, mfrom, succ_dec = now, now, math.max(now, resume), succ
    changed = changed + 2
  end
  verdict = 'noted'
end
redis.call('HSET', key, 'rate', num(rate), 'tat', num(tat), 'ceil', num(ceil),
  'known', num(known), 'dec', num(dec), 'mfrom', num(mfrom), 'succ', num(succ),
  'succ_dec', num(succ_dec), 'ws', num(ws), 'wsucc', num(wsucc), 'psucc', num(psucc),
  'wadm', num(wadm), 'padm', num(padm))
redis.call('PEXPIRE', key, ${ttl})
return {verdict, num(amount), num(math.min(rate, limit)), num(changed), num(dec)}
""").substitute(
    unlimited=repr(UNLIMITED),
    window=repr(_limits.WINDOW * 1000),
    beta=repr(_limits.BETA),
    quick=repr(_limits.QUICK_RECOVERY_SECONDS * 1000),
    recovery=repr(_limits.RECOVERY_SECONDS * 1000),
    probe=repr(_limits.PROBE_PER_SECOND),
    unlimited_at=repr(_limits.UNLIMITED_AT),
    settle=repr(_limits.SETTLE_SECONDS * 1000),
    min_admitted=repr(_limits.MIN_ADMITTED),
    min_window=repr(_limits.MIN_WINDOW * 1000),
    min_rate=repr(_limits.MIN_RATE),
    ttl=STATE_TTL_MS,
    slow_start=repr(SLOW_START_RATE),
    doubling=repr(SLOW_START_DOUBLING * 1000),
    slow_start_end=repr(SLOW_START_END),
)


class SharedGate:
    """A :class:`~welkin_async._limits.Gate` over the fleet's shared limit, with the member's own
    limiter for its slots and for when Redis cannot be reached."""

    def __init__(self, link: Link, base: str, member: FleetMember) -> None:
        self._link = link
        self._local = member.limiter
        self._stats = member.stats
        limit = member.rate_limit
        self._limit = limit.per_second if limit is not None else UNLIMITED
        self._capacity = limit.capacity if limit is not None else 1.0
        group = "" if limit is None else f":{limit.per_second!r}/{limit.capacity!r}"
        self._keys = [f"{base}:limit{group}", f"{base}:pause"]
        self._script = link.redis.register_script(_SCRIPT)
        self._resume_at = 0.0  # monotonic: the end of this process's own pause (its 429s)
        self._shared_pause_until = 0.0  # the end of the fleet's pause, as last heard
        self._unreported = 0  # successes not yet counted in the shared state
        self._reports: set[asyncio.Task[None]] = set()

    @property
    def pause_remaining(self) -> float:
        until = max(self._resume_at, self._shared_pause_until)
        return max(until - monotonic(), self._local.pause_remaining, 0.0)

    async def acquire(self, deadline: float = math.inf) -> None:
        await self._local.acquire_slot()
        try:
            await self._admit(deadline)
        except BaseException:
            self._local.release()
            raise

    def release(self) -> None:
        self._local.release()

    def on_success(self) -> None:
        self._local.on_success()
        if self._link.shared:
            self._unreported += 1

    def on_throttle(self, retry_after: float | None, sent_at: float) -> None:
        now = monotonic()
        if retry_after is not None:  # this process waits at once; the others on their next ask
            self._resume_at = max(self._resume_at, now + retry_after)
        if not self._link.shared:  # alone for now: the member's own limiter reacts
            self._local.on_throttle(retry_after, sent_at)
            return
        age = max(0.0, now - sent_at)
        task = asyncio.create_task(self._report_throttle(retry_after, age))
        self._reports.add(task)
        task.add_done_callback(self._reports.discard)

    async def aclose(self) -> None:
        """Let the reports of 429s in flight finish (each is bounded by the link's timeout)."""
        if self._reports:
            await asyncio.gather(*self._reports, return_exceptions=True)

    async def _admit(self, deadline: float) -> None:
        while True:
            await self._wait_for_pause(deadline)
            if pending := {report for report in self._reports if not report.done()}:
                # A 429 of this process is on its way to Redis: its step down (or pause) counts
                # for this process's next attempts too, not only for those asked after it lands.
                await asyncio.wait(pending)
                continue
            try:
                verdict, wait, epoch = await self._ask("acquire")
            except LinkDown:  # Redis is down, or just failed: the member's own limiter decides
                await self._local.admit(deadline)
                return
            if verdict == "pause":
                await self._sit_out_pause(wait, deadline)
                continue
            if wait <= 0 or await self._wait_for_slot(wait, epoch, deadline):
                return

    async def _wait_for_slot(self, wait: float, epoch: str, deadline: float) -> bool:
        """Wait for the slot reserved ``wait`` seconds ahead: ``True`` when it has come, or
        ``False`` if it is void. A pause begun elsewhere meanwhile voids it, or every process
        that waited through the pause would set out together when it ends; so does a step down
        (another ``epoch``), or the slots reserved at the old rate would all be sent at it."""
        slot_at = monotonic() + wait
        if slot_at > deadline:
            raise PauseTooLong(wait)
        while True:
            await asyncio.sleep(min(slot_at - monotonic(), RECHECK_SECONDS))
            try:
                verdict, paused, now_epoch = await self._ask("peek")
            except LinkDown:
                return True  # reserved by the shared limit; nothing says otherwise
            if verdict == "pause":
                await self._sit_out_pause(paused, deadline)
                return False
            if now_epoch != epoch:
                return False
            if monotonic() >= slot_at:
                return True

    async def _wait_for_pause(self, deadline: float) -> None:
        """This process's own pause: a ``Retry-After`` it was answered."""
        while (wait := self._resume_at - monotonic()) > 0:
            if self._resume_at > deadline:
                raise PauseTooLong(wait)
            await asyncio.sleep(wait)

    async def _sit_out_pause(self, wait: float, deadline: float) -> None:
        """A pause the shared state holds (another process's ``Retry-After``): not past
        ``deadline`` (the call fails at once, as for its own pause), and at most
        ``RECHECK_SECONDS`` before Redis is asked again, so a pause lifted there (or a value
        someone wrote wrong) does not hold the process longer."""
        self._shared_pause_until = monotonic() + wait  # for pause_remaining only
        if monotonic() + wait > deadline:
            raise PauseTooLong(wait)
        await asyncio.sleep(min(wait, RECHECK_SECONDS))

    async def _ask(self, op: str, *extra: float) -> tuple[str, float, str]:
        """One run of the script: ``(verdict, seconds, epoch)``, the epoch naming the latest
        step down; the successes since the last run are reported."""
        # Reported once: lost with the call if Redis fails (successes of a while ago are no
        # evidence of the rate the server admits now).
        reported, self._unreported = self._unreported, 0
        args: list[str | float] = [op, reported, self._limit, self._capacity, *extra]

        async def run(redis: Redis) -> tuple[str, float, float, int, str]:
            # Parsed inside the call: a reply of the wrong shape is a failure of the store.
            reply = await self._script(keys=self._keys, args=args)
            verdict, amount, rate, changed, epoch = (part.decode() for part in reply)
            return verdict, float(amount), float(rate), int(changed), epoch

        verdict, amount, shared_rate, changed, epoch = await self._link.call(run)
        self._stats.rate_per_second = None if shared_rate >= UNLIMITED else shared_rate
        if changed & 1:
            self._stats.pauses += 1
        if changed & 2:
            self._stats.rate_decreases += 1
        return verdict, amount / 1000, epoch

    async def _report_throttle(self, retry_after: float | None, age: float) -> None:
        # A failure is logged by the link; the rate stays as it was in the shared state.
        with suppress(LinkDown):
            await self._ask("throttle", -1 if retry_after is None else retry_after, age * 1000)
