"""examples/fastapi_app.py, served by uvicorn on a loopback port against the emulator."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import ModuleType
from typing import Any

import aiohttp
import pytest
import uvicorn
from fastapi import FastAPI, Request

from tests.conftest import a_patient
from tests.examples.conftest import load_example
from welkin_async import WelkinClient
from welkin_async.errors import ClientClosedError
from welkin_async.testing import WelkinEmulator

pytestmark = pytest.mark.welkin_emulator(patients=2, seed=0)

# A startup that never finishes shows as a failed request, not a hung test.
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=30)


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn, lifespan included, for the block; yields its base URL.

    The socket listens before uvicorn starts, so requests wait in its backlog until the lifespan
    has opened the client: nothing polls for readiness.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    config = uvicorn.Config(
        app, lifespan="on", log_config=None, access_log=False, http="h11", ws="none"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


async def fetch(url: str) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession(timeout=REQUEST_TIMEOUT) as session,
        session.get(url) as response,
    ):
        return response.status, await response.json()


@pytest.fixture
def example(welkin_env: None) -> ModuleType:
    return load_example("fastapi_app")


@pytest.fixture
def clients_used(example: ModuleType) -> list[WelkinClient]:
    """Every client the app handed to a handler, recorded through a dependency override."""
    used: list[WelkinClient] = []

    def recording(request: Request) -> WelkinClient:
        client: WelkinClient = example.welkin(request)
        used.append(client)
        return client

    example.app.dependency_overrides[example.welkin] = recording
    return used


async def test_a_patient_is_read_through_the_apps_client(
    example: ModuleType, welkin_emulator: WelkinEmulator
) -> None:
    """GET /patients/{id} answers the patient the emulator holds, with the API's field names."""
    patient_id = a_patient(welkin_emulator)
    async with serving(example.app) as url:
        status, body = await fetch(f"{url}/patients/{patient_id}")
    assert status == 200
    assert body["id"] == patient_id
    assert "firstName" in body


async def test_an_unknown_patient_is_a_404(example: ModuleType) -> None:
    """The SDK's NotFound becomes the app's own 404."""
    async with serving(example.app) as url:
        status, body = await fetch(f"{url}/patients/00000000-0000-4000-8000-000000000000")
    assert status == 404
    assert body == {"detail": "no such patient"}


async def test_requests_share_the_lifespans_client(
    example: ModuleType, clients_used: list[WelkinClient], welkin_emulator: WelkinEmulator
) -> None:
    """Every request is served by the one client the lifespan opened, not one of its own."""
    patient_id = a_patient(welkin_emulator)
    async with serving(example.app) as url:
        for _ in range(2):
            assert (await fetch(f"{url}/patients/{patient_id}"))[0] == 200
    assert len(clients_used) == 2
    assert clients_used[0] is clients_used[1]


async def test_the_client_closes_with_the_app(
    example: ModuleType, clients_used: list[WelkinClient], welkin_emulator: WelkinEmulator
) -> None:
    """The client the lifespan opened is closed once the server has stopped."""
    patient_id = a_patient(welkin_emulator)
    async with serving(example.app) as url:
        assert (await fetch(f"{url}/patients/{patient_id}"))[0] == 200
    (client,) = clients_used
    with pytest.raises(ClientClosedError):
        await client.patients.get(patient_id)
