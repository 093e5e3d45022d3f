"""The README's "Running a fleet" example runs as printed, against the emulator and Redis."""

from __future__ import annotations

from typing import Any

import pytest
from redis.asyncio import Redis

from tests.conftest import a_patient
from tests.test_readme import _section_code
from welkin_async.testing import RedisServer, WelkinEmulator


@pytest.mark.welkin_emulator(patients=2, tenants=["acme"])
async def test_the_fleet_example_runs_in_shared_mode(
    welkin_emulator: WelkinEmulator,
    redis_server: RedisServer,
    redis: Redis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The example reads a patient through a RedisCoordination and is in shared mode."""
    credentials = welkin_emulator.credentials()
    for name, value in {
        "WELKIN_TENANT": "acme",
        "WELKIN_BASE_URL": welkin_emulator.url,
        "WELKIN_CLIENT_ID": credentials.client_id,
        "WELKIN_CLIENT_SECRET": credentials.client_secret,
    }.items():
        monkeypatch.setenv(name, value)
    body = "\n".join(f"    {line}" for line in _section_code("## Running a fleet").splitlines())
    code = f"async def example(redis_url, patient_id):\n{body}\n    return patient, fleet_mode\n"
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - our README
    patient_id = a_patient(welkin_emulator)
    patient, fleet_mode = await namespace["example"](redis_server.url, patient_id)
    assert str(patient.id) == patient_id
    assert fleet_mode is True
    assert await redis.keys("care-sync:*")  # the shared limit and token are in Redis
