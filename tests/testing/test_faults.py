"""Fault injection: statuses, 429 storms, latency, resets, broken bodies; counted in stats."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.testing.conftest import Api, live_token
from welkin_async.testing import Fault, Faults, WelkinEmulator

PROGRAMS = "GET /formations/{version}/programs"


@pytest.fixture
async def faulty(request: pytest.FixtureRequest) -> AsyncIterator[WelkinEmulator]:
    async with WelkinEmulator(patients=3, faults=request.param) as emulator:
        yield emulator


async def _api(emulator: WelkinEmulator, session: aiohttp.ClientSession) -> Api:
    token = await live_token(session, emulator, "acme", "admin")
    return Api(session, emulator.url, "acme", "live", token)


@pytest.mark.parametrize("faulty", [[Fault("status", status=503, route=PROGRAMS)]], indirect=True)
async def test_status_fault_on_one_route(
    faulty: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """A status rule for one route answers that status there, and only there."""
    api = await _api(faulty, session)
    answer = await api.call("GET", "formations/current/programs")
    assert answer.status == 503
    assert answer.error["errorCode"] == "INTERNAL_SERVER_ERROR"
    assert (await api.call("GET", "formations/current/cdts")).status == 200
    assert faulty.stats.faults == {"status": 1}


@pytest.mark.parametrize("faulty", ["502 for " + PROGRAMS], indirect=True)
async def test_gateway_statuses_answer_html(
    faulty: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """502 and 504 come back as a gateway's HTML page, not the API's error array."""
    api = await _api(faulty, session)
    answer = await api.call("GET", "formations/current/programs")
    assert answer.status == 502
    assert answer.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "faulty", [[Fault("storm", length=3, route=PROGRAMS, retry_after=2)]], indirect=True
)
async def test_429_storm_lasts_its_length(
    faulty: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """A storm of length 3 answers three 429s with Retry-After, then lets requests through."""
    api = await _api(faulty, session)
    answers = [await api.call("GET", "formations/current/programs") for _ in range(3)]
    assert [a.status for a in answers] == [429, 429, 429]
    assert answers[0].headers["Retry-After"] == "2"
    assert faulty.stats.rate_limited == 3
    assert faulty.stats.faults["storm"] == 3


@pytest.mark.parametrize("faulty", ["reset-before for POST /patients"], indirect=True)
async def test_reset_before_applies_nothing(
    faulty: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """A reset before the body is read drops the connection and stores nothing."""
    api = await _api(faulty, session)
    patients = faulty.tenant().environments["live"].patients
    with pytest.raises(aiohttp.ClientConnectionError):
        await api.call("POST", "patients", json_body={"firstName": "Lost"})
    assert len(patients) == 3
    assert faulty.stats.faults == {"reset-before": 1}


@pytest.mark.parametrize("faulty", ["reset-after for POST /patients"], indirect=True)
async def test_reset_after_applies_the_write(
    faulty: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """A reset after the write drops the connection, but the patient was stored."""
    api = await _api(faulty, session)
    patients = faulty.tenant().environments["live"].patients
    with pytest.raises(aiohttp.ClientConnectionError):
        await api.call("POST", "patients", json_body={"firstName": "Applied"})
    assert len(patients) == 4


@pytest.mark.parametrize("faulty", ["truncate for " + PROGRAMS], indirect=True)
async def test_truncated_body_fails_the_read(
    faulty: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """A truncated body announces its full length, then stops: the read fails."""
    api = await _api(faulty, session)
    with pytest.raises(aiohttp.ClientPayloadError):
        await api.call("GET", "formations/current/programs")


@pytest.mark.parametrize("faulty", ["malformed for " + PROGRAMS], indirect=True)
async def test_malformed_body_is_not_json(
    faulty: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """A malformed body keeps its status and content type but is not valid JSON."""
    token = await live_token(session, faulty, "acme", "admin")
    async with session.get(
        f"{faulty.url}/acme/live/formations/current/programs",
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        assert response.status == 200
        raw = await response.read()
    with pytest.raises(json.JSONDecodeError):
        json.loads(raw)


@pytest.mark.parametrize("faulty", ["slow-body=40ms; latency=10ms for " + PROGRAMS], indirect=True)
async def test_slow_body_and_latency_still_deliver_intact(
    faulty: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """Slow bodies and added latency delay an answer but do not change it."""
    api = await _api(faulty, session)
    slow = await api.call("GET", "formations/current/programs")
    assert slow.status == 200
    assert next(p["name"] for p in slow.body) == "prog-diabetes"
    assert faulty.stats.faults["slow-body"] >= 1
    assert faulty.stats.faults["latency"] == 1


def test_fault_draws_repeat_for_a_seed() -> None:
    """The same seed and rules give the same faults for the same sequence of requests."""
    rules = [
        Fault("status", rate=0.3),
        Fault("latency", seconds=0.01, max_seconds=0.05, distribution="uniform"),
    ]
    runs = []
    for _ in range(2):
        faults = Faults(rules, seed=4)
        runs.append([faults.plan(PROGRAMS) for _ in range(50)])
    assert runs[0] == runs[1]
    assert 5 < sum(plan.status is not None for plan in runs[0]) < 25
    other = Faults(rules, seed=5)
    assert [other.plan(PROGRAMS) for _ in range(50)] != runs[0]


def test_spec_parses_every_kind() -> None:
    """The command-line spec covers statuses, storms, latency forms, resets and bodies."""
    faults = Faults.parse(
        "503@0.05; storm=20@0.01; latency=50ms; latency=10ms..90ms; latency=~20ms; "
        "reset-before@0.01; reset-after@0.1 for PATCH /patients/{patient_id}; truncate; "
        "malformed@0.5; slow-body=2s"
    )
    kinds = [(r.kind, r.rate, r.route) for r in faults.rules]
    assert kinds[0] == ("status", 0.05, None)
    assert kinds[1] == ("storm", 0.01, None)
    assert [r.distribution for r in faults.rules[2:5]] == ["fixed", "uniform", "exponential"]
    assert faults.rules[3].max_seconds == pytest.approx(0.09)
    assert kinds[6] == ("reset-after", 0.1, "PATCH /patients/{patient_id}")
    assert faults.rules[9].seconds == 2


@pytest.mark.parametrize("spec", ["418", "latency", "teleport@0.1", "latency=fast", "503@x"])
def test_bad_spec_is_refused(spec: str) -> None:
    """A spec with an unknown kind, status or duration raises ValueError naming the rule."""
    with pytest.raises(ValueError, match=f"^fault '{spec}': "):
        Faults.parse(spec)


async def test_faults_can_be_switched_on_while_running(
    emulator: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """Setting emulator.faults on a running emulator applies the new rules to later requests."""
    api = await _api(emulator, session)
    assert (await api.call("GET", "formations/current/programs")).status == 200
    emulator.faults = "503 for " + PROGRAMS
    assert (await api.call("GET", "formations/current/programs")).status == 503
    emulator.faults = None
    assert (await api.call("GET", "formations/current/programs")).status == 200
