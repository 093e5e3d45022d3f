"""Rate limiting against the emulator's per-client limit: a configured bucket, the shared
Retry-After pause, and the adaptive (AIMD) rate when the server gives no Retry-After."""

from __future__ import annotations

import asyncio
import time
from typing import Literal

import pytest

import welkin_async._client
import welkin_async._limits
from tests.conftest import Connect
from welkin_async import RateLimit, WelkinClient
from welkin_async._limits import (
    BETA,
    CONFIRMED_WITHIN,
    PLATEAU_SECONDS,
    PROBE_PER_SECOND,
    QUICK_RECOVERY_SECONDS,
    RECOVERY_SECONDS,
    Limiter,
)
from welkin_async._retry import parse_retry_after
from welkin_async._stats import ClientStats
from welkin_async.testing import ServerRateLimit, WelkinEmulator

R = 500.0  # the emulator's limit in these tests, requests/s
BURST = 2000


async def burst(client: WelkinClient, emulator: WelkinEmulator, count: int) -> float:
    """Send ``count`` GETs at once; return the achieved requests/s."""
    patient_id = emulator.tenant("acme").environments["live"].patients.ids()[0]
    started = time.monotonic()
    await asyncio.gather(
        *(
            client.request("GET", "patients/{id}", path_params={"id": patient_id})
            for _ in range(count)
        )
    )
    return count / (time.monotonic() - started)


