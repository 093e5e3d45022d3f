"""examples/aiohttp_app.py, served by aiohttp's test server on loopback against the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import ModuleType

import pytest
from aiohttp import test_utils, web

from tests.conftest import a_patient
from tests.examples.conftest import load_example
from welkin_async.errors import ClientClosedError
from welkin_async.testing import WelkinEmulator

Client = test_utils.TestClient[web.Request, web.Application]

pytestmark = pytest.mark.welkin_emulator(patients=2, seed=0)


@pytest.fixture
def example(welkin_env: None) -> ModuleType:
    return load_example("aiohttp_app")


@pytest.fixture
async def http(example: ModuleType) -> AsyncIterator[Client]:
    """The example app, started (its client opened) and stopped around the test."""
    async with test_utils.TestClient(test_utils.TestServer(example.make_app())) as client:
        yield client


async def test_a_patient_is_read_through_the_apps_client(
    http: Client, welkin_emulator: WelkinEmulator
) -> None:
    """GET /patients/{id} answers the patient the emulator holds, with the API's field names."""
    patient_id = a_patient(welkin_emulator)
    response = await http.get(f"/patients/{patient_id}")
    assert response.status == 200
    body = await response.json()
    assert body["id"] == patient_id
    assert "firstName" in body


async def test_an_unknown_patient_is_a_404(http: Client) -> None:
    """The SDK's NotFound becomes the app's own 404."""
    response = await http.get("/patients/00000000-0000-4000-8000-000000000000")
    assert response.status == 404
    assert await response.json() == {"error": "no such patient"}


async def test_the_client_closes_with_the_app(
    example: ModuleType, welkin_emulator: WelkinEmulator
) -> None:
    """The client the app opened at startup is closed once the app has stopped."""
    app = example.make_app()
    async with test_utils.TestClient(test_utils.TestServer(app)) as http:
        assert (await http.get(f"/patients/{a_patient(welkin_emulator)}")).status == 200
    with pytest.raises(ClientClosedError):
        await app[example.WELKIN].patients.get(a_patient(welkin_emulator))