@pytest.mark.welkin_emulator(patients=3, tenants=["acme"], rate_limit=ServerRateLimit(R))
async def test_a_configured_rate_gets_the_server_limit_with_almost_no_429s(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A 2,000-request burst with RateLimit set to the server's R gets >= 0.9 R and <= 1% 429s."""
    async with connect(rate_limit=RateLimit(per_second=R)) as client:
        achieved = await burst(client, welkin_emulator, BURST)
    assert achieved >= 0.9 * R
    assert client.stats.rate_limited <= BURST // 100
    assert client.stats.requests == BURST


class PauseWatch:
    """Records, from the hooks, each 429's arrival and Retry-After, and every send time."""

    def __init__(self) -> None:
        self.sent: list[float] = []
        self.pauses: list[tuple[float, float]] = []

    def on_request(self, _: object) -> None:
        self.sent.append(time.monotonic())

    def violations(self) -> list[float]:
        """Send times that fell inside a pause (a small margin for the hook's own timing)."""
        return [
            sent
            for sent in self.sent
            for start, wait in self.pauses
            if start + 0.005 < sent < start + wait - 0.005
        ]


def limited(style: Literal["seconds", "http-date"]) -> object:
    marker = pytest.mark.welkin_emulator(
        patients=3, tenants=["acme"], rate_limit=ServerRateLimit(R, retry_after=style)
    )
    return pytest.param(style, marks=marker)


@pytest.mark.parametrize("style", [limited("seconds"), limited("http-date")])
async def test_retry_after_pauses_every_task_and_the_rate_holds(
    style: str, welkin_emulator: WelkinEmulator, connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a configured rate, 429s with Retry-After (delta-seconds or HTTP-date) pause every
    task until then; no request is sent in a pause, and the burst still gets >= 0.9 R."""
    watch = PauseWatch()

    class Recorder(Limiter):
        def on_throttle(self, retry_after: float | None, sent_at: float) -> None:
            if retry_after is not None:
                watch.pauses.append((time.monotonic(), retry_after))
            super().on_throttle(retry_after, sent_at)

    monkeypatch.setattr(welkin_async._client, "Limiter", Recorder)
    async with connect(on_request=watch.on_request) as client:
        achieved = await burst(client, welkin_emulator, BURST)
    assert watch.pauses, "the server never answered 429: the test proves nothing"
    assert client.stats.pauses >= 1
    assert watch.violations() == []
    assert achieved >= 0.9 * R
    assert client.stats.rate_limited <= BURST // 100


@pytest.mark.welkin_emulator(
    patients=3, tenants=["acme"], rate_limit=ServerRateLimit(R, retry_after="none")
)
async def test_without_retry_after_the_rate_steps_down_and_the_burst_completes(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """429s without Retry-After step the client's rate down (AIMD); the burst completes near R
    with few 429s, and the rate the client settles on is close to the server's."""
    async with connect() as client:
        achieved = await burst(client, welkin_emulator, BURST)
    assert client.stats.rate_decreases >= 1
    assert client.stats.pauses == 0
    assert achieved >= 0.8 * R
    assert client.stats.rate_limited <= BURST // 50
    assert client.stats.rate_per_second is not None
    assert 0.5 * R <= client.stats.rate_per_second <= 2 * R


class FakeClock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = 1000.0
        monkeypatch.setattr(welkin_async._limits, "monotonic", lambda: self.now)


async def test_aimd_steps_down_once_per_burst_and_climbs_back_to_the_ceiling(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Several 429s of one burst cause one multiplicative step; the rate then climbs back to the
    rate it stepped down from within RECOVERY_SECONDS (fast first, levelling off), never above
    the configured rate."""
    clock = FakeClock(monkeypatch)
    stats = ClientStats()
    limiter = Limiter(8, RateLimit(per_second=100), stats)
    for sent_at in (999.0, 999.5, 999.9):  # all sent before the first step down
        limiter.on_throttle(None, sent_at)
    assert stats.rate_decreases == 1
    assert stats.rate_per_second == pytest.approx(70)
    clock.now += RECOVERY_SECONDS / 2
    limiter.on_success()
    assert stats.rate_per_second == pytest.approx(100 * (1 - 0.3 * 0.5**3))  # 96.25: concave
    clock.now += RECOVERY_SECONDS / 2
    limiter.on_success()
    assert stats.rate_per_second == pytest.approx(100)
    clock.now += 10.0
    limiter.on_success()
    assert stats.rate_per_second == pytest.approx(100)  # never above the configured rate
    limiter.on_throttle(None, clock.now)  # sent after the step down: a new episode
    assert stats.rate_decreases == 2


async def test_without_a_configured_rate_the_ceiling_is_remembered_then_probed_then_lifted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With evidence (a second's worth of successes), the rate the server admitted is the
    ceiling: back at it within RECOVERY_SECONDS, a tenth of it more per second after that, and
    unlimited again past twice it."""
    clock = FakeClock(monkeypatch)
    stats = ClientStats()
    limiter = Limiter(8, None, stats)
    for _ in range(50):  # 50 successes within the last second
        clock.now += 0.01
        limiter.on_success()
    limiter.on_throttle(None, clock.now - 0.005)
    assert stats.rate_per_second == pytest.approx(35)
    clock.now += RECOVERY_SECONDS
    limiter.on_success()
    assert stats.rate_per_second == pytest.approx(50)
    clock.now += 5.0
    limiter.on_success()
    assert stats.rate_per_second == pytest.approx(50 * (1 + PROBE_PER_SECOND * 5))
    clock.now += 5.0
    limiter.on_success()
    assert stats.rate_per_second is None  # past twice the ceiling: unlimited


async def test_a_lone_429_as_the_very_first_answer_is_only_noted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nothing is known of the server when the first answer is a 429 without Retry-After: it
    costs its retry, not a step down (the old client fell to 0.5 requests/s); the 429s of the
    same burst are part of it."""
    clock = FakeClock(monkeypatch)
    stats = ClientStats()
    limiter = Limiter(32, None, stats)
    for _ in range(32):  # 32 attempts sent at once
        await limiter.acquire()
    clock.now += 0.02  # the first answers, 20 ms later, are 429s
    for _ in range(5):
        limiter.on_throttle(None, clock.now - 0.02)
    assert stats.rate_decreases == 0
    assert stats.rate_per_second is None


async def test_a_second_429_after_the_first_steps_down_from_the_admitted_share(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 429 for an attempt sent after the first was noted is evidence: the step down starts
    from the sending rate times the share of attempts the server admitted in between, and it
    is a ceiling (climbed back to, not dropped)."""
    clock = FakeClock(monkeypatch)
    stats = ClientStats()
    limiter = Limiter(32, None, stats)
    for _ in range(20):
        await limiter.acquire()
    clock.now += 0.02
    limiter.on_throttle(None, clock.now - 0.02)  # noted
    for _ in range(9):  # of the attempts sent after it, 9 are refused and 1 admitted
        limiter.on_throttle(None, clock.now - 0.02)
    limiter.on_success()
    clock.now += 0.2
    limiter.on_throttle(None, clock.now - 0.01)  # sent after the first 429: evidence
    assert stats.rate_decreases == 1
    sending = 20 / 0.22
    assert stats.rate_per_second == pytest.approx(BETA * sending * 2 / 12)
    clock.now += 10 * QUICK_RECOVERY_SECONDS
    limiter.on_success()
    assert stats.rate_per_second is not None  # a ceiling: not dropped within the quick span


async def test_a_first_429_with_retry_after_steps_down_on_a_guess_dropped_after_the_pause(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A first 429 that asks for a pause (the server is sure) steps down from the rate the
    client was sending at, not from successes (there are none); that guess is dropped within
    QUICK_RECOVERY_SECONDS of the pause's end."""
    clock = FakeClock(monkeypatch)
    stats = ClientStats()
    limiter = Limiter(32, None, stats)
    for _ in range(32):
        await limiter.acquire()
    clock.now += 0.02
    limiter.on_throttle(1.0, clock.now - 0.02)
    assert stats.rate_decreases == 1
    assert stats.rate_per_second == pytest.approx(BETA * 32 / 0.02)  # 1,120/s, not 0.5/s
    clock.now += 1.0 + QUICK_RECOVERY_SECONDS
    limiter.on_success()
    assert stats.rate_per_second is None


async def test_a_second_throttle_steps_down_from_what_the_server_admitted_since(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A ceiling measured during a burst overestimates the server; when 429s come again, the
    successes since the last step down say what it really admits."""
    clock = FakeClock(monkeypatch)
    stats = ClientStats()
    limiter = Limiter(8, RateLimit(per_second=1000), stats)
    limiter.on_throttle(None, clock.now - 0.01)
    assert stats.rate_per_second == pytest.approx(700)
    for _ in range(50):  # 50 successes in the half second since
        clock.now += 0.01
        limiter.on_success()
    limiter.on_throttle(None, clock.now - 0.001)
    assert stats.rate_decreases == 2
    assert stats.rate_per_second == pytest.approx(BETA * 100)  # from 100/s admitted


async def test_a_step_down_voids_the_tokens_queued_at_the_old_rate() -> None:
    """Tasks already waiting for a token when the rate steps down are sent at the new rate,
    one token apart, not on the schedule they queued on."""
    stats = ClientStats()
    limiter = Limiter(8, RateLimit(per_second=100, burst=1), stats)
    admitted: list[float] = []

    async def send() -> None:
        await limiter.acquire()
        admitted.append(time.monotonic())
        if len(admitted) == 2:  # four tasks are queued at 100/s: then the answer is a 429
            limiter.on_throttle(None, admitted[-1])
        limiter.release()

    await asyncio.gather(*(send() for _ in range(6)))
    assert stats.rate_decreases == 1
    # The four after the 429 at 70/s, climbing back towards 100/s meanwhile (under 80/s in
    # these 60 ms): at the old rate the last would set out 0.040 s after the 429.
    assert admitted[-1] - admitted[1] >= 4 / 80


def throttled_at_50_per_second(clock: FakeClock, limiter: Limiter, seconds: float) -> None:
    """``seconds`` of successes at 50/s, then a 429 for an attempt sent just before it."""
    for _ in range(round(50 * seconds)):
        clock.now += 0.02
        limiter.on_success()
    limiter.on_throttle(None, clock.now - 0.005)


async def test_a_ceiling_found_again_is_held_before_probing_past_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A throttle that finds the server's limit where the remembered ceiling was (within
    CONFIRMED_WITHIN of it) holds the rate at that ceiling for PLATEAU_SECONDS after the climb
    back, then probes past it as before."""
    clock = FakeClock(monkeypatch)
    stats = ClientStats()
    limiter = Limiter(8, None, stats)
    throttled_at_50_per_second(clock, limiter, 1.0)  # the ceiling: 50/s
    throttled_at_50_per_second(clock, limiter, 10.0)  # probed to 90/s; 50/s admitted
    assert stats.rate_decreases == 2
    assert stats.rate_per_second == pytest.approx(50 * BETA)
    clock.now += RECOVERY_SECONDS + PLATEAU_SECONDS
    limiter.on_success()
    assert stats.rate_per_second == pytest.approx(50)
    clock.now += 5.0
    limiter.on_success()
    assert stats.rate_per_second == pytest.approx(50 * (1 + PROBE_PER_SECOND * 5))


async def test_a_ceiling_found_elsewhere_is_probed_past_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A throttle that finds the limit farther than CONFIRMED_WITHIN from the remembered
    ceiling starts a new one, probed past right after the climb back (no plateau)."""
    clock = FakeClock(monkeypatch)
    stats = ClientStats()
    limiter = Limiter(8, None, stats)
    throttled_at_50_per_second(clock, limiter, 1.0)
    for _ in range(250):  # the server's limit fell: 25/s admitted for 10 s, then a 429
        clock.now += 0.04
        limiter.on_success()
    limiter.on_throttle(None, clock.now - 0.005)
    ceiling = 25.0
    assert abs(ceiling - 50) > CONFIRMED_WITHIN * 50
    assert stats.rate_per_second == pytest.approx(ceiling * BETA)
    clock.now += RECOVERY_SECONDS + 5.0
    limiter.on_success()
    assert stats.rate_per_second == pytest.approx(ceiling * (1 + PROBE_PER_SECOND * 5))


async def test_recovery_starts_when_the_pause_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Retry-After pause is not recovery time: the rate is still at its step down when the
    pause ends."""
    clock = FakeClock(monkeypatch)
    stats = ClientStats()
    limiter = Limiter(8, RateLimit(per_second=100), stats)
    limiter.on_throttle(3.0, clock.now - 0.01)
    clock.now += 3.0
    limiter.on_success()
    assert stats.rate_per_second == pytest.approx(70)


def test_retry_after_is_read_as_seconds_or_an_http_date() -> None:
    """Retry-After is delta-seconds or an HTTP-date; anything else is ignored."""
    assert parse_retry_after("7") == 7.0
    in_ten = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 10))
    assert parse_retry_after(in_ten) == pytest.approx(10, abs=1.5)
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: go now
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
